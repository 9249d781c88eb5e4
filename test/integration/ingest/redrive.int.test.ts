/**
 * The receipt sweep on dynalite, at fixed instants: a receipt stored but never published (the receiver died in
 * between) reaches sync a few minutes later, once; what is applied never goes out again; what sync keeps failing on
 * is given up after MAX_REDRIVES.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crmRecordChanged } from '../../../events';
import { receiveGenericWebhook } from '../../../shared/ingest/generic-webhook';
import { MAX_REDRIVES, REDRIVE_AFTER_MS, redriveUnappliedReceipts } from '../../../shared/ingest/redrive';
import type { BusEntry } from '../../../shared/ports';
import { ReceiptRepository, UNAPPLIED_SHARDS } from '../../../shared/store/receipts';
import { RecordRepository } from '../../../shared/store/records';
import { keys, TABLE } from '../../../shared/store/table-design';
import { applyRecordChange } from '../../../shared/sync/apply-change';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { signedHeaders } from '../../support/signer';
import { RecordingBus } from '../sync/support';

const T0 = new Date('2026-03-02T01:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;

let table: LocalTable;
let receipts: ReceiptRepository;
let records: RecordRepository;
const bus = new RecordingBus();

/** A bus that is down: the receiver stores the receipt, then fails to publish (as a crash there would). */
const downBus = {
  publish: async (_: readonly BusEntry[]): Promise<void> => {
    throw new Error('bus unavailable (test)');
  },
};

// A fresh table per test: each one's receipts are the only unapplied ones the sweep can find.
beforeEach(async () => {
  bus.clear();
  table = await startLocalTable('redrive');
  receipts = new ReceiptRepository(table.doc, table.tableName);
  records = new RecordRepository(table.doc, table.tableName);
});
afterEach(async () => {
  await table?.stop();
});

let seq = 0;
/** Stores a generic receipt at `now` whose publish is lost; returns its delivery id. */
const lostDelivery = async (now: Date): Promise<string> => lostDeliveryOf(`D-${seq + 1}`, now, now);

/** Stores, at `now`, a generic receipt of record `recordId` modified at `modifiedAt` whose publish is lost. */
const lostDeliveryOf = async (recordId: string, now: Date, modifiedAt: Date): Promise<string> => {
  const id = `msg_redrive_${++seq}`;
  const body = JSON.stringify({
    object: 'deal',
    action: 'updated',
    record: { id: recordId, modifiedAt: modifiedAt.toISOString(), stage: 'Won', status: 'won', fields: {} },
  });
  await expect(
    receiveGenericWebhook(
      { headers: signedHeaders(SECRET, id, body, now.getTime() / 1000), rawBody: body },
      { tenantId: 'acme', signingSecrets: async () => [SECRET], receipts, bus: downBus, now },
    ),
  ).rejects.toThrow(/bus unavailable/);
  return id;
};

const sweep = (now: Date) => redriveUnappliedReceipts({ tenantId: 'acme', receipts, records, bus, now });

/** Everything in the unapplied index (all shards), to show applied receipts leave it. */
const indexed = async (): Promise<string[]> => {
  const pages = await Promise.all(
    Array.from({ length: UNAPPLIED_SHARDS }, (_, shard) =>
      table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: TABLE.gsi1.name,
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': keys.unappliedReceipts(shard) },
        }),
      ),
    ),
  );
  return pages.flatMap((p) => (p.Items ?? []).map((i) => String(i.deliveryId)));
};

describe('the receipt sweep', () => {
  it('republishes a receipt left unapplied, once the grace period has passed, and only once per period', async () => {
    const id = await lostDelivery(T0);
    expect(await receipts.get('generic', id, T0)).toMatchObject({ deliveryId: id });

    expect(await sweep(at(4))).toMatchObject({ redriven: 0 });
    expect(bus.entries).toHaveLength(0);

    const swept = await sweep(new Date(T0.getTime() + REDRIVE_AFTER_MS + 1000));
    expect(swept).toMatchObject({ redriven: 1 });
    const [change] = bus.changes();
    expect(change).toMatchObject({ provider: 'generic', deliveryId: id, tenantId: 'acme', action: 'upsert' });
    expect(bus.entries[0]?.detailType).toBe(crmRecordChanged.detailType);

    // The next sweep a minute later leaves it alone: the redrive starts a new grace period.
    bus.clear();
    expect(await sweep(at(7))).toMatchObject({ redriven: 0 });
    expect(bus.entries).toHaveLength(0);
  });

  it('never publishes an applied change downstream twice: the record shows it applied, sync skips it', async () => {
    const id = await lostDelivery(T0);
    await sweep(at(6));
    const [change] = bus.changes();
    if (!change) throw new Error('redriven');
    bus.clear();

    const applied = await applyRecordChange(change, { receipts, records, bus, now: at(6) });
    expect(applied.outcome).toBe('applied');
    const firstEvents = bus.domain();
    expect(firstEvents.length).toBeGreaterThan(0);
    // The mark is on the record the apply wrote; the receipt itself is not written again.
    expect((await receipts.get('generic', id, at(6)))?.appliedAt).toBeUndefined();
    expect((await records.getItem('deal', change.recordId))?.appliedReceipt?.key).toBe(`generic#${id}`);

    // The sweep reads the record's mark: nothing to redrive, however late.
    bus.clear();
    expect(await sweep(at(30))).toMatchObject({ found: 0, redriven: 0 });
    expect(await sweep(at(60))).toMatchObject({ found: 0, redriven: 0 });
    expect(bus.entries).toHaveLength(0);

    // A second copy of the change reaching sync (its retry after a crash between the record write and the publish)
    // publishes the same events with the same ids, and marks the receipt; a third does nothing at all.
    const again = await applyRecordChange(change, { receipts, records, bus, now: at(61) });
    expect(again.outcome).toBe('republished');
    expect(bus.domain().map((e) => e.detail)).toEqual(firstEvents.map((e) => e.detail));
    expect((await receipts.get('generic', id, at(61)))?.appliedAt).toBe(at(61).toISOString());
    expect(await indexed()).not.toContain(id);
    bus.clear();
    expect(await applyRecordChange(change, { receipts, records, bus, now: at(62) })).toEqual({
      outcome: 'already-applied',
      events: [],
    });
    expect(bus.entries).toHaveLength(0);
  });

  it('a crash between the record write and the publish: the retry publishes the events the write stored', async () => {
    const id = await lostDelivery(T0);
    await sweep(at(6));
    const [change] = bus.changes();
    if (!change) throw new Error('redriven');
    bus.clear();

    await expect(applyRecordChange(change, { receipts, records, bus: downBus, now: at(6) })).rejects.toThrow(
      /bus unavailable/,
    );
    const retried = await applyRecordChange(change, { receipts, records, bus, now: at(7) });
    expect(retried.outcome).toBe('republished');
    expect(retried.events.length).toBeGreaterThan(0);
    expect(bus.domain().map((e) => e.detailType)).toEqual(retried.events);
    expect((await receipts.get('generic', id, at(7)))?.appliedAt).toBe(at(7).toISOString());
  });

  it('out of order: an older change never applied is left alone once a newer one is; a newer one is redriven', async () => {
    // Two changes of one record, both lost on the way to sync; then the newer one is applied.
    const older = await lostDeliveryOf('D-OOO', at(400), at(400));
    const newer = await lostDeliveryOf('D-OOO', at(401), at(401));
    await sweep(at(407));
    const changes = bus.changes();
    const newerChange = changes.find((c) => c.deliveryId === newer);
    if (!newerChange) throw new Error('newer redriven');
    bus.clear();
    await applyRecordChange(newerChange, { receipts, records, bus, now: at(407) });
    // The older one's next redrive is not needed: the record holds a newer version.
    bus.clear();
    await sweep(at(413));
    expect(bus.changes().map((c) => c.deliveryId)).toEqual([]);

    // A change newer than what the record holds, lost on the way, is redriven past the grace period.
    const newest = await lostDeliveryOf('D-OOO', at(420), at(402));
    await sweep(at(426));
    expect(bus.changes().map((c) => c.deliveryId)).toEqual([newest]);
    expect(older).not.toBe(newest);
  });

  it('reads page after page until it has caught up, so a burst of receipts never leaves a lost one waiting', async () => {
    const lost = [];
    for (let i = 0; i < 9; i++) lost.push(await lostDelivery(at(500)));
    // Two receipts a page per shard: nine spread over four shards need more than one page in some shard.
    const swept = await redriveUnappliedReceipts({
      tenantId: 'acme',
      receipts,
      records,
      bus,
      now: at(506),
      pageSize: 2,
    });
    expect(swept).toMatchObject({ found: 9, redriven: 9 });
    expect(
      bus
        .changes()
        .map((c) => c.deliveryId)
        .sort(),
    ).toEqual([...lost].sort());
  });

  it('two sweeps that read the same receipt publish it once', async () => {
    const id = await lostDelivery(at(100));
    const now = at(110);
    const [a, b] = await Promise.all([sweep(now), sweep(now)]);
    expect((a?.redriven ?? 0) + (b?.redriven ?? 0)).toBe(1);
    expect(bus.changes().map((c) => c.deliveryId)).toEqual([id]);
  });

  it(`gives a receipt up after ${MAX_REDRIVES} redrives (sync's DLQ has it by then)`, async () => {
    const id = await lostDelivery(at(200));
    const counts: number[] = [];
    for (let i = 1; i <= MAX_REDRIVES + 2; i++) {
      bus.clear();
      await sweep(at(200 + i * 10));
      counts.push(bus.changes().filter((c) => c.deliveryId === id).length);
    }
    expect(counts).toEqual([...Array(MAX_REDRIVES).fill(1), 0, 0]);
    expect(await indexed()).not.toContain(id);
    expect((await receipts.get('generic', id, at(300)))?.redrives).toBe(MAX_REDRIVES);
  });
});
