/**
 * What one record contributes to goal totals, and the deltas between two versions: periods in the owner's zone
 * (Asia/Shanghai, and New York across the end of DST), team membership windows, a from–to period, a record the
 * metric cannot read, and a version that moves nothing writing nothing.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { totalDeltas } from '../../../shared/goals/contributions';
import { contributions } from '../../support/goal-progress-fixture';

const call = (owner: string, occurredAt: string): CanonicalRecord => ({
  id: 'x1',
  modifiedAt: occurredAt,
  owner: { id: owner },
  fields: { type: 'call', occurredAt },
});
const deal = (over: Partial<CanonicalRecord>): CanonicalRecord => ({
  id: 'd1',
  modifiedAt: '2026-10-20T00:00:00Z',
  owner: { id: 'b' },
  status: 'won',
  amount: '100',
  currency: 'CNY',
  closeDate: '2026-10-15',
  fields: { line: 'hw' },
  ...over,
});
const of = (record: CanonicalRecord, object: 'deal' | 'activity' = 'deal') =>
  contributions({ object, record, deleted: false }).map((c) => [c.goal, c.period, c.owner, c.value]);

describe('contributions of a record', () => {
  it('an activity counts in each owner’s own zone: 31 Oct 20:30 in New York is 1 Nov in Berlin', () => {
    expect(of(call('b', '2026-11-01T00:30:00Z'), 'activity')).toEqual([
      ['calls', '2026-10', 'b', '1'],
      ['autumn-activities', '2026-10-01..2026-11-15', 'acme', '1'],
    ]);
    // 1 Nov 00:30 Berlin-time in Shanghai is already morning: Ann's November.
    expect(of(call('a', '2026-10-31T23:30:00Z'), 'activity')[0]).toEqual(['calls', '2026-11', 'a', '1']);
    // After the from–to period's end in the tenant's zone: no tenant contribution.
    expect(of(call('a', '2026-11-15T23:30:00Z'), 'activity')).toEqual([['calls', '2026-11', 'a', '1']]);
  });

  it('a team counts a deal only within its member’s window, on the deal’s close date', () => {
    expect(of(deal({ closeDate: '2026-10-15' })).filter(([g]) => g === 'hw-deals')).toEqual([
      ['hw-deals', '2026-Q4', 'south', '1'],
    ]);
    expect(of(deal({ closeDate: '2026-10-16' })).filter(([g]) => g === 'hw-deals')).toEqual([
      ['hw-deals', '2026-Q4', 'north', '1'],
    ]);
    expect(of(deal({ fields: { line: 'sw' } })).filter(([g]) => g === 'hw-deals')).toEqual([]);
  });

  it('an amount without an FX rate counts nothing and says why; an unknown owner feeds no team or tenant', () => {
    const [won] = contributions({ object: 'deal', record: deal({ currency: 'EUR' }), deleted: false });
    expect(won).toMatchObject({ goal: 'won', value: '0', skipped: 'no EUR→CNY rate for 2026-10 in fxRates' });
    expect(of(deal({ owner: { id: 'stranger' } }))).toEqual([['won', '2026-10', 'stranger', '100']]);
  });
});

describe('deltas between versions', () => {
  it('won → open takes the amount out; the same contribution again moves nothing', () => {
    const won = contributions({ object: 'deal', record: deal({}), deleted: false });
    const open = contributions({
      object: 'deal',
      record: deal({ status: 'open', fields: { line: 'hw', probability: 50 } }),
      deleted: false,
    });
    const d = totalDeltas(won, open);
    expect(d.map((x) => [x.goal, x.owner, x.actual.toFixed(), x.pipeline.toFixed()])).toEqual([
      ['won', 'b', '-100', '50'],
      ['hw-deals', 'south', '-1', '0'],
    ]);
    expect(totalDeltas(won, won)).toEqual([]);
  });

  it('reassigned: out of one owner, into the other', () => {
    const before = contributions({ object: 'deal', record: deal({}), deleted: false });
    const after = contributions({ object: 'deal', record: deal({ owner: { id: 'a' } }), deleted: false });
    expect(totalDeltas(before, after).map((x) => [x.goal, x.owner, x.actual.toFixed()])).toEqual([
      ['won', 'b', '-100'],
      ['hw-deals', 'south', '-1'],
      ['won', 'a', '100'],
      ['hw-deals', 'north', '1'],
    ]);
  });
});
