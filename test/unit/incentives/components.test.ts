import { describe, expect, it } from 'vitest';
import {
  calculateRep,
  creditDeals,
  type Deal,
  type PlanBook,
  parsePeriodKey,
} from '../../../shared/incentives';
import { book, deal, TIERS } from './fixtures';

const MARCH = parsePeriodKey('2025-03');

const linesOf = (b: PlanBook, deals: Deal[], rep = 'r1') => {
  const credits = creditDeals(b, deals).get(rep) ?? [];
  const calc = calculateRep(b, rep, MARCH, credits);
  return (calc?.lines ?? []).map((l) => ({ key: l.key, kind: l.kind, amount: l.amount.toFixed(2) }));
};
const total = (lines: { amount: string }[]) =>
  lines.reduce((s, l) => s + Math.round(Number(l.amount) * 100), 0) / 100;

describe('golden cases: components', () => {
  it('flat rate on credited amount', () => {
    const lines = linesOf(book([{ id: 'f', type: 'flat', rate: '0.05' }]), [
      deal('120000.00', '2025-03-05', { id: 'A' }),
    ]);
    // 120,000 × 5% = 6,000.00
    expect(lines).toEqual([{ key: 'p@1:f|A', kind: 'commission', amount: '6000.00' }]);
  });

  it('rounds half-up at line level: 0.5 minor unit goes up', () => {
    const lines = linesOf(book([{ id: 'f', type: 'flat', rate: '0.05' }]), [
      deal('0.10', '2025-03-05', { id: 'A' }),
      deal('0.30', '2025-03-06', { id: 'B' }),
    ]);
    // 0.10 × 5% = 0.005 → 0.01 ; 0.30 × 5% = 0.015 → 0.02 ; total 0.03 (not round(0.40 × 5%) = 0.02)
    expect(lines.map((l) => l.amount)).toEqual(['0.01', '0.02']);
  });

  it('marginal tiers: a deal straddling 50% is split across tiers 1 and 2', () => {
    const b = book([{ id: 't', type: 'tiered', mode: 'marginal', tiers: TIERS }]);
    const lines = linesOf(b, [
      deal('400000.00', '2025-03-03', { id: 'A' }),
      deal('200000.00', '2025-03-10', { id: 'B' }),
    ]);
    expect(lines).toEqual([
      { key: 'p@1:t|A|t1', kind: 'commission', amount: '20000.00' }, // 400,000 × 5%
      { key: 'p@1:t|B|t1', kind: 'commission', amount: '5000.00' }, // (500,000 − 400,000) × 5%
      { key: 'p@1:t|B|t2', kind: 'commission', amount: '8000.00' }, // (600,000 − 500,000) × 8%
    ]);
    expect(total(lines)).toBe(33000); // 20,000 + 5,000 + 8,000
  });

  it('whole-tier: the same deals all paid at the highest tier reached (60% → tier 2, 8%)', () => {
    const b = book([{ id: 't', type: 'tiered', mode: 'whole', tiers: TIERS }]);
    const lines = linesOf(b, [
      deal('400000.00', '2025-03-03', { id: 'A' }),
      deal('200000.00', '2025-03-10', { id: 'B' }),
    ]);
    expect(lines).toEqual([
      { key: 'p@1:t|A', kind: 'commission', amount: '32000.00' }, // 400,000 × 8%
      { key: 'p@1:t|B', kind: 'commission', amount: '16000.00' }, // 200,000 × 8%
    ]);
  });

  it('accelerator above 100% (marginal) and decelerator below 50%', () => {
    const b = book(
      [
        {
          id: 't',
          type: 'tiered',
          mode: 'marginal',
          tiers: [
            { from: '0', to: '0.5', rate: '0.02' },
            { from: '0.5', to: '1', rate: '0.05' },
            { from: '1', rate: '0.15' },
          ],
        },
      ],
      { maxAcceleratorRate: '0.2' },
    );
    const lines = linesOf(b, [deal('1200000.00', '2025-03-03', { id: 'A' })]);
    // 500,000 × 2% = 10,000 ; 500,000 × 5% = 25,000 ; 200,000 × 15% = 30,000
    expect(lines.map((l) => l.amount)).toEqual(['10000.00', '25000.00', '30000.00']);
  });

  it('gate: nothing below 50% attainment, shown as a gate line', () => {
    const lines = linesOf(book([{ id: 'f', type: 'flat', rate: '0.05', gate: '0.5' }]), [
      deal('400000.00', '2025-03-03', { id: 'A' }),
    ]);
    // 400,000 × 5% = 20,000 ; attainment 40% < 50% → −20,000
    expect(lines).toEqual([
      { key: 'p@1:f|A', kind: 'commission', amount: '20000.00' },
      { key: 'p@1:f|gate', kind: 'gate', amount: '-20000.00' },
    ]);
  });

  it('caps per deal, per component and per period', () => {
    const b = book(
      [
        { id: 'f', type: 'flat', rate: '0.05', capPerDeal: '5000', cap: '8000' },
        { id: 'g', type: 'flat', rate: '0.01' },
      ],
      { periodCap: '9500' },
    );
    const lines = linesOf(b, [
      deal('120000.00', '2025-03-03', { id: 'A' }),
      deal('80000.00', '2025-03-04', { id: 'B' }),
    ]);
    expect(lines).toEqual([
      { key: 'p@1:f|A', kind: 'commission', amount: '6000.00' }, // 120,000 × 5%
      { key: 'p@1:f|A|cap', kind: 'cap', amount: '-1000.00' }, // capped at 5,000 per deal
      { key: 'p@1:g|A', kind: 'commission', amount: '1200.00' }, // 120,000 × 1%
      { key: 'p@1:f|B', kind: 'commission', amount: '4000.00' }, // 80,000 × 5%
      { key: 'p@1:g|B', kind: 'commission', amount: '800.00' }, // 80,000 × 1%
      { key: 'p@1:f|cap', kind: 'cap', amount: '-1000.00' }, // f = 5,000 + 4,000 = 9,000 > 8,000
      { key: 'p@1:periodCap', kind: 'cap', amount: '-500.00' }, // 8,000 + 2,000 = 10,000 > 9,500
    ]);
    expect(total(lines)).toBe(9500);
  });

  it('SPIFF: fixed per matching deal times the split; rate for a size condition', () => {
    const b = book(
      [
        { id: 's', type: 'spiff', when: { products: ['X'], newAccount: true }, fixed: '500' },
        { id: 'big', type: 'spiff', when: { minAmount: '100000', stageReached: 'Signed' }, rate: '0.01' },
      ],
      {},
      {
        assignments: [
          { repId: 'r1', planId: 'p', from: '2024-01-01' },
          { repId: 'r2', planId: 'p', from: '2024-01-01' },
        ],
      },
    );
    const split = [
      { repId: 'r1', percent: '60' },
      { repId: 'r2', percent: '40' },
    ];
    const deals = [
      deal('150000.00', '2025-03-03', {
        id: 'A',
        product: 'X',
        newAccount: true,
        owners: split,
        stagesReached: ['Signed'],
      }),
      deal('90000.00', '2025-03-04', { id: 'B', product: 'X', newAccount: false, stage: 'Signed' }),
    ];
    expect(linesOf(b, deals)).toEqual([
      { key: 'p@1:s|A', kind: 'spiff', amount: '300.00' }, // 500 × 60%
      { key: 'p@1:big|A', kind: 'spiff', amount: '900.00' }, // share 90,000 × 1% (deal 150,000 ≥ 100,000)
    ]);
    expect(linesOf(b, deals, 'r2')).toEqual([
      { key: 'p@1:s|A', kind: 'spiff', amount: '200.00' }, // 500 × 40%
      { key: 'p@1:big|A', kind: 'spiff', amount: '600.00' }, // 60,000 × 1%
    ]);
  });

  it('milestone bonus paid once, on the deal that first crosses the threshold', () => {
    const b = book([{ id: 'm', type: 'milestone', thresholds: [{ attainment: '1', amount: '5000' }] }]);
    const lines = linesOf(b, [
      deal('700000.00', '2025-03-03', { id: 'A' }),
      deal('400000.00', '2025-03-04', { id: 'B' }),
      deal('100000.00', '2025-03-05', { id: 'C' }),
    ]);
    // 700,000 < 1,000,000 ≤ 1,100,000: deal B crosses; C does not pay again
    expect(lines).toEqual([{ key: 'p@1:m|m1', kind: 'milestone', amount: '5000.00' }]);
    expect(
      calculateRep(
        b,
        'r1',
        MARCH,
        creditDeals(b, [deal('1000000.00', '2025-03-03', { id: 'Z' })]).get('r1') ?? [],
      )?.lines[0]?.dealId,
    ).toBe('Z');
  });
});
