/**
 * Fxiaoke end to end through sync: the simulator sends a signed, encrypted callback to the real receiver (receipt
 * with the id only, crm.record.changed), then applyRecordChange reads the record with data/get through the
 * tenant's CrmReader (built as the runtime builds it, tokens in the DynamoDB cache) and stores it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEventName } from '../../../events';
import { buildCrmReader } from '../../../functions/wiring/crm';
import { type FxiaokeSimulator, startFxiaokeSimulator } from '../../../infra/local/simulators/fxiaoke';
import { receiveFxiaokeCallback } from '../../../shared/crm/fxiaoke/callback';
import { FxiaokeApiError } from '../../../shared/crm/fxiaoke/errors';
import { applyRecordChange } from '../../../shared/sync/apply-change';
import { type CrmReader, CrmRecordNotFoundError } from '../../../shared/sync/crm-reader';
import { domainEventId } from '../../../shared/sync/domain-events';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import {
  forgetApplied,
  type Receiver,
  RecordingBus,
  secretsOf,
  startReceiver,
  syncDeps,
  tenantOn,
} from './support';

const TENANT = 'acme-fx';
const OPPORTUNITY = 'NewOpportunityObj';
const AES_KEY = randomBytes(32).toString('base64');

let now = Date.parse('2026-03-02T01:00:00Z');
let sim: FxiaokeSimulator;
let table: LocalTable;
let receiver: Receiver;
let reader: CrmReader;
const bus = new RecordingBus();

const readerFor = async (t: LocalTable) => {
  const r = await buildCrmReader({
    tenant: tenantOn(TENANT, {
      provider: 'fxiaoke',
      apiBaseUrl: sim.url,
      enterpriseAccount: sim.app.ea,
      apiUserId: sim.app.userId,
    }),
    secrets: secretsOf({
      fxiaokeAppId: sim.app.appId,
      fxiaokeAppSecret: sim.app.appSecret,
      fxiaokePermanentCode: sim.app.permanentCode,
      fxiaokeCallbackAesKey: AES_KEY,
    }),
    tokenTable: { doc: t.doc, tableName: t.tableName },
    now: () => new Date(now),
  });
  if (!r) throw new Error('an Fxiaoke tenant has a reader');
  return r;
};
const deps = () => syncDeps(table, bus, reader, new Date(now));

/** Changes a record in the simulator (a callback to the receiver) and returns the change event it produced. */
const change = async (id: string, patch: Record<string, unknown>, eventType = 'update') => {
  now += 60_000;
  bus.clear();
  const [attempt] = await sim.changeRecord(OPPORTUNITY, id, patch, { eventType });
  expect(attempt?.acknowledged).toBe(true);
  const [event] = bus.changes();
  if (!event) throw new Error('no crm.record.changed');
  bus.clear();
  return event;
};

/** Normal opportunities at stage "4", picked once: one per test that needs a fresh record. */
let deals: string[] = [];
const deal = (i: number): string => {
  const id = deals[i];
  if (!id) throw new Error(`the seed has at least ${i + 1} opportunities at stage 4`);
  return id;
};

beforeAll(async () => {
  sim = await startFxiaokeSimulator({ seed: { bulkOpportunities: 40 }, now: () => now });
  deals = sim.records
    .list(OPPORTUNITY)
    .filter((r) => r.sales_stage === '4' && r.life_status === 'normal')
    .map((r) => r._id);
  table = await startLocalTable('quotaflow-sync-fxiaoke');
  receiver = await startReceiver(async (req) => {
    const result = await receiveFxiaokeCallback(req, {
      tenantId: TENANT,
      aesKeys: async () => [AES_KEY],
      enterpriseAccount: sim.app.ea,
      opportunityObject: OPPORTUNITY,
      receipts: syncDeps(table, bus, undefined, new Date(now)).receipts,
      bus,
      now: new Date(now),
    });
    return result.reply;
  });
  sim.subscribe({ url: `${receiver.url}/webhooks/fxiaoke`, aesKey: AES_KEY });
  reader = await readerFor(table);
});
afterAll(async () => {
  await receiver?.close();
  await sim?.stop();
  await table?.stop();
});
beforeEach(() => {
  if (sim.faults.queue) sim.faults.queue.length = 0;
});

type Change = Awaited<ReturnType<typeof change>>;

describe('sync of an Fxiaoke callback', () => {
  let first: Change;
  let firstEvents: ReturnType<RecordingBus['domain']> = [];

  it('reads the record with data/get, stores it canonical, publishes deal.created and deal.won with deterministic ids', async () => {
    const gets = sim.stats.callsByPath['/cgi/crm/v2/data/get'] ?? 0;
    first = await change(deal(0), { sales_stage: '5' });
    expect(first).toMatchObject({ provider: 'fxiaoke', action: 'upsert', object: 'deal', recordId: deal(0) });
    const d = deps();

    const result = await applyRecordChange(first, d);

    expect(result).toEqual({ outcome: 'applied', events: ['record.created', 'deal.created', 'deal.won'] });
    expect(sim.stats.callsByPath['/cgi/crm/v2/data/get']).toBe(gets + 1);
    const stored = await d.records.get('deal', deal(0));
    if (!stored) throw new Error('stored');
    expect(stored).toMatchObject({
      deleted: false,
      version: now,
      record: { id: deal(0), stage: '5', status: 'won', fields: { fxiaokeObject: OPPORTUNITY } },
    });
    firstEvents = bus.domain();
    const names: DomainEventName[] = ['recordCreated', 'dealCreated', 'dealWon'];
    expect(firstEvents.map((e) => e.detail.eventId)).toEqual(
      names.map((n) => domainEventId(TENANT, stored, n)),
    );
  });

  it('the same change again reads nothing: it publishes the same events once more (sync cannot tell a crash before its publish), then nothing', async () => {
    bus.clear();
    const before = Object.values(sim.stats.callsByPath).reduce((a, b) => a + b, 0);
    expect(await applyRecordChange(first, deps())).toEqual({
      outcome: 'republished',
      events: ['record.created', 'deal.created', 'deal.won'],
    });
    expect(bus.domain()).toEqual(firstEvents);
    bus.clear();
    expect(await applyRecordChange(first, deps())).toEqual({ outcome: 'already-applied', events: [] });
    expect(bus.entries).toHaveLength(0);
    expect(Object.values(sim.stats.callsByPath).reduce((a, b) => a + b, 0)).toBe(before);
  });

  it('after a crash before the receipt was marked applied, the change again writes nothing and republishes exactly the same events', async () => {
    await forgetApplied(table, 'fxiaoke', first.deliveryId);
    bus.clear();
    const d = deps();
    const before = await d.records.get('deal', deal(0));

    const result = await applyRecordChange(first, d);

    expect(result).toEqual({
      outcome: 'republished',
      events: ['record.created', 'deal.created', 'deal.won'],
    });
    expect(bus.domain()).toEqual(firstEvents);
    expect(await d.records.get('deal', deal(0))).toEqual(before);
  });

  it('an "invalid" callback stores a tombstone at the receipt time and publishes record.deleted', async () => {
    const event = await change(deal(0), { life_status: 'invalid' }, 'invalid');
    expect(event.action).toBe('delete');
    const gets = sim.stats.callsByPath['/cgi/crm/v2/data/get'] ?? 0;
    const d = deps();

    const result = await applyRecordChange(event, d);

    expect(result).toEqual({ outcome: 'applied', events: ['record.deleted'] });
    expect(sim.stats.callsByPath['/cgi/crm/v2/data/get'] ?? 0).toBe(gets);
    expect(await d.records.get('deal', deal(0))).toMatchObject({
      deleted: true,
      version: Date.parse(event.receivedAt),
    });
  });

  it('an update of a record the CRM reports invalidated (作废) is stored as a tombstone', async () => {
    const event = await change(deal(1), { life_status: 'invalid' });
    expect(event.action).toBe('upsert');
    const d = deps();

    // Never synced before: nothing to announce, but the tombstone guards against older data arriving later.
    expect(await applyRecordChange(event, d)).toEqual({ outcome: 'applied', events: [] });
    expect(await d.records.get('deal', deal(1))).toMatchObject({ deleted: true, version: now });
  });
});

describe('Fxiaoke failing or without the record', () => {
  it('a record data/get refuses and a query by _id does not find is an error for the bus to retry', async () => {
    const d = deps();
    const missing = '65f0000000000000deadbeef';
    const receipt = {
      provider: 'fxiaoke' as const,
      deliveryId: 'TEST-MISSING',
      object: 'deal' as const,
      action: 'upsert' as const,
      recordId: missing,
      correlationId: 'c-missing',
      receivedAt: new Date(now).toISOString(),
    };
    await d.receipts.storeOnce(receipt, new Date(now));
    const queries = sim.stats.callsByPath['/cgi/crm/v2/data/query'] ?? 0;

    await expect(applyRecordChange({ version: 1, tenantId: TENANT, ...receipt }, d)).rejects.toBeInstanceOf(
      CrmRecordNotFoundError,
    );
    expect(sim.stats.callsByPath['/cgi/crm/v2/data/query']).toBe(queries + 1);
    expect(await d.records.get('deal', missing)).toBeUndefined();
  });

  it('HTTP 500 from data/get after the client retries: the change throws and nothing is stored', async () => {
    const event = await change(deal(2), { sales_stage: '5' });
    sim.inject({ kind: 'http', status: 500, times: 10, path: '/cgi/crm/v2/data/get' });
    const d = deps();

    const err = await applyRecordChange(event, d).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(FxiaokeApiError);
    expect((err as FxiaokeApiError).httpStatus).toBe(500);
    expect(await d.records.get('deal', deal(2))).toBeUndefined();
    expect(bus.domain()).toHaveLength(0);
    sim.faults.queue = [];
    await expect(applyRecordChange(event, d)).resolves.toMatchObject({ outcome: 'applied' });
  });
});

describe('the DynamoDB token cache across containers', () => {
  it('two readers (two containers) share one token call', async () => {
    const shared = await startLocalTable('quotaflow-sync-fxiaoke-tokens');
    try {
      const before = sim.stats.tokenCalls;
      const [a, b] = [await readerFor(shared), await readerFor(shared)];

      const [fromA, fromB] = [await a.read('deal', [deal(3)]), await b.read('deal', [deal(3)])];

      expect(sim.stats.tokenCalls - before).toBe(1);
      expect(fromA.get(deal(3))?.record.id).toBe(deal(3));
      expect(fromB).toEqual(fromA);
    } finally {
      await shared.stop();
    }
  });
});
