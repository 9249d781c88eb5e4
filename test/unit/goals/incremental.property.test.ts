/**
 * Incremental goal progress against the recompute from the owner index, over random histories: deals created,
 * updated, won, moved back from won, reassigned, re-dated across period ends and zone boundaries, deleted and
 * re-created; activities likewise; every change delivered in a random order with duplicates. Whatever the order,
 * the stored totals must equal what GoalProgress computes from the newest version of each record, and progress
 * read from the stored totals must print exactly what progress read from the records prints.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, CrmObject } from '../../../events';
import { emptyTotal, sameTotal } from '../../../shared/goals/contributions';
import { applyRecordToGoals } from '../../../shared/goals/incremental';
import { recomputedTotals } from '../../../shared/goals/recompute';
import {
  contributions,
  MemoryProgress,
  MemoryRecords,
  progressOver,
} from '../../support/goal-progress-fixture';

interface Change {
  object: CrmObject;
  record: CanonicalRecord;
  version: number;
  deleted: boolean;
}

const owner = fc.constantFrom('a', 'b', 'c', 'stranger', undefined);
// Around the month, quarter and range ends, and the mid-month team change, in several zones' terms.
const day = fc.constantFrom(
  '2026-09-30',
  '2026-10-01',
  '2026-10-15',
  '2026-10-16',
  '2026-10-31',
  '2026-11-01',
  '2026-11-15',
  '2026-11-16',
);
const instant = fc.constantFrom(
  '2026-09-30T16:30:00Z', // 1 Oct 00:30 in Shanghai, still 30 Sep in New York
  '2026-10-01T03:00:00Z',
  '2026-10-15T17:00:00Z', // 16 Oct in Shanghai, 15 Oct in New York
  '2026-10-31T23:30:00Z', // 1 Nov in Berlin and Shanghai, 31 Oct in New York
  '2026-11-15T12:00:00Z',
  '2026-11-15T23:30:00Z', // past the range's end in Berlin
);

const dealState = fc.record({
  owner,
  status: fc.constantFrom('open', 'won', 'won', 'lost'),
  amount: fc.constantFrom('100', '250.50', '0.01', '99999.99'),
  currency: fc.constantFrom('CNY', 'USD', 'EUR'),
  closeDate: day,
  probability: fc.constantFrom(undefined, 10, '50', 'high'),
  line: fc.constantFrom('hw', 'sw'),
  deleted: fc.constantFrom(false, false, false, false, true),
});
const activityState = fc.record({
  owner,
  type: fc.constantFrom('call', 'CALL', 'meeting', 'email', undefined),
  occurredAt: fc.option(instant, { nil: undefined }),
  modifiedAt: instant,
  deleted: fc.boolean(),
});

const history = fc.record({
  deals: fc.array(fc.array(dealState, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
  activities: fc.array(fc.array(activityState, { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
  seed: fc.integer(),
  duplicates: fc.array(fc.nat(), { maxLength: 10 }),
});

type History = typeof history extends fc.Arbitrary<infer T> ? T : never;

const changesOf = (h: History): Change[] => {
  const out: Change[] = [];
  for (const [i, versions] of h.deals.entries())
    for (const [v, s] of versions.entries())
      out.push({
        object: 'deal',
        version: 1_000 + v,
        deleted: s.deleted,
        record: {
          id: `d${i}`,
          modifiedAt: new Date(1_000 + v).toISOString(),
          ...(s.owner ? { owner: { id: s.owner } } : {}),
          status: s.status as CanonicalRecord['status'],
          amount: s.amount,
          currency: s.currency,
          closeDate: s.closeDate,
          fields: { line: s.line, ...(s.probability !== undefined ? { probability: s.probability } : {}) },
        },
      });
  for (const [i, versions] of h.activities.entries())
    for (const [v, s] of versions.entries())
      out.push({
        object: 'activity',
        version: 1_000 + v,
        deleted: s.deleted,
        record: {
          id: `x${i}`,
          modifiedAt: s.modifiedAt,
          ...(s.owner ? { owner: { id: s.owner } } : {}),
          fields: {
            ...(s.type ? { type: s.type } : {}),
            ...(s.occurredAt ? { occurredAt: s.occurredAt } : {}),
          },
        },
      });
  return out;
};

/** A deterministic shuffle with re-deliveries: any order, some changes twice. */
const deliveries = (changes: Change[], seed: number, duplicates: number[]): Change[] => {
  const all = [
    ...changes,
    ...duplicates.flatMap((d) => (changes.length ? [changes[d % changes.length] as Change] : [])),
  ];
  let s = seed >>> 0;
  for (let i = all.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    const j = s % (i + 1);
    [all[i], all[j]] = [all[j] as Change, all[i] as Change];
  }
  return all;
};

const AS_OF = ['2026-10-10T12:00:00Z', '2026-10-20T12:00:00Z', '2026-11-10T12:00:00Z'].map(
  (t) => new Date(t),
);

describe('incremental goal progress', () => {
  it('equals the recompute from the owner index, whatever the order, duplicates and moves', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const records = new MemoryRecords();
        const stored = new MemoryProgress();
        for (const c of deliveries(changesOf(h), h.seed, h.duplicates)) {
          records.upsert(c.object, c.record, c.version, c.deleted);
          await applyRecordToGoals(c, contributions, stored, records);
        }
        const fromRecords = progressOver(records);
        const fromStore = progressOver(records, stored);
        for (const asOf of AS_OF) {
          for (const r of await recomputedTotals(fromRecords, { asOf })) {
            const total = (await stored.total(r.goal, r.period, r.owner)) ?? emptyTotal();
            expect(
              sameTotal(total, r.total),
              `${r.goal} ${r.period} ${r.owner} at ${asOf.toISOString()}`,
            ).toBe(true);
          }
          expect(await fromStore.figures({ asOf })).toEqual(await fromRecords.figures({ asOf }));
        }
      }),
      { numRuns: 150 },
    );
  });
});
