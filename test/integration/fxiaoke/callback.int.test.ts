import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FxiaokeSimulator, startFxiaokeSimulator } from '../../../infra/local/simulators/fxiaoke';
import { receiveFxiaokeCallback } from '../../../shared/crm/fxiaoke/callback';
import { replyIsSuccess } from '../../../shared/crm/fxiaoke/callback-crypto';
import { DomainError } from '../../../shared/errors';
import type { BusEntry, EventBusPort } from '../../../shared/ports';
import { ReceiptRepository } from '../../../shared/store/receipts';
import { type LocalTable, startLocalTable } from '../../support/local-aws';

const AES_KEY = Buffer.alloc(32, 42).toString('base64');
const STATUS: Record<string, number> = {
  invalid_signature: 401,
  stale_timestamp: 401,
  unsupported_media_type: 415,
};

class RecordingBus implements EventBusPort {
  readonly published: BusEntry[] = [];
  failures = 0;
  async publish(entries: readonly BusEntry[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('bus unavailable (test)');
    }
    this.published.push(...entries);
  }
}

let table: LocalTable;
let receipts: ReceiptRepository;
let sim: FxiaokeSimulator;
let receiver: Server;
let receiverUrl: string;
let bus: RecordingBus;
let now: () => Date = () => new Date();

beforeAll(async () => {
  table = await startLocalTable('fxiaoke-callback');
  receipts = new ReceiptRepository(table.doc, table.tableName);
  sim = await startFxiaokeSimulator();
  // The receiver as the HTTP edge will host it: the use case, its reply as the body, domain errors as 4xx.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const result = await receiveFxiaokeCallback(
          {
            headers: { 'content-type': req.headers['content-type'] },
            rawBody: Buffer.concat(chunks).toString(),
          },
          {
            tenantId: 'demo',
            aesKeys: async () => [AES_KEY],
            enterpriseAccount: sim.app.ea,
            receipts,
            bus,
            now: now(),
          },
        );
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result.reply));
      } catch (err) {
        const status = err instanceof DomainError ? (STATUS[err.code] ?? 400) : 500;
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: String(err) }));
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/fxiaoke`;
  sim.subscribe({ url: receiverUrl, aesKey: AES_KEY });
});

afterAll(async () => {
  receiver?.close();
  await sim?.stop();
  await table?.stop();
});

beforeEach(() => {
  bus = new RecordingBus();
  now = () => new Date();
  sim.faults.callbacks = {};
});

const deal = (stage: string) => {
  const r = sim.records
    .list('NewOpportunityObj')
    .find((x) => x.sales_stage === stage && x.life_status === 'normal');
  if (!r) throw new Error(`seed has a deal at stage ${stage}`);
  return r;
};

describe('Fxiaoke data-change callbacks into the receipt store and bus', () => {
  it('accepts a callback once: receipt stored, one crm.record.changed, encrypted success reply', async () => {
    const d = deal('4');
    const [attempt, ...more] = await sim.changeRecord('NewOpportunityObj', d._id, { sales_stage: '5' });
    expect(more).toEqual([]);
    expect(attempt?.acknowledged).toBe(true);
    expect(replyIsSuccess(JSON.parse(attempt?.body ?? '{}'), AES_KEY)).toBe(true);
    expect(bus.published).toHaveLength(1);
    expect(bus.published[0]).toMatchObject({
      source: 'quotaflow.ingest',
      detailType: 'crm.record.changed',
      detail: { provider: 'fxiaoke', object: 'deal', action: 'upsert', recordId: d._id, tenantId: 'demo' },
    });
    const stored = await receipts.get('fxiaoke', attempt?.messageId ?? '', new Date());
    expect(stored).toMatchObject({ object: 'deal', recordId: d._id, provider: 'fxiaoke' });
    expect(stored?.correlationId).toBe(bus.published[0]?.detail.correlationId);
  });

  it('acknowledges a duplicate messageId; published again only while its receipt is unapplied', async () => {
    sim.faults.callbacks = { duplicate: true };
    const attempts = await sim.changeRecord('NewOpportunityObj', deal('2')._id, { amount: '99000.00' });
    expect(attempts).toHaveLength(2);
    expect(attempts.every((a) => a.acknowledged)).toBe(true);
    expect(new Set(attempts.map((a) => a.messageId)).size).toBe(1);
    // Nothing applied it in between (no sync here): the same change goes out again, same correlation id.
    expect(bus.published).toHaveLength(2);
    expect(bus.published[1]?.detail).toEqual(bus.published[0]?.detail);
  });

  it('takes out-of-order deliveries, each once', async () => {
    sim.faults.callbacks = { outOfOrder: true };
    const first = deal('1');
    const second = deal('3');
    await sim.changeRecord('NewOpportunityObj', first._id, { amount: '1.00' });
    await sim.changeRecord('NewOpportunityObj', second._id, { amount: '2.00' });
    expect(bus.published).toHaveLength(0);
    const attempts = await sim.flushCallbacks();
    expect(attempts.every((a) => a.acknowledged)).toBe(true);
    expect(bus.published.map((e) => e.detail.recordId)).toEqual([second._id, first._id]);
  });

  it('republishes when the platform retries after a failed answer (receipt stored, publish lost)', async () => {
    bus.failures = 1;
    const attempts = await sim.changeRecord('NewOpportunityObj', deal('6')._id, { amount: '3.00' });
    expect(attempts.map((a) => [a.status, a.retryTimes, a.acknowledged])).toEqual([
      [500, undefined, false],
      [200, 1, true],
    ]);
    expect(bus.published).toHaveLength(1);
  });

  it('refuses a tampered callback and stores nothing', async () => {
    const messageId = 'AC11291700002A9F0000060800000TAMP';
    const body = {
      signature: '0'.repeat(40),
      timestamp: Date.now(),
      nonce: 'n',
      messageId,
      enterpriseAccount: sim.app.ea,
      encryptedContent: 'tRPD30ygQKxFurdWxHQKpQ==',
    };
    const res = await fetch(receiverUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(401);
    expect(await receipts.get('fxiaoke', messageId, new Date(), { includeExpired: true })).toBeUndefined();
    const wrongType = await fetch(receiverUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    expect(bus.published).toHaveLength(0);
  });

  it('refuses a replay outside the timestamp window', async () => {
    now = () => new Date(Date.now() + 600_000);
    const [attempt, retry] = await sim.changeRecord('NewOpportunityObj', deal('1')._id, { amount: '4.00' });
    expect(attempt?.status).toBe(401);
    expect(retry?.status).toBe(401);
    expect(bus.published).toHaveLength(0);
  });

  it('acknowledges events for objects it does not sync, without storing or publishing', async () => {
    const person = sim.records.list('PersonnelObj')[0];
    const [attempt] = await sim.changeRecord('PersonnelObj', person?._id ?? '', { position: '高级客户经理' });
    expect(attempt?.acknowledged).toBe(true);
    expect(await receipts.get('fxiaoke', attempt?.messageId ?? '', new Date())).toBeUndefined();
    expect(bus.published).toHaveLength(0);
  });
});
