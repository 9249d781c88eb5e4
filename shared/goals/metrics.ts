/**
 * Metrics from canonical records, as exact decimals. Which records a metric reads (records.ts `goalDateOf`):
 *   won_amount        deals with status won, closing in the period: amount in the tenant currency, converted with
 *                     the tenant's FX rates for the close date (the incentive plans' `fxRates`, one home for them)
 *   won_deals         the same deals, counted
 *   new_accounts_won  the same deals whose `fields.newAccount` is true
 *   activities        activities whose `fields.occurredAt` (else modifiedAt) is in the period, of `fields.type`
 *                     call, meeting, email or task (all types unless the goal names some)
 *   leads_converted   leads with `fields.converted` true, dated by `fields.convertedAt` (else modifiedAt)
 * A record the metric cannot read (an amount in a currency without a rate) is not guessed at: it is skipped and
 * reported with its reason. Every metric also applies the goal's filter.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { Dec, ZERO } from '../incentives/money';
import type { Check } from '../workflows/fields';
import { type ActivityType, type Goal, METRICS } from './definition';

export interface MetricContext {
  currency: string;
  /** 1 `from` = rate `to` on the date; undefined when no rate is known. */
  fxRate: (from: string, to: string, date: string) => Dec | undefined;
  filter: Check;
}

export interface Measured {
  value: Dec;
  /** Ids of the records that counted. */
  counted: string[];
  skipped: { id: string; reason: string }[];
}

export const metricObject = (goal: Goal): CrmObject => METRICS[goal.metric.type].object;

const isTrue = (v: unknown) => v === true || v === 'true';

/** The record's amount in the tenant currency, or why it has none. */
const amountOf = (r: CanonicalRecord, ctx: MetricContext): Dec | string => {
  if (r.amount === undefined) return ZERO;
  const from = r.currency ?? ctx.currency;
  const date = r.closeDate ?? r.modifiedAt.slice(0, 10);
  const rate = ctx.fxRate(from, ctx.currency, date);
  if (!rate) return `no ${from}→${ctx.currency} rate for ${date.slice(0, 7)} in fxRates`;
  return new Dec(r.amount).times(rate);
};

const activityType = (r: CanonicalRecord): string | undefined => {
  const t = r.fields.type;
  return typeof t === 'string' ? t.toLowerCase() : undefined;
};

/** The goal's metric over records already selected by owner and period. */
export const measure = (goal: Goal, records: readonly CanonicalRecord[], ctx: MetricContext): Measured => {
  const object = metricObject(goal);
  const types = goal.metric.activityTypes as readonly ActivityType[] | undefined;
  let value = ZERO;
  const counted: string[] = [];
  const skipped: Measured['skipped'] = [];
  for (const r of records) {
    if (ctx.filter({ object, record: r, change: undefined }) !== undefined) continue;
    switch (goal.metric.type) {
      case 'won_amount': {
        if (r.status !== 'won') continue;
        const a = amountOf(r, ctx);
        if (typeof a === 'string') {
          skipped.push({ id: r.id, reason: a });
          continue;
        }
        value = value.plus(a);
        break;
      }
      case 'won_deals':
        if (r.status !== 'won') continue;
        value = value.plus(1);
        break;
      case 'new_accounts_won':
        if (r.status !== 'won' || !isTrue(r.fields.newAccount)) continue;
        value = value.plus(1);
        break;
      case 'activities': {
        const t = activityType(r);
        if (types && !(t && (types as readonly string[]).includes(t))) continue;
        value = value.plus(1);
        break;
      }
      case 'leads_converted':
        if (!isTrue(r.fields.converted)) continue;
        value = value.plus(1);
        break;
    }
    counted.push(r.id);
  }
  return { value, counted, skipped };
};

/**
 * Open deals closing in the period, each weighted by its win probability: `fields.probability` as a percentage
 * (Zoho's Probability, 0–100). Deals without one are left out (and named), never counted at 100%.
 */
export const weightedPipeline = (
  records: readonly CanonicalRecord[],
  ctx: MetricContext,
): { value: Dec; unweighted: string[] } => {
  let value = ZERO;
  const unweighted: string[] = [];
  for (const r of records) {
    if (r.status !== 'open' && r.status !== undefined) continue;
    if (ctx.filter({ object: 'deal', record: r, change: undefined }) !== undefined) continue;
    const p = r.fields.probability;
    const pct =
      typeof p === 'number' || (typeof p === 'string' && /^\d{1,3}(\.\d+)?$/.test(p))
        ? new Dec(p)
        : undefined;
    const a = amountOf(r, ctx);
    if (pct === undefined || typeof a === 'string') {
      unweighted.push(r.id);
      continue;
    }
    value = value.plus(a.times(pct).dividedBy(100));
  }
  return { value, unweighted };
};
