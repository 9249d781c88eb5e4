/**
 * A fixed, mid-sized generated tenant for pinning results: every component type, caps and gates, plan versions
 * and a mid-period plan change, splits of 2-3 owners (also across plan currencies), FX, CNY/JPY/KWD/USD plans,
 * instants in two zones, draws, teams, and three monthly closes whose later closes restate earlier ones (amount
 * changes, reversals in and out of the clawback window, late deals, moved deals). Deterministic (fixed LCG seed).
 */
import { type Deal, PlanBook } from '../../../shared/incentives';
import type { IncentiveConfigInput } from '../../../shared/incentives/plan';

const lcg = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const TIERS = [
  { from: '0', to: '0.5', rate: '0.035' },
  { from: '0.5', to: '1', rate: '0.0725' },
  { from: '1', rate: '0.11' },
];

const config = (reps: Record<string, string[]>): IncentiveConfigInput => ({
  plans: [
    {
      id: 'cn',
      version: 1,
      name: 'China AE',
      effectiveFrom: '2025-01-01',
      effectiveTo: '2025-02-14',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      period: 'month',
      quota: '800000.00',
      periodCap: '90000',
      draw: { type: 'recoverable', amount: '12000', recoveryShare: '0.5' },
      clawback: { windowDays: 40, reduceAttainment: true },
      components: [
        { id: 'base', type: 'tiered', mode: 'marginal', tiers: TIERS, gate: '0.15', capPerDeal: '9000' },
        {
          id: 'spf',
          type: 'spiff',
          when: { products: ['P1'], newAccount: true },
          fixed: '333.33',
          cap: '2000',
        },
        { id: 'big', type: 'spiff', when: { minAmount: '150000', maxAmount: '400000' }, rate: '0.0033' },
        { id: 'stg', type: 'spiff', when: { stageReached: 'demo' }, fixed: '88.8' },
        {
          id: 'ms',
          type: 'milestone',
          thresholds: [
            { attainment: '0.75', amount: '1500' },
            { attainment: '1.25', amount: '4000.50' },
          ],
        },
        { id: 'tb', type: 'teamBonus', teamId: 'east', goal: '1500000', pool: '10000.00', split: 'proRata' },
      ],
    },
    {
      id: 'cn',
      version: 2,
      name: 'China AE',
      effectiveFrom: '2025-02-15',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      period: 'month',
      quota: '900000.00',
      periodCap: '95000',
      draw: { type: 'recoverable', amount: '12000', recoveryShare: '0.5' },
      clawback: { windowDays: 40, reduceAttainment: true },
      components: [
        { id: 'base', type: 'tiered', mode: 'whole', tiers: TIERS, cap: '60000', capPerDeal: '7000' },
        { id: 'flat', type: 'flat', rate: '0.0045', capPerDeal: '500' },
        { id: 'tb', type: 'teamBonus', teamId: 'east', goal: '1500000', pool: '10000.00', split: 'proRata' },
      ],
    },
    {
      id: 'cnlite',
      version: 1,
      name: 'China SDR',
      effectiveFrom: '2025-01-01',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      period: 'month',
      quota: '300000.00',
      draw: { type: 'nonRecoverable', amount: '3000', to: '2025-02-28' },
      clawback: { windowDays: 20, reduceAttainment: false },
      components: [
        { id: 'f', type: 'flat', rate: '0.041', cap: '15000' },
        { id: 'tb', type: 'teamBonus', teamId: 'east', goal: '1500000', pool: '10000.00', split: 'proRata' },
        { id: 'tbw', type: 'teamBonus', teamId: 'west', goal: '500000', pool: '777.77', split: 'equal' },
      ],
    },
    {
      id: 'mgr',
      version: 1,
      name: 'Manager',
      effectiveFrom: '2025-01-01',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      period: 'month',
      quota: '2000000.00',
      components: [
        { id: 'oe', type: 'override', teamId: 'east', rate: '0.0125', cap: '20000' },
        { id: 'ow', type: 'override', teamId: 'west', rate: '0.015' },
      ],
    },
    {
      id: 'jp',
      version: 1,
      name: 'Japan AE',
      effectiveFrom: '2025-01-01',
      currency: 'JPY',
      timeZone: 'America/New_York',
      period: 'month',
      quota: '15000000',
      credit: { amountField: 'arr', dateField: 'wonAt' },
      components: [
        { id: 't', type: 'tiered', mode: 'marginal', tiers: TIERS, cap: '1200000' },
        { id: 's', type: 'spiff', when: { products: ['P2'] }, rate: '0.005' },
      ],
    },
    {
      id: 'kw',
      version: 1,
      name: 'Kuwait AE',
      effectiveFrom: '2025-01-01',
      currency: 'KWD',
      timeZone: 'Asia/Kuwait',
      period: 'month',
      quota: '40000.000',
      components: [
        { id: 't', type: 'tiered', mode: 'whole', tiers: TIERS, gate: '0.3' },
        { id: 'm', type: 'milestone', thresholds: [{ attainment: '0.5', amount: '250.125' }] },
      ],
    },
    {
      id: 'us',
      version: 1,
      name: 'US quarterly',
      effectiveFrom: '2025-01-01',
      currency: 'USD',
      timeZone: 'America/New_York',
      period: 'quarter',
      quota: '350000.00',
      components: [{ id: 't', type: 'tiered', mode: 'whole', tiers: TIERS, capPerDeal: '2500' }],
    },
  ],
  assignments: [
    ...(reps.cn ?? []).map((repId, i) =>
      i === 0
        ? { repId, planId: 'cn', from: '2025-01-01', to: '2025-02-10' }
        : { repId, planId: 'cn', from: '2025-01-01', ...(i % 3 === 1 ? { quota: '650000.00' } : {}) },
    ),
    // The first CN rep moves to the lite plan mid-February: two segments, prorated quota and caps.
    { repId: reps.cn?.[0] ?? '', planId: 'cnlite', from: '2025-02-11' },
    ...(reps.lite ?? []).map((repId) => ({ repId, planId: 'cnlite', from: '2025-01-01' })),
    ...(reps.mgr ?? []).map((repId) => ({ repId, planId: 'mgr', from: '2025-01-01' })),
    ...(reps.jp ?? []).map((repId) => ({ repId, planId: 'jp', from: '2025-01-01' })),
    ...(reps.kw ?? []).map((repId) => ({ repId, planId: 'kw', from: '2025-01-01' })),
    ...(reps.us ?? []).map((repId) => ({ repId, planId: 'us', from: '2025-01-01' })),
  ],
  reps: Object.values(reps)
    .flat()
    .map((id, i) => ({ id, locale: i % 2 ? ('zh-CN' as const) : ('en' as const) })),
  teams: [
    {
      id: 'east',
      managerId: reps.mgr?.[0] ?? '',
      members: [...(reps.cn ?? []).slice(0, 8), reps.lite?.[0] ?? ''],
    },
    {
      id: 'west',
      managerId: reps.mgr?.[1] ?? '',
      members: [...(reps.lite ?? []).slice(1), reps.cn?.[9] ?? ''],
    },
  ],
  fxRates: [
    { period: '2025-Q1', from: 'USD', to: 'CNY', rate: '7.1234' },
    { period: '2025-02', from: 'USD', to: 'CNY', rate: '7.19875' },
    { period: '2025-Q1', from: 'CNY', to: 'JPY', rate: '20.4567' },
    { period: '2025-Q1', from: 'USD', to: 'JPY', rate: '151.33' },
    { period: '2025-Q1', from: 'JPY', to: 'CNY', rate: '0.048875' },
    { period: '2025-Q1', from: 'CNY', to: 'KWD', rate: '0.042345' },
    { period: '2025-Q1', from: 'KWD', to: 'CNY', rate: '23.6155' },
    { period: '2025-Q1', from: 'CNY', to: 'USD', rate: '0.140385' },
    { period: '2025-Q1', from: 'EUR', to: 'CNY', rate: '7.795' },
    { period: '2025-Q1', from: 'EUR', to: 'USD', rate: '1.085' },
    { period: '2025-Q1', from: 'JPY', to: 'USD', rate: '0.0066' },
    { period: '2025-Q1', from: 'KWD', to: 'JPY', rate: '488.2' },
    { period: '2025-Q1', from: 'EUR', to: 'JPY', rate: '162.45' },
    { period: '2025-Q1', from: 'USD', to: 'KWD', rate: '0.30825' },
    { period: '2025-Q1', from: 'JPY', to: 'KWD', rate: '0.002037' },
    { period: '2025-Q1', from: 'EUR', to: 'KWD', rate: '0.3345' },
    { period: '2025-Q1', from: 'KWD', to: 'USD', rate: '3.2441' },
  ],
});

export interface PinnedData {
  book: PlanBook;
  /** The deals as known at each close: January, February, March (and the quarter). */
  jan: Deal[];
  feb: Deal[];
  mar: Deal[];
}

const pad = (n: number) => String(n).padStart(2, '0');

export const pinnedData = (dealCount = 1500): PinnedData => {
  const rand = lcg(20250101);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const name = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}-${pad(i)}`);
  const reps = {
    cn: name('cn', 14),
    lite: name('lite', 6),
    mgr: name('mgr', 2),
    jp: name('jp', 5),
    kw: name('kw', 4),
    us: name('us', 5),
  };
  const sellers = [...reps.cn, ...reps.cn, ...reps.lite, ...reps.jp, ...reps.kw, ...reps.us];
  const book = PlanBook.parse(config(reps));
  // Per-currency magnitudes around a month's quota share, scaled per seller so that some reps stay under the
  // gate or the draw and others pass every tier and cap.
  const MAX: Record<string, number> = { JPY: 4_000_000, KWD: 6000, USD: 18_000, EUR: 16_000, CNY: 120_000 };
  const amount = (currency: string, scale = 1) => {
    const whole = Math.floor(rand() * (MAX[currency] ?? 1) * scale);
    if (currency === 'JPY') return String(whole);
    // Odd decimals (3-4 places, ties at 5) exercise the half-up rounding of FX products and amounts.
    const frac = Math.floor(rand() * 10_000);
    const digits = rand() < 0.3 ? 4 : rand() < 0.5 ? 3 : 2;
    return `${whole}.${String(frac).padStart(4, '0').slice(0, digits)}`;
  };
  const splits = [
    ['100'],
    ['100'],
    ['100'],
    ['100.0'],
    ['70', '30'],
    ['12.5', '87.5'],
    ['33.33', '33.33', '33.34'],
  ];
  const jan: Deal[] = Array.from({ length: dealCount }, (_, i) => {
    const month = 1 + Math.floor(rand() * 3);
    const day = 1 + Math.floor(rand() * 28);
    const date = `2025-${pad(month)}-${pad(day)}`;
    const currency = pick(['CNY', 'CNY', 'CNY', 'USD', 'JPY', 'KWD', 'EUR']);
    const percents = pick(splits);
    const owners: Deal['owners'] = [];
    for (const percent of percents) {
      let repId = pick(sellers);
      while (owners.some((o) => o.repId === repId)) repId = pick(sellers);
      owners.push({ repId, percent });
    }
    const hour = Math.floor(rand() * 24);
    const seller = sellers.indexOf(owners[0]?.repId ?? '');
    const a = amount(currency, [0.04, 0.5, 1, 2.2][seller % 4]);
    return {
      id: `P${String(i).padStart(5, '0')}`,
      modifiedAt: `${date}T${pad(hour)}:15:00Z`,
      status: rand() < 0.85 ? 'won' : pick(['open', 'lost'] as const),
      currency,
      amounts: { amount: a, arr: a },
      // Instants near midnight land on different local dates in Shanghai and New York.
      dates: { closeDate: date, wonAt: `${date}T${pad(hour)}:30:00Z` },
      owners,
      ...(rand() < 0.5 ? { product: pick(['P1', 'P2']) } : {}),
      ...(rand() < 0.6 ? { newAccount: rand() < 0.5 } : {}),
      ...(rand() < 0.2 ? { stage: 'demo' } : rand() < 0.2 ? { stagesReached: ['qual', 'demo'] } : {}),
    };
  });
  // Changes known by each later close: amount edits, reversals, moves, late January deals, re-wins.
  const evolve = (deals: Deal[], month: number): Deal[] => {
    const out = deals.map((d): Deal => {
      const r = rand();
      const at = `2025-${pad(month)}-${pad(1 + Math.floor(rand() * 28))}T05:00:00Z`;
      if (r < 0.04)
        return { ...d, modifiedAt: at, amounts: { amount: amount(d.currency), arr: amount(d.currency) } };
      if (r < 0.07 && d.status === 'won')
        return {
          ...d,
          modifiedAt: at,
          statusChangedAt: at,
          status: pick(['lost', 'cancelled', 'open'] as const),
        };
      if (r < 0.08) return { ...d, modifiedAt: at, status: 'won' };
      if (r < 0.09) return { ...d, modifiedAt: at, dates: { closeDate: `2025-${pad(month)}-03`, wonAt: at } };
      if (r < 0.1) return { ...d, modifiedAt: at, owners: [{ repId: pick(sellers), percent: '100' }] };
      // A change made after the close's month ended: waits for the next close.
      if (r < 0.11)
        return {
          ...d,
          modifiedAt: `2025-${pad(month + 1)}-02T05:00:00Z`,
          amounts: { amount: '1.00', arr: '1' },
        };
      return d;
    });
    for (let i = 0; i < 40; i++)
      out.push({
        ...(jan[i] as Deal),
        id: `L${month}-${i}`,
        status: 'won',
        modifiedAt: `2025-${pad(month)}-0${1 + (i % 9)}T01:00:00Z`,
        dates: { closeDate: `2025-01-${pad(1 + (i % 28))}`, wonAt: `2025-01-${pad(1 + (i % 28))}T10:00:00Z` },
      });
    return out;
  };
  const feb = evolve(jan, 2);
  const mar = evolve(feb, 3);
  return { book, jan, feb, mar };
};
