/**
 * Incentive engine figures: a period close for 1,000 reps over 200,000 deals (target < 1 s, < 512 MB), and the
 * cost of one incremental accrual after one new deal. Data are generated deterministically (a fixed LCG seed),
 * so runs are comparable.
 *
 * Alone: `npx tsx test/bench/incentives.ts` prints the figures; `npx tsx test/bench/incentives.ts <other checkout>
 * [rounds=4]` is an A/B of the close: this checkout's engine and the other's, alternated in one process so both
 * see the same machine load, with each run, the medians, their ratio, the load average and whether both produced
 * the same statements (a digest of their JSON).
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** sha256 over every statement's JSON: equal digests mean byte-identical statements (hashes included). */
const statementsDigest = (statements: readonly unknown[]): string => {
  const digest = createHash('sha256');
  for (const s of statements) digest.update(JSON.stringify(s));
  return digest.digest('hex');
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

  const resultDigest = statementsDigest(result.statements);

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

type Close = typeof closePeriod;
interface Side {
  name: string;
  close: Close;
  data: ReturnType<typeof benchData>;
  ms: number[];
  digest?: string;
}

/** Close the bench tenant with this checkout's engine and another's, alternated; prints one JSON line per run. */
const abClose = async (other: string, rounds: number) => {
  const load = async (name: string, root: string): Promise<Side> => {
    const url = (path: string) => pathToFileURL(join(resolve(root), path)).href;
    const engine = (await import(url('shared/incentives/index.ts'))) as { closePeriod: Close };
    const bench = (await import(url('test/bench/incentives.ts'))) as { benchData: typeof benchData };
    return { name, close: engine.closePeriod, data: bench.benchData(), ms: [] };
  };
  // This checkout's engine is the one imported above (importing this module again would wait on itself).
  const sides: Side[] = [
    { name: 'this', close: closePeriod, data: benchData(), ms: [] },
    await load('other', other),
  ];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 ? [...sides].reverse() : sides) {
      global.gc?.();
      const before = loadavg()[0] ?? 0;
      const t0 = performance.now();
      const result = side.close({
        book: side.data.book,
        periodKey: '2025-Q1',
        deals: side.data.deals,
        closed: [],
      });
      const ms = Math.round(performance.now() - t0);
      side.ms.push(ms);
      side.digest ??= statementsDigest(result.statements);
      loads.push(before, loadavg()[0] ?? 0);
      console.log(
        JSON.stringify({ side: side.name, round: r + 1, closeMs: ms, load: Math.round(before * 100) / 100 }),
      );
    }
  }
  const [mine, theirs] = sides as [Side, Side];
  console.log(
    JSON.stringify({
      medianCloseMs: { this: median(mine.ms), other: median(theirs.ms) },
      ratio: Math.round((median(mine.ms) / median(theirs.ms)) * 100) / 100,
      load: [Math.min(...loads), Math.max(...loads)].map((l) => Math.round(l * 100) / 100),
      sameStatements: mine.digest === theirs.digest,
    }),
  );
};

if (process.argv[1] && import.meta.filename === resolve(process.argv[1])) {
  const [other, rounds = '4'] = process.argv.slice(2);
  if (other) await abClose(other, Number(rounds));
  else console.log(JSON.stringify(await measureIncentives(), null, 2));
}
