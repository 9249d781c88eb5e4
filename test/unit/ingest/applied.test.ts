/**
 * When the record says a receipt is applied (shared/ingest/applied.ts): written by it; a version at least the one it
 * brings; for an id-only receipt, written by one received no earlier. Fixed instants.
 */
import { describe, expect, it } from 'vitest';
import { appliedByRecord, isApplied } from '../../../shared/ingest/applied';
import type { Receipt } from '../../../shared/store/receipts';

const receipt = (over: Partial<Receipt> = {}): Receipt => ({
  provider: 'zoho',
  deliveryId: 'n-1',
  object: 'deal',
  action: 'upsert',
  recordId: 'D-1',
  correlationId: 'c-1',
  receivedAt: '2026-03-02T01:00:00.000Z',
  ...over,
});
const withRecord = (modifiedAt: string) =>
  receipt({ provider: 'generic', record: { id: 'D-1', modifiedAt, fields: {} } });
const at = (iso: string) => Date.parse(iso);

describe('applied by the record', () => {
  it('nothing stored: not applied', () => {
    expect(appliedByRecord(receipt(), undefined)).toBe(false);
  });

  it('the record written by this receipt: applied, whatever the versions', () => {
    expect(
      appliedByRecord(receipt(), {
        version: 0,
        appliedReceipt: { key: 'zoho#n-1', receivedAt: '2026-03-01T00:00:00.000Z' },
      }),
    ).toBe(true);
  });

  it('a receipt carrying its record: applied once the stored version is at least its own', () => {
    const r = withRecord('2026-03-02T09:00:00+08:00');
    expect(appliedByRecord(r, { version: at('2026-03-02T01:00:00.000Z') })).toBe(true);
    expect(appliedByRecord(r, { version: at('2026-03-02T01:00:01.000Z') })).toBe(true);
    expect(appliedByRecord(r, { version: at('2026-03-02T00:59:59.999Z') })).toBe(false);
  });

  it('a delete without a record is versioned by its arrival', () => {
    const r = receipt({ action: 'delete' });
    expect(appliedByRecord(r, { version: at(r.receivedAt) })).toBe(true);
    expect(appliedByRecord(r, { version: at(r.receivedAt) - 1 })).toBe(false);
  });

  it('an id-only receipt: applied by a write of a receipt received no earlier (it read the CRM after), not by an older one', () => {
    const mark = (receivedAt: string) => ({ version: 1, appliedReceipt: { key: 'zoho#n-2', receivedAt } });
    expect(appliedByRecord(receipt(), mark('2026-03-02T01:00:00.000Z'))).toBe(true);
    expect(appliedByRecord(receipt(), mark('2026-03-02T09:00:05+08:00'))).toBe(true);
    expect(appliedByRecord(receipt(), mark('2026-03-02T00:59:59.000Z'))).toBe(false);
    // Written by a sync with no receipt (reconcile, import): unknown, so not applied (the sweep asks sync).
    expect(appliedByRecord(receipt(), { version: Number.MAX_SAFE_INTEGER })).toBe(false);
  });

  it("the receipt's own mark is enough", () => {
    expect(isApplied(receipt({ appliedAt: '2026-03-02T01:00:01.000Z' }), undefined)).toBe(true);
    expect(isApplied(receipt(), undefined)).toBe(false);
  });
});
