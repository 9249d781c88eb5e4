/**
 * Incentive engine figures: a period close for 1,000 reps over 200,000 deals (target < 2 s, < 512 MB), and the
 * cost of one incremental accrual after one new deal. Data are generated deterministically (a fixed LCG seed),
 * so runs are comparable.
 */
import { createHash } from 'node:crypto';
import { closePeriod, type Deal, PlanBook, RepAccrual } from '../../shared/incentives';

export interface IncentiveFigures {
  reps: number;
  deals: number;
  closeMs: number;
  peakRssDeltaMb: number;
  statements: number;
  lines: number;
  rerunIdentical: boolean;
  /** sha256 over every statement's JSON: equal digests across engine versions mean byte-identical results. */
  resultDigest: string;
  accrualAddDealUs: number;
  /** Share of the timed adds that took the O(components × tiers) path (should be 1). */
  accrualIncrementalShare: number;
  accrualRepCredits: number;
  /** One back-dated deal: replays that rep's segment. */
  accrualRebuildUs: number;
}

export const lcg = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

/** The benchmark tenant: one quarterly plan, `repCount` reps, `dealCount` won deals (10% split, 10% USD). */
export const benchData = (repCount = 1000, dealCount = 200_000) => {
  const rand = lcg(42);
  const reps = Array.from({ length: repCount }, (_, i) => `rep-${String(i).padStart(4, '0')}`);
  const book = PlanBook.parse({
    plans: [
      {
        id: 'std',
        version: 1,
        name: 'Standard',
        effectiveFrom: '2025-01-01',
        currency: 'CNY',
        timeZone: 'Asia/Shanghai',
        period: 'quarter',
        quota: '3000000.00',
        maxAcceleratorRate: '0.2',
        periodCap: '600000',
        components: [
          {
            id: 'base',
            type: 'tiered',
            mode: 'marginal',
            tiers: [
              { from: '0', to: '0.5', rate: '0.03' },
              { from: '0.5', to: '1', rate: '0.06' },
              { from: '1', rate: '0.1' },
            ],
            gate: '0.2',
          },
          { id: 'spiff', type: 'spiff', when: { products: ['P1'], newAccount: true }, fixed: '500' },
          { id: 'm', type: 'milestone', thresholds: [{ attainment: '1', amount: '10000' }] },
        ],
      },
    ],
    assignments: reps.map((repId) => ({ repId, planId: 'std', from: '2025-01-01' })),
    fxRates: [{ period: '2025-Q1', from: 'USD', to: 'CNY', rate: '7.1' }],
  });
  const deals: Deal[] = Array.from({ length: dealCount }, (_, i) => {
    const owner = reps[Math.floor(rand() * repCount)] as string;
    const split = rand() < 0.1;
    const other = reps[Math.floor(rand() * repCount)] as string;
    const day = 1 + Math.floor(rand() * 90);
    const date = new Date(Date.UTC(2025, 0, day)).toISOString().slice(0, 10);
    return {
      id: `D${i}`,
      modifiedAt: `${date}T03:00:00Z`,
      status: 'won',
      currency: rand() < 0.1 ? 'USD' : 'CNY',
      amounts: { amount: (Math.floor(rand() * 5_000_000) / 100).toFixed(2) },
      dates: { closeDate: date },
      owners:
        split && other !== owner
          ? [
              { repId: owner, percent: '70' },
              { repId: other, percent: '30' },
            ]
          : [{ repId: owner, percent: '100' }],
      product: rand() < 0.3 ? 'P1' : 'P2',
      newAccount: rand() < 0.5,
    };
  });
  return { reps, book, deals };
};

export const measureIncentives = async (repCount = 1000, dealCount = 200_000): Promise<IncentiveFigures> => {
  const { reps, book, deals } = benchData(repCount, dealCount);
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const t0 = performance.now();
  const result = closePeriod({ book, periodKey: '2025-Q1', deals, closed: [] });
  const closeMs = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const again = closePeriod({ book, periodKey: '2025-Q1', deals, closed: [] });
  const rerunIdentical = again.statements.every((s, i) => s.hash === result.statements[i]?.hash);

  const digest = createHash('sha256');
  for (const s of result.statements) digest.update(JSON.stringify(s));
  const resultDigest = digest.digest('hex');

  const rep = reps[0] as string;
  const acc = RepAccrual.start(book, rep, '2025-Q1');
  const own = deals.filter((d) => d.owners.some((o) => o.repId === rep) && d.currency === 'CNY');
  for (const d of own)
    acc.addDeal({ ...d, owners: [{ repId: rep, percent: '100' }], dates: { closeDate: '2025-01-01' } });
  const runs = 1000;
  let incremental = 0;
  const t1 = performance.now();
  // Ids sort after the existing ones, as a new deal won today does: each add must take the incremental path.
  for (let i = 0; i < runs; i++) {
    acc.addDeal({
      ...(deals[0] as Deal),
      id: `new-${String(i).padStart(6, '0')}`,
      owners: [{ repId: rep, percent: '100' }],
      dates: { closeDate: '2025-03-31' },
      currency: 'CNY',
    });
    if (acc.lastApplied === 'incremental') incremental++;
  }
  const accrualAddDealUs = ((performance.now() - t1) / runs) * 1000;
  const rebuildT = performance.now();
  acc.addDeal({
    ...(deals[0] as Deal),
    id: 'back-dated',
    owners: [{ repId: rep, percent: '100' }],
    dates: { closeDate: '2025-01-01' },
    currency: 'CNY',
  });
  const accrualRebuildUs = (performance.now() - rebuildT) * 1000;
  return {
    reps: repCount,
    deals: dealCount,
    closeMs: Math.round(closeMs),
    peakRssDeltaMb: Math.round((peak - rss0) / 2 ** 20),
    statements: result.statements.length,
    lines: result.statements.reduce((n, s) => n + s.lines.length, 0),
    rerunIdentical,
    resultDigest,
    accrualAddDealUs: Math.round(accrualAddDealUs * 10) / 10,
    accrualIncrementalShare: incremental / runs,
    accrualRepCredits: own.length + runs,
    accrualRebuildUs: Math.round(accrualRebuildUs),
  };
};
