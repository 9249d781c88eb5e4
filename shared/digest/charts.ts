/**
 * The figures behind the digest's two charts, from the team's deals already read through the owner index:
 *   - pipeline by stage: the open deals' count and amount per stage, largest amount first;
 *   - won amount per ISO week, for the 12 weeks up to the digest's as-of day (by close date).
 * Amounts are in the tenant's currency: a deal in another currency is converted at the incentive plans' rate for
 * its close date; one without a rate is counted but left out of the amount (`unconverted` says how many).
 */
import type { CanonicalRecord } from '../../events';
import { Dec, moneyString } from '../incentives/money';
import { addDays } from '../incentives/periods';
import { digestPeriodOn } from './period';

export type FxRate = (from: string, to: string, date: string) => Dec | undefined;

export interface DigestCharts {
  currency: string;
  pipeline: { stage: string; deals: number; amount: string }[];
  wonByWeek: { week: string; start: string; deals: number; amount: string }[];
  /** Deals in another currency with no rate for their close date: counted, not summed. */
  unconverted: number;
}

export const TREND_WEEKS = 12;

export const chartsOf = (input: {
  deals: readonly CanonicalRecord[];
  open: readonly CanonicalRecord[];
  currency: string;
  today: string;
  fxRate?: FxRate | undefined;
}): DigestCharts => {
  const { currency, today } = input;
  let unconverted = 0;
  const amountOf = (d: CanonicalRecord): Dec | undefined => {
    if (d.amount === undefined) return undefined;
    const from = d.currency ?? currency;
    if (from === currency) return new Dec(d.amount);
    const rate = input.fxRate?.(from, currency, d.closeDate ?? today);
    if (!rate) {
      unconverted++;
      return undefined;
    }
    return new Dec(d.amount).times(rate);
  };
  const stages = new Map<string, { deals: number; amount: Dec }>();
  for (const d of input.open) {
    const stage = d.stage ?? '—';
    const s = stages.get(stage) ?? { deals: 0, amount: new Dec(0) };
    s.deals++;
    s.amount = s.amount.plus(amountOf(d) ?? 0);
    stages.set(stage, s);
  }
  const weeks: { week: string; start: string; end: string; deals: number; amount: Dec }[] = [];
  let p = digestPeriodOn('week', today);
  for (let i = 0; i < TREND_WEEKS; i++) {
    weeks.unshift({ week: p.key, start: p.start, end: p.end, deals: 0, amount: new Dec(0) });
    p = digestPeriodOn('week', addDays(p.start, -1));
  }
  const first = weeks[0]?.start ?? today;
  for (const d of input.deals) {
    if (d.status !== 'won' || !d.closeDate || d.closeDate < first || d.closeDate > today) continue;
    const w = weeks.find((x) => d.closeDate !== undefined && d.closeDate >= x.start && d.closeDate <= x.end);
    if (!w) continue;
    w.deals++;
    w.amount = w.amount.plus(amountOf(d) ?? 0);
  }
  return {
    currency,
    pipeline: [...stages]
      .map(([stage, s]) => ({ stage, deals: s.deals, amount: moneyString(s.amount, currency) }))
      .sort((a, b) => new Dec(b.amount).comparedTo(a.amount) || a.stage.localeCompare(b.stage)),
    wonByWeek: weeks.map((w) => ({
      week: w.week,
      start: w.start,
      deals: w.deals,
      amount: moneyString(w.amount, currency),
    })),
    unconverted,
  };
};
