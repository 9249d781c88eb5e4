/**
 * What a receiver reads of a duplicate's record (RecordRepository.mark): one Get of the version and the applied
 * receipt, never the record itself, however large it is; and the duplicate rule still tells applied from not
 * applied by either store: the receipt's own mark (no record read at all) or the record's (its version, or the
 * receipt that wrote it). On dynalite, through the generic receiver, at fixed instants.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { receiveGenericWebhook } from '../../../shared/ingest/generic-webhook';
import { ReceiptRepository } from '../../../shared/store/receipts';
import { RecordRepository } from '../../../shared/store/records';
import { applyRecordChange } from '../../../shared/sync/apply-change';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { signedHeaders } from '../../support/signer';
import { RecordingBus } from '../sync/support';

const NOW = new Date('2026-03-02T01:00:00.000Z');
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
/** About 60 KB of custom fields: a record whose full read would cost many times its mark's. */
const LARGE_FIELDS = Object.fromEntries(
  Array.from({ length: 60 }, (_, i) => [`note_${i}`, `${'x'.repeat(1000)}${i}`]),
);

let table: LocalTable;
let receipts: ReceiptRepository;
let records: RecordRepository;
const bus = new RecordingBus();
/** The record Gets the table client sent, with what each asked for and the attributes it got back. */
const gets: { projection: unknown; consistent: unknown; attributes: string[] }[] = [];

beforeAll(async () => {
  table = await startLocalTable('ingest-mark');
  receipts = new ReceiptRepository(table.doc, table.tableName);
  records = new RecordRepository(table.doc, table.tableName);
  table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const input = args.input as {
        Key?: { pk?: unknown };
        ProjectionExpression?: string;
        ConsistentRead?: boolean;
      };
      if (context.commandName === 'GetItemCommand' && String(input.Key?.pk).startsWith('REC#')) {
        const item = (out.output as { Item?: Record<string, unknown> }).Item;
        gets.push({
          projection: input.ProjectionExpression,
          consistent: input.ConsistentRead,
          attributes: Object.keys(item ?? {}).sort(),
        });
      }
      return out;
    },
    { step: 'initialize', name: 'quotaflowTestGetRecorder' },
  );
});
afterAll(async () => {
  await table?.stop();
});
beforeEach(() => {
  bus.clear();
  gets.length = 0;
});

let seq = 0;
/** A generic delivery of `recordId` changed at `modifiedAt`; each call of the result delivers the same message. */
const delivery = (recordId: string, modifiedAt: string, fields: Record<string, unknown> = {}) => {
  const id = `msg_mark_${++seq}`;
  const body = JSON.stringify({
    object: 'deal',
    action: 'updated',
    record: { id: recordId, modifiedAt, stage: 'Won', fields },
  });
  const headers = signedHeaders(SECRET, id, body, NOW.getTime() / 1000);
  return () =>
    receiveGenericWebhook(
      { headers, rawBody: body },
      { tenantId: 'acme', receipts, records, bus, now: NOW, signingSecrets: async () => [SECRET] },
    );
};

/** Stores a version of the record written by no receipt (as an import or a CRM read would). */
const storeVersion = async (id: string, modifiedAt: string) => {
  const record: CanonicalRecord = { id, modifiedAt, stage: 'Won', fields: LARGE_FIELDS };
  await records.upsert({ object: 'deal', record, version: Date.parse(modifiedAt), deleted: false }, () => []);
};

const MARK_ONLY = { projection: 'pk, #v, appliedReceipt', consistent: undefined };

describe("a duplicate's record is read by its mark only", () => {
  it('a large record applied by this very receipt: the duplicate reads version and mark, publishes nothing', async () => {
    const deliver = delivery('D-LARGE', '2026-03-02T00:59:00Z', LARGE_FIELDS);
    await deliver();
    const [change] = bus.changes();
    if (!change) throw new Error('the first delivery published');
    expect(await applyRecordChange(change, { receipts, records, bus, now: NOW })).toMatchObject({
      outcome: 'applied',
    });
    const full = await records.getItem('deal', 'D-LARGE');
    expect(JSON.stringify(full).length).toBeGreaterThan(60_000);

    bus.clear();
    gets.length = 0;
    expect((await deliver()).status).toBe('duplicate');
    expect(bus.entries).toHaveLength(0);
    expect(gets).toEqual([{ ...MARK_ONLY, attributes: ['appliedReceipt', 'pk', 'version'] }]);
    expect(await records.mark('deal', 'D-LARGE')).toEqual({
      version: full?.version,
      appliedReceipt: full?.appliedReceipt,
    });
  });

  it('an older version stored: not applied, so the duplicate is published again', async () => {
    await storeVersion('D-OLDER', '2026-03-02T00:58:00Z');
    const deliver = delivery('D-OLDER', '2026-03-02T00:59:00Z');
    await deliver();
    expect(bus.changes()).toHaveLength(1);
    gets.length = 0;

    expect((await deliver()).status).toBe('duplicate');
    expect(bus.changes()).toHaveLength(2);
    expect(gets).toEqual([{ ...MARK_ONLY, attributes: ['pk', 'version'] }]);
  });

  it('the same or a newer version stored by another write: applied, nothing published', async () => {
    const deliver = delivery('D-NEWER', '2026-03-02T00:59:00Z');
    await deliver();
    await storeVersion('D-NEWER', '2026-03-02T00:59:30Z');
    bus.clear();
    gets.length = 0;

    expect((await deliver()).status).toBe('duplicate');
    expect(bus.entries).toHaveLength(0);
    expect(gets.map((g) => g.projection)).toEqual([MARK_ONLY.projection]);
  });

  it('no record stored yet: not applied, published again', async () => {
    const deliver = delivery('D-NONE', '2026-03-02T00:59:00Z');
    await deliver();
    expect((await deliver()).status).toBe('duplicate');
    expect(bus.changes()).toHaveLength(2);
    expect(gets).toEqual([{ ...MARK_ONLY, attributes: [] }]);
    expect(await records.mark('deal', 'D-NONE')).toBeUndefined();
  });

  it('the receipt marked applied itself: no record read at all, nothing published', async () => {
    await storeVersion('D-RECEIPT', '2026-03-02T00:58:00Z');
    const deliver = delivery('D-RECEIPT', '2026-03-02T00:59:00Z');
    await deliver();
    const [change] = bus.changes();
    if (!change) throw new Error('the first delivery published');
    await receipts.markApplied(change.provider, change.deliveryId, NOW);
    bus.clear();
    gets.length = 0;

    expect((await deliver()).status).toBe('duplicate');
    expect(bus.entries).toHaveLength(0);
    expect(gets).toEqual([]);
  });
});
