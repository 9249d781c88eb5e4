import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, closePeriod, creditDeals, type Deal, Dec, RepAccrual } from '../../../shared/incentives';
import { book, TIERS } from './fixtures';

const amount = fc.integer({ min: 1, max: 50_000_000 }).map((c) => (c / 100).toFixed(2));
const day = fc.integer({ min: 1, max: 31 }).map((d) => `2025-03-${String(d).padStart(2, '0')}`);
const deals = fc.array(fc.tuple(amount, day), { minLength: 1, maxLength: 25 }).map((xs) =>
  xs.map(
    ([a, d], i): Deal => ({
      id: `D${i}`,
      modifiedAt: `${d}T01:00:00Z`,
      status: 'won',
      currency: 'CNY',
      amounts: { amount: a },
      dates: { closeDate: d },
      owners: [{ repId: 'r1', percent: '100' }],
    }),
  ),
);
const modes = fc.constantFrom('marginal' as const, 'whole' as const);
const close = (b: ReturnType<typeof book>, ds: Deal[]) =>
  closePeriod({ book: b, periodKey: '2025-03', deals: ds, closed: [] }).statements;

describe('invariants', () => {
  it('earnings are monotonic in credited amount (non-decreasing tier rates, no gate)', () => {
    fc.assert(
      fc.property(deals, amount, modes, (ds, extra, mode) => {
        const b = book([
          { id: 't', type: 'tiered', mode, tiers: TIERS },
          { id: 'f', type: 'flat', rate: '0.01' },
        ]);
        const base = close(b, ds)[0];
        const before = new Dec(base?.totals.payable ?? '0');
        // Another won deal never lowers earnings: exact, whatever the rounding.
        const more: Deal = {
          ...(ds[0] as Deal),
          id: 'ZZ',
          amounts: { amount: extra },
          dates: { closeDate: '2025-03-31' },
        };
        expect(new Dec(close(b, [...ds, more])[0]?.totals.payable ?? '0').gte(before)).toBe(true);
        // A larger amount on an existing deal: monotonic up to line-level rounding (half a minor unit per line).
        const first = ds[0] as Deal;
        const bigger = [
          { ...first, amounts: { amount: new Dec(first.amounts.amount ?? '0').plus(extra).toFixed(2) } },
          ...ds.slice(1),
        ];
        const tolerance = new Dec('0.005').times(base?.lines.length ?? 0);
        expect(new Dec(close(b, bigger)[0]?.totals.payable ?? '0').gte(before.minus(tolerance))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('caps are never exceeded, and totals equal the sum of lines', () => {
    fc.assert(
      fc.property(deals, modes, (ds, mode) => {
        const b = book(
          [
            { id: 't', type: 'tiered', mode, tiers: TIERS, cap: '30000', capPerDeal: '8000' },
            { id: 's', type: 'spiff', fixed: '333.33', cap: '1000' },
          ],
          { periodCap: '30500' },
        );
        const found = close(b, ds)[0];
        if (!found) throw new Error('no statement');
        const s = found;
        const by = (pick: (l: (typeof s.lines)[number]) => boolean) =>
          s.lines.filter(pick).reduce((t, l) => t.plus(l.amount), new Dec(0));
        expect(by((l) => l.componentId === 't').lte(30000)).toBe(true);
        expect(by((l) => l.componentId === 's').lte(1000)).toBe(true);
        expect(by(() => true).lte(30500)).toBe(true);
        for (const d of ds)
          expect(by((l) => l.componentId === 't' && l.dealId === d.id).lte(8000)).toBe(true);
        expect(by(() => true).toFixed(2)).toBe(s.totals.payable);
      }),
      { numRuns: 60 },
    );
  });

  it('splits conserve the amount', () => {
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 7 }),
        (a, weights) => {
          const parts = allocate(
            new Dec(a),
            weights.map((w) => new Dec(w)),
            'CNY',
          );
          expect(parts.reduce((t, p) => t.plus(p), new Dec(0)).toFixed(2)).toBe(a);
          const reps = weights.map((_, i) => `r${i}`);
          const b = book(
            [{ id: 'f', type: 'flat', rate: '0.05' }],
            {},
            { assignments: reps.map((repId) => ({ repId, planId: 'p', from: '2024-01-01' })) },
          );
          // Percentages summing to exactly 100: give the remainder to the last owner.
          const pct = reps.map((repId, i) => ({
            repId,
            percent: i < reps.length - 1 ? (100 / reps.length).toFixed(2) : '0',
          }));
          const last = pct.at(-1) as { percent: string };
          last.percent = new Dec(100)
            .minus(pct.slice(0, -1).reduce((t, p) => t.plus(p.percent), new Dec(0)))
            .toFixed(2);
          const credits = creditDeals(b, [
            {
              id: 'X',
              modifiedAt: '2025-03-01T00:00:00Z',
              status: 'won',
              currency: 'CNY',
              amounts: { amount: a },
              dates: { closeDate: '2025-03-01' },
              owners: pct,
            },
          ]);
          expect(
            [...credits.values()]
              .flat()
              .reduce((t, c) => t.plus(c.amount), new Dec(0))
              .toFixed(2),
          ).toBe(a);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('re-runs are identical and the incremental accrual equals the close', () => {
    fc.assert(
      fc.property(deals, modes, (ds, mode) => {
        const b = book([
          { id: 't', type: 'tiered', mode, tiers: TIERS, gate: '0.1' },
          { id: 'm', type: 'milestone', thresholds: [{ attainment: '0.5', amount: '1000' }] },
        ]);
        const one = close(b, ds);
        expect(close(b, [...ds].reverse())).toEqual(one);
        const acc = RepAccrual.start(b, 'r1', '2025-03');
        for (const d of ds) acc.addDeal(d);
        expect(acc.summary().earned).toBe(one[0]?.totals.earnings);
      }),
      { numRuns: 80 },
    );
  });
});
