import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../events';
import { RECEIPT_RETENTION_DAYS, type Receipt, ReceiptRepository } from '../../shared/store/receipts';
import { RecordRepository, type StoredRecord } from '../../shared/store/records';
import { keys } from '../../shared/store/table-design';
import { type DomainEventOut, domainEventsFor } from '../../shared/sync/domain-events';
import { type LocalTable, startLocalTable } from '../support/local-aws';

let table: LocalTable;
let receipts: ReceiptRepository;
let records: RecordRepository;

beforeAll(async () => {
  table = await startLocalTable('stores');
  receipts = new ReceiptRepository(table.doc, table.tableName);
  records = new RecordRepository(table.doc, table.tableName);
});

afterAll(async () => {
  await table?.stop();
});

const NOW = new Date('2026-03-02T08:00:00.000Z');
let seq = 0;

const dealRecord = (
  id: string,
  modifiedAt: string,
  changes: Partial<CanonicalRecord> = {},
): CanonicalRecord => ({
  id,
  modifiedAt,
  name: 'Acme renewal',
  stage: 'Negotiation',
  status: 'open',
  amount: '128000.00',
  currency: 'CNY',
  owner: { id: 'u-1', name: 'Li Lei', email: 'li.lei@acme.example' },
  fields: { region: 'East', priority: 2, strategic: true, note: null },
  ...changes,
});

const receipt = (deliveryId: string, correlationId: string): Receipt => ({
  provider: 'generic',
  deliveryId,
  object: 'deal',
  action: 'upsert',
  recordId: 'D-1',
  record: dealRecord('D-1', '2026-03-02T07:59:00.000Z'),
  correlationId,
  receivedAt: NOW.toISOString(),
});

describe('ReceiptRepository.storeOnce', () => {
  it('stores a new delivery and reads it back unchanged', async () => {
    const r = receipt(`msg_${++seq}`, 'corr-a');
    expect(await receipts.storeOnce(r, NOW)).toEqual({ stored: true, receipt: r });
    expect(await receipts.get('generic', r.deliveryId, NOW)).toEqual(r);
  });

  it('reports a duplicate with the original receipt, whose correlation id is kept', async () => {
    const deliveryId = `msg_${++seq}`;
    const original = receipt(deliveryId, 'corr-original');
    await receipts.storeOnce(original, NOW);

    const redelivered = {
      ...receipt(deliveryId, 'corr-redelivery'),
      receivedAt: new Date(NOW.getTime() + 5000).toISOString(),
    };
    const second = await receipts.storeOnce(redelivered, new Date(NOW.getTime() + 5000));

    expect(second.stored).toBe(false);
    expect(second.receipt).toEqual(original);
    expect(second.receipt.correlationId).toBe('corr-original');
    expect((await receipts.get('generic', deliveryId, NOW))?.correlationId).toBe('corr-original');
  });

  it('the same delivery id from another provider is a different receipt', async () => {
    const deliveryId = `msg_${++seq}`;
    await receipts.storeOnce(receipt(deliveryId, 'corr-generic'), NOW);
    const zoho = { ...receipt(deliveryId, 'corr-zoho'), provider: 'zoho' as const };
    expect((await receipts.storeOnce(zoho, NOW)).stored).toBe(true);
  });

  it('concurrent deliveries of the same id store exactly one', async () => {
    const deliveryId = `msg_${++seq}`;
    const results = await Promise.all(
      ['c1', 'c2', 'c3', 'c4'].map((c) => receipts.storeOnce(receipt(deliveryId, c), NOW)),
    );
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    const winner = results.find((r) => r.stored)?.receipt.correlationId;
    for (const r of results) expect(r.receipt.correlationId).toBe(winner);
  });

  it('an expired receipt is hidden from get() but still recognised as a duplicate', async () => {
    const r = receipt(`msg_${++seq}`, 'corr-old');
    await receipts.storeOnce(r, NOW);
    const later = new Date(NOW.getTime() + (RECEIPT_RETENTION_DAYS + 1) * 86_400_000);
    expect(await receipts.get('generic', r.deliveryId, later)).toBeUndefined();
    expect(await receipts.get('generic', r.deliveryId, later, { includeExpired: true })).toEqual(r);
    const again = await receipts.storeOnce(receipt(r.deliveryId, 'corr-new'), later);
    expect(again).toEqual({ stored: false, receipt: r });
  });
});

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 8, minute)).toISOString();
const version = (iso: string) => Date.parse(iso);

const deal = (id: string, minute: number, changes: Partial<CanonicalRecord> = {}, deleted = false) => {
  const modifiedAt = at(minute);
  return {
    object: 'deal',
    record: dealRecord(id, modifiedAt, changes),
    version: version(modifiedAt),
    deleted,
  } satisfies StoredRecord;
};

/** The real derivation, with a count of how often the repository asked for it. */
const deriving = () => {
  const calls: (StoredRecord | undefined)[] = [];
  return {
    calls,
    derive:
      (next: StoredRecord) =>
      (previous: StoredRecord | undefined): DomainEventOut[] => {
        calls.push(previous);
        return domainEventsFor(previous, next);
      },
  };
};

const rawItem = async (id: string) =>
  (
    await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.record('deal', id), ConsistentRead: true }),
    )
  ).Item;

describe('RecordRepository.upsert', () => {
  it('stores a new record with its derived events', async () => {
    const id = `D-new-${++seq}`;
    const v1 = deal(id, 0);
    const d = deriving();
    const out = await records.upsert(v1, d.derive(v1));
    expect(out).toEqual({
      applied: true,
      previous: undefined,
      current: v1,
      events: [{ name: 'recordCreated' }, { name: 'dealCreated' }],
    });
    expect(d.calls).toEqual([undefined]);
    expect(await records.get('deal', id)).toEqual(v1);
  });

  it('applies a newer version, deriving from what was stored', async () => {
    const id = `D-newer-${++seq}`;
    const v1 = deal(id, 0);
    await records.upsert(v1, deriving().derive(v1));
    const v2 = deal(id, 5, { stage: 'Closed Won', status: 'won' });
    const d = deriving();

    const out = await records.upsert(v2, d.derive(v2));

    expect(out).toEqual({
      applied: true,
      previous: v1,
      current: v2,
      events: [
        { name: 'dealStageChanged', change: { from: 'Negotiation', to: 'Closed Won' } },
        { name: 'dealWon' },
      ],
    });
    expect(d.calls).toEqual([v1]);
    expect(await records.get('deal', id)).toEqual(v2);
  });

  it("an older version is 'stale': nothing is derived and nothing changes", async () => {
    const id = `D-stale-${++seq}`;
    const v2 = deal(id, 5, { status: 'won' });
    await records.upsert(v2, deriving().derive(v2));
    const before = await rawItem(id);
    const v1 = deal(id, 0, { name: 'old name' });
    const d = deriving();

    const out = await records.upsert(v1, d.derive(v1));

    expect(out).toEqual({ applied: false, reason: 'stale', current: v2, events: [] });
    expect(d.calls).toEqual([]);
    expect(await rawItem(id)).toEqual(before);
  });

  it("the same version is 'unchanged' and returns the events stored with it (for a republish)", async () => {
    const id = `D-same-${++seq}`;
    const v1 = deal(id, 0);
    await records.upsert(v1, deriving().derive(v1));
    const v2 = deal(id, 5, { status: 'won', stage: 'Closed Won' });
    const first = await records.upsert(v2, deriving().derive(v2));
    const before = await rawItem(id);

    // A retry of the same change, e.g. after a crash between the write and the publish.
    const d = deriving();
    const again = await records.upsert(v2, d.derive(v2));

    expect(again).toEqual({ applied: false, reason: 'unchanged', current: v2, events: first.events });
    expect(again.events.map((e) => e.name)).toEqual(['dealStageChanged', 'dealWon']);
    expect(d.calls).toEqual([]);
    expect(await rawItem(id)).toEqual(before);
  });

  it('a tombstone replaces the record, emits record.deleted, and an older update cannot bring it back', async () => {
    const id = `D-tomb-${++seq}`;
    const v1 = deal(id, 0);
    await records.upsert(v1, deriving().derive(v1));
    const tombstone = deal(id, 10, {}, true);

    const deleted = await records.upsert(tombstone, deriving().derive(tombstone));
    expect(deleted).toMatchObject({ applied: true, events: [{ name: 'recordDeleted' }] });
    expect(await records.get('deal', id)).toMatchObject({ deleted: true, version: tombstone.version });

    // A late update from before the delete.
    const late = deal(id, 5, { status: 'won' });
    expect(await records.upsert(late, deriving().derive(late))).toMatchObject({
      applied: false,
      reason: 'stale',
    });
    // A second delete delivery with a newer version: applied, but nothing more to say.
    const tombstone2 = deal(id, 11, {}, true);
    expect(await records.upsert(tombstone2, deriving().derive(tombstone2))).toMatchObject({
      applied: true,
      events: [],
    });
    expect(await records.get('deal', id)).toMatchObject({ deleted: true, version: tombstone2.version });
  });

  it('concurrent upserts of different versions end with the newest stored, through one linear history', async () => {
    const id = `D-race-${++seq}`;
    // Five writers: each can lose the race at most four times, within the repository's five attempts.
    const versions = [3, 1, 4, 0, 2].map((m) => deal(id, m, { amount: `${1000 + m}.00` }));

    const outcomes = await Promise.all(versions.map((v) => records.upsert(v, deriving().derive(v))));

    const newest = versions.reduce((a, b) => (b.version > a.version ? b : a));
    expect(await records.get('deal', id)).toEqual(newest);
    const applied = outcomes.flatMap((o) => (o.applied ? [o] : []));
    expect(applied.map((o) => o.current.version)).toContain(newest.version);
    // Conditional writes serialise the winners: each applied write saw the one applied before it.
    const chain = applied.sort((a, b) => a.current.version - b.current.version);
    chain.forEach((o, i) => {
      expect(o.previous?.version).toBe(i === 0 ? undefined : chain[i - 1]?.current.version);
    });
    for (const o of outcomes) if (!o.applied) expect(o.reason).toBe('stale');
    // The stored events belong to the stored version.
    const item = await rawItem(id);
    expect(item?.version).toBe(newest.version);
    expect(item?.events).toEqual(chain.at(-1)?.events);
  });
});
