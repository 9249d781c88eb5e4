import { describe, expect, it } from 'vitest';
import {
  closePeriod,
  creditDeals,
  describeLine,
  IncentiveConflictError,
  localDate,
  managerSummary,
  PlanBook,
  parsePeriodKey,
  periodBounds,
  RepAccrual,
  statementCsv,
  verifyStatement,
} from '../../../shared/incentives';
import { book, deal, plan, TIERS } from './fixtures';

const flat = book([{ id: 'f', type: 'flat', rate: '0.05' }]);

describe('golden cases: close, clawbacks, adjustments', () => {
  it('a clawback across periods: reversed within 90 days → negative line in the reversal period, tied to the original', () => {
    const won = deal('100000.00', '2025-01-20', { id: 'A' });
    const jan = closePeriod({ book: flat, periodKey: '2025-01', deals: [won], closed: [] });
    expect(jan.statements[0]?.totals.payable).toBe('5000.00'); // 100,000 × 5%
    const reversed = {
      ...won,
      status: 'lost' as const,
      modifiedAt: '2025-02-10T03:00:00Z',
      statusChangedAt: '2025-02-10T03:00:00Z',
    };
    const feb = closePeriod({ book: flat, periodKey: '2025-02', deals: [reversed], closed: jan.statements });
    const s = feb.statements[0];
    expect(s?.lines).toEqual([
      expect.objectContaining({
        kind: 'clawback',
        amount: '-5000.00',
        dealId: 'A',
        origin: { periodKey: '2025-01', key: 'p@1:f|A' },
      }),
      expect.objectContaining({
        kind: 'draw',
        amount: '5000.00',
        trace: expect.objectContaining({ code: 'deficit' }),
      }),
    ]);
    expect(s?.totals).toMatchObject({ adjustments: '-5000.00', payable: '0.00' });
    // -5,000 is carried forward as a balance to recover, not paid as a debt
    expect(s?.drawBalance.after).toBe('5000.00');
    expect(describeLine(s?.lines[0] as never, s as never)).toMatch(/adjusts 2025-01: won deal reversed/);
    // A later close with nothing new does not claw back twice, and does not undo the clawback.
    const mar = closePeriod({
      book: flat,
      periodKey: '2025-03',
      deals: [reversed],
      closed: [...jan.statements, ...feb.statements],
    });
    expect(mar.statements[0]?.lines.filter((l) => l.kind !== 'draw') ?? []).toEqual([]);
  });

  it('a reversal outside the window keeps the commission', () => {
    const won = deal('100000.00', '2025-01-20', { id: 'A' });
    const b = book([{ id: 'f', type: 'flat', rate: '0.05' }], { clawback: { windowDays: 10 } });
    const jan = closePeriod({ book: b, periodKey: '2025-01', deals: [won], closed: [] });
    const lost = { ...won, status: 'lost' as const, modifiedAt: '2025-02-10T03:00:00Z' };
    expect(
      closePeriod({ book: b, periodKey: '2025-02', deals: [lost], closed: jan.statements }).statements[0]
        ?.lines,
    ).toEqual([]);
  });

  it('whole-tier clawback re-prices the rest of the closed period when attainment is reduced', () => {
    const b = book([{ id: 't', type: 'tiered', mode: 'whole', tiers: TIERS }]);
    const a = deal('400000.00', '2025-01-05', { id: 'A' });
    const c = deal('200000.00', '2025-01-06', { id: 'B' });
    const jan = closePeriod({ book: b, periodKey: '2025-01', deals: [a, c], closed: [] });
    expect(jan.statements[0]?.totals.earnings).toBe('48000.00'); // 600,000 × 8%
    const lost = { ...c, status: 'cancelled' as const, modifiedAt: '2025-02-02T00:00:00Z' };
    const feb = closePeriod({ book: b, periodKey: '2025-02', deals: [lost], closed: jan.statements });
    expect(
      feb.statements[0]?.lines.filter((l) => l.kind !== 'draw').map((l) => [l.kind, l.origin?.key, l.amount]),
    ).toEqual([
      ['adjustment', 'p@1:t|A', '-12000.00'], // A re-priced: 400,000 × 5% − 400,000 × 8% = 20,000 − 32,000
      ['clawback', 'p@1:t|B', '-16000.00'], // B reversed: 0 − 200,000 × 8%
    ]);
  });

  it('a late amount change to a closed-period deal becomes an adjustment in the next open period', () => {
    const a = deal('100000.00', '2025-01-20', { id: 'A' });
    const jan = closePeriod({ book: flat, periodKey: '2025-01', deals: [a], closed: [] });
    const bigger = { ...a, amounts: { amount: '120000.00' }, modifiedAt: '2025-02-03T00:00:00Z' };
    const again = closePeriod({ book: flat, periodKey: '2025-02', deals: [bigger], closed: jan.statements });
    // 120,000 × 5% − 5,000 = +1,000
    expect(again.statements[0]?.lines).toEqual([
      expect.objectContaining({
        kind: 'adjustment',
        amount: '1000.00',
        origin: { periodKey: '2025-01', key: 'p@1:f|A' },
      }),
    ]);
    // The frozen January statement is untouched and still verifies.
    expect(jan.statements.every(verifyStatement)).toBe(true);
    // A change made after February ended waits for March.
    const tooLate = { ...a, amounts: { amount: '120000.00' }, modifiedAt: '2025-03-01T00:00:00+08:00' };
    expect(
      closePeriod({ book: flat, periodKey: '2025-02', deals: [tooLate], closed: jan.statements })
        .statements[0]?.lines,
    ).toEqual([]);
  });

  it('refuses to close a closed period; re-running a close is byte-identical', () => {
    const deals = [deal('100000.00', '2025-01-20', { id: 'A' })];
    const one = closePeriod({ book: flat, periodKey: '2025-01', deals, closed: [] });
    const two = closePeriod({ book: flat, periodKey: '2025-01', deals, closed: [] });
    expect(two).toEqual(one);
    expect(() => closePeriod({ book: flat, periodKey: '2025-01', deals, closed: one.statements })).toThrow(
      IncentiveConflictError,
    );
    expect(() => closePeriod({ book: flat, periodKey: '2025-01', deals, closed: one.statements })).toThrow(
      /2025-01 is already closed/,
    );
  });

  it('a prorated mid-period plan change (April: 10 days on A, 20 days on B)', () => {
    const b = PlanBook.parse({
      plans: [
        plan([{ id: 'f', type: 'flat', rate: '0.05' }], { id: 'A', quota: '300000.00', periodCap: '3000' }),
        plan([{ id: 't', type: 'tiered', mode: 'marginal', tiers: TIERS }], { id: 'B', quota: '600000.00' }),
      ],
      assignments: [
        { repId: 'r1', planId: 'A', from: '2025-01-01', to: '2025-04-10' },
        { repId: 'r1', planId: 'B', from: '2025-04-11' },
      ],
    });
    const deals = [deal('80000.00', '2025-04-05', { id: 'X' }), deal('250000.00', '2025-04-20', { id: 'Y' })];
    const s = closePeriod({ book: b, periodKey: '2025-04', deals, closed: [] }).statements[0];
    expect(s?.segments.map((g) => [g.planId, g.days, g.quota, g.attainment])).toEqual([
      ['A', 10, '100000.00', '0.8'], // quota 300,000 × 10/30 ; 80,000 / 100,000
      ['B', 20, '400000.00', '0.625'], // quota 600,000 × 20/30 ; 250,000 / 400,000
    ]);
    expect(s?.lines.map((l) => [l.key, l.amount])).toEqual([
      ['A@1:f|X', '4000.00'], // 80,000 × 5%
      ['A@1:periodCap', '-3000.00'], // cap 3,000 × 10/30 = 1,000 → 4,000 − 1,000
      ['B@1:t|Y|t1', '10000.00'], // tier 1 ends at 400,000 × 50% = 200,000: 200,000 × 5%
      ['B@1:t|Y|t2', '4000.00'], // 50,000 × 8%
    ]);
    expect(s?.totals.payable).toBe('15000.00'); // 1,000 + 10,000 + 4,000
    expect(s?.segments[1]?.tiers[0]).toMatchObject({ tier: 2, nextTierNeeds: '150000.00' }); // 400,000 − 250,000
  });

  it('draws: a recoverable top-up is recovered from later earnings', () => {
    const b = book([{ id: 'f', type: 'flat', rate: '0.05' }], {
      draw: { type: 'recoverable', amount: '10000' },
    });
    const jan = closePeriod({
      book: b,
      periodKey: '2025-01',
      deals: [deal('80000.00', '2025-01-05')],
      closed: [],
    }).statements;
    // earnings 80,000 × 5% = 4,000 → top up 6,000, balance 6,000
    expect(jan[0]?.totals).toMatchObject({ earnings: '4000.00', draws: '6000.00', payable: '10000.00' });
    expect(jan[0]?.drawBalance.after).toBe('6000.00');
    const feb = closePeriod({
      book: b,
      periodKey: '2025-02',
      deals: [deal('300000.00', '2025-02-05')],
      closed: jan,
    }).statements;
    // earnings 15,000; available 15,000 − 10,000 = 5,000 → recover 5,000; balance 1,000
    expect(feb[0]?.totals).toMatchObject({ earnings: '15000.00', draws: '-5000.00', payable: '10000.00' });
    expect(feb[0]?.drawBalance.after).toBe('1000.00');
    const nr = book([{ id: 'f', type: 'flat', rate: '0.05' }], {
      draw: { type: 'nonRecoverable', amount: '10000' },
    });
    expect(
      closePeriod({ book: nr, periodKey: '2025-01', deals: [deal('80000.00', '2025-01-05')], closed: [] })
        .statements[0]?.drawBalance.after,
    ).toBe('0.00');
  });

  it('team bonus (pro rata and equal) and the manager override', () => {
    const cfg = (split: 'equal' | 'proRata') =>
      PlanBook.parse({
        plans: [
          plan(
            [
              { id: 'f', type: 'flat', rate: '0' },
              { id: 'tb', type: 'teamBonus', teamId: 'east', goal: '300000', pool: '100.00', split },
            ],
            { id: 'rep' },
          ),
          plan([{ id: 'o', type: 'override', teamId: 'east', rate: '0.02' }], { id: 'mgr' }),
        ],
        assignments: [
          ...['a', 'b', 'c'].map((repId) => ({ repId, planId: 'rep', from: '2025-01-01' })),
          { repId: 'm', planId: 'mgr', from: '2025-01-01' },
        ],
        teams: [{ id: 'east', managerId: 'm', members: ['a', 'b', 'c'] }],
      });
    const deals = [
      deal('100000.00', '2025-01-05', { owners: [{ repId: 'a', percent: '100' }] }),
      deal('100000.00', '2025-01-05', { owners: [{ repId: 'b', percent: '100' }] }),
      deal('100000.00', '2025-01-05', { owners: [{ repId: 'c', percent: '100' }] }),
    ];
    const bonus = (split: 'equal' | 'proRata') =>
      closePeriod({ book: cfg(split), periodKey: '2025-01', deals, closed: [] }).statements;
    // 100.00 / 3 → 33.34 + 33.33 + 33.33 (largest remainder, ties to the first)
    expect(
      bonus('equal')
        .filter((s) => s.repId !== 'm')
        .map((s) => s.totals.payable),
    ).toEqual(['33.34', '33.33', '33.33']);
    expect(
      bonus('proRata')
        .filter((s) => s.repId !== 'm')
        .map((s) => s.totals.payable),
    ).toEqual(['33.34', '33.33', '33.33']);
    const m = bonus('equal').find((s) => s.repId === 'm');
    // 3 × (100,000 × 2%) = 6,000
    expect(m?.lines.map((l) => l.amount)).toEqual(['2000.00', '2000.00', '2000.00']);
    expect(managerSummary(bonus('equal')).totals.payable).toBe('6100.00'); // 6,000 + 100
  });

  it('FX: a USD deal converted at the period rate, then rounded', () => {
    const b = book(
      [{ id: 'f', type: 'flat', rate: '0.05' }],
      {},
      { fxRates: [{ period: '2025-03', from: 'USD', to: 'CNY', rate: '7.1234' }] },
    );
    const credits = creditDeals(b, [deal('10000.55', '2025-03-05', { currency: 'USD' })]).get('r1') ?? [];
    // 10,000.55 × 7.1234 = 71,237.91787 → 71,237.92
    expect(credits[0]?.amount.toFixed(2)).toBe('71237.92');
  });

  it('statements render in the rep locale and export as CSV and JSON', () => {
    const b = book(
      [{ id: 't', type: 'tiered', mode: 'marginal', tiers: TIERS }],
      {},
      { reps: [{ id: 'r1', locale: 'zh-CN' }] },
    );
    const s = closePeriod({
      book: b,
      periodKey: '2025-03',
      deals: [deal('600000.00', '2025-03-05', { id: 'A' })],
      closed: [],
    }).statements[0];
    if (!s) throw new Error('no statement');
    expect(describeLine(s.lines[1] as never, s)).toBe('¥100,000.00 × 8% — 第2档，完成率 50%–100%');
    expect(describeLine(s.lines[1] as never, s, 'en')).toBe('CN¥100,000.00 × 8% — tier 2, 50%–100% of quota');
    const csv = statementCsv(s, 'en');
    expect(csv.split('\r\n')[0]).toBe('rep,period,kind,component,deal,amount,currency,trace,origin_period');
    expect(csv).toContain('r1,2025-03,total,,,33000.00,CNY,total payable,');
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('periods in the crediting time zone', () => {
  it('Asia/Shanghai: 00:30 local on 1 April is April, though still March in UTC', () => {
    expect(localDate('2025-03-31T16:30:00Z', 'Asia/Shanghai')).toBe('2025-04-01');
    expect(localDate('2025-03-31T15:59:59Z', 'Asia/Shanghai')).toBe('2025-03-31');
    expect(periodBounds(parsePeriodKey('2025-04'), 'Asia/Shanghai').start.toISOString()).toBe(
      '2025-03-31T16:00:00.000Z',
    );
  });

  it('a DST zone: March in New York starts at UTC−5 and ends at UTC−4', () => {
    const b = periodBounds(parsePeriodKey('2025-03'), 'America/New_York');
    expect(b.start.toISOString()).toBe('2025-03-01T05:00:00.000Z');
    expect(b.end.toISOString()).toBe('2025-04-01T04:00:00.000Z');
    expect(localDate('2025-04-01T03:59:00Z', 'America/New_York')).toBe('2025-03-31');
    expect(localDate('2025-11-01T03:30:00Z', 'America/New_York')).toBe('2025-10-31');
    expect(parsePeriodKey('2025-Q1')).toMatchObject({ start: '2025-01-01', end: '2025-03-31', days: 90 });
  });
});

describe('accrual', () => {
  it('is incremental for a new deal and reports the tier and what the next tier needs', () => {
    const b = book([{ id: 't', type: 'tiered', mode: 'marginal', tiers: TIERS }]);
    const acc = RepAccrual.start(b, 'r1', '2025-03');
    acc.addDeal(deal('400000.00', '2025-03-03', { id: 'A' }));
    acc.addDeal(deal('200000.00', '2025-03-10', { id: 'B' }));
    expect(acc.lastApplied).toBe('incremental');
    const s = acc.summary();
    expect(s.earned).toBe('33000.00'); // as the marginal golden case
    expect(s.segments[0]?.tiers[0]).toMatchObject({
      tier: 2,
      rate: '0.08',
      nextTierNeeds: '400000.00',
      nextTierRate: '0.12',
    });
    acc.addDeal(deal('1.00', '2025-03-01', { id: 'early' }));
    expect(acc.lastApplied).toBe('rebuilt');
  });
});
