/**
 * Metrics from canonical records, as exact decimals. Which records a metric reads (record-dates.ts):
 *   won_amount          deals with status won, closing in the period: amount in the tenant currency, converted with
 *                       the tenant's FX rates for the close date (the incentive plans' `fxRates`, one home for them)
 *   won_deals           the same deals, counted
 *   new_accounts_won    the same deals whose `fields.newAccount` is true
 *   new_pipeline_amount deals created in the period (`createdAt` in the owner's zone), whatever their status now:
 *                       amount in the tenant currency at the rate of the creation date
 *   new_pipeline_count  the same deals, counted
 *   activities          activities whose `fields.occurredAt` (else modifiedAt) is in the period, of `fields.type`
 *                       call, meeting, email or task (all types unless the goal names some)
 *   leads_converted     leads with `fields.converted` true, dated by `fields.convertedAt` (else modifiedAt)
 *   first_response_time leads created in the period: the median, in hours, from creation to the owner's first
 *                       activity on the lead (`fields.relatedObject` "lead", `fields.relatedId` its id); a lead not
 *                       touched yet counts with its wait so far (lower is better)
 * A record the metric cannot read (an amount in a currency without a rate) is not guessed at: it is skipped and
 * reported with its reason. Every metric also applies the goal's filter. `verdict` says, per record, what it adds
 * or why it is left out, so explain (goals/explain.ts) tells exactly what `measure` did.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { Dec, ZERO } from '../incentives/money';
import type { Check } from '../workflows/fields';
import { type ActivityType, type Goal, METRICS } from './definition';
import { createdAtOf, goalDateOf } from './record-dates';

export interface MetricContext {
  currency: string;
  /** 1 `from` = rate `to` on the date; undefined when no rate is known. */
  fxRate: (from: string, to: string, date: string) => Dec | undefined;
  filter: Check;
  /** first_response_time: the owner's activities, and the instant a lead's wait is counted to when untouched. */
  responses?: { activities: readonly CanonicalRecord[]; until: Date };
  /** Local date of an instant in the owner's zone (the creation date a new deal's FX rate is taken on). */
  localDate?: (instant: string) => string;
}

export interface Measured {
  value: Dec;
  /** Ids of the records that counted. */
  counted: string[];
  skipped: { id: string; reason: string }[];
}

/** What one record does for a metric: adds `value`, is left out (`excluded`) or cannot be read (`skipped`). */
export type Verdict = { value: Dec } | { excluded: string } | { skipped: string };

export const metricObject = (goal: Goal): CrmObject => METRICS[goal.metric.type].object;

/** The instant or local date a record counts on for this metric. */
export const metricDateOf = (goal: Goal, r: CanonicalRecord): string =>
  METRICS[goal.metric.type].dated === 'created' ? createdAtOf(r) : goalDateOf(metricObject(goal), r);

const isTrue = (v: unknown) => v === true || v === 'true';

/** The record's amount in the tenant currency on `date` (its close date by default), or why it has none. */
export const tenantAmount = (
  r: CanonicalRecord,
  ctx: Pick<MetricContext, 'currency' | 'fxRate'>,
  on?: string,
): Dec | string => {
  if (r.amount === undefined) return ZERO;
  const from = r.currency ?? ctx.currency;
  const date = on ?? r.closeDate ?? r.modifiedAt.slice(0, 10);
  const rate = ctx.fxRate(from, ctx.currency, date);
  if (!rate) return `no ${from}→${ctx.currency} rate for ${date.slice(0, 7)} in fxRates`;
  return new Dec(r.amount).times(rate);
};

const activityType = (r: CanonicalRecord): string | undefined => {
  const t = r.fields.type;
  return typeof t === 'string' ? t.toLowerCase() : undefined;
};

const HOUR_MS = 3_600_000;

/** Hours from a lead's creation to its owner's first activity on it (or to `until` when none yet). */
const responseHours = (lead: CanonicalRecord, ctx: MetricContext): { hours: Dec; touched: boolean } => {
  const created = Date.parse(createdAtOf(lead));
  let first: number | undefined;
  for (const a of ctx.responses?.activities ?? []) {
    if (a.fields.relatedId !== lead.id) continue;
    const object = a.fields.relatedObject;
    if (typeof object === 'string' && object.toLowerCase() !== 'lead') continue;
    const at = Date.parse(goalDateOf('activity', a));
    if (at >= created && (first === undefined || at < first)) first = at;
  }
  const end = first ?? Math.max(created, ctx.responses?.until.getTime() ?? created);
  return { hours: new Dec(end - created).dividedBy(HOUR_MS), touched: first !== undefined };
};

/** What one record (already selected by owner and period) adds to the goal's metric, or why it does not. */
export const verdict = (goal: Goal, r: CanonicalRecord, ctx: MetricContext): Verdict => {
  const object = metricObject(goal);
  const why = ctx.filter({ object, record: r, change: undefined });
  if (why !== undefined) return { excluded: `filter: ${why}` };
  const one = { value: new Dec(1) };
  switch (goal.metric.type) {
    case 'won_amount': {
      if (r.status !== 'won') return { excluded: `not won (${r.status ?? 'no status'})` };
      const a = tenantAmount(r, ctx);
      return typeof a === 'string' ? { skipped: a } : { value: a };
    }
    case 'won_deals':
      return r.status === 'won' ? one : { excluded: `not won (${r.status ?? 'no status'})` };
    case 'new_accounts_won':
      if (r.status !== 'won') return { excluded: `not won (${r.status ?? 'no status'})` };
      return isTrue(r.fields.newAccount) ? one : { excluded: 'fields.newAccount is not true' };
    case 'new_pipeline_amount': {
      const created = createdAtOf(r);
      const a = tenantAmount(r, ctx, ctx.localDate ? ctx.localDate(created) : created.slice(0, 10));
      return typeof a === 'string' ? { skipped: a } : { value: a };
    }
    case 'new_pipeline_count':
      return one;
    case 'activities': {
      const types = goal.metric.activityTypes as readonly ActivityType[] | undefined;
      const t = activityType(r);
      if (types && !(t && (types as readonly string[]).includes(t)))
        return { excluded: `type ${t ?? '(none)'} is not one of ${types.join(', ')}` };
      return one;
    }
    case 'leads_converted':
      return isTrue(r.fields.converted) ? one : { excluded: 'not converted' };
    case 'first_response_time':
      return { value: responseHours(r, ctx).hours };
  }
};

/** Whether a lead had its first touch (explain says "no touch yet" otherwise). */
export const touched = (lead: CanonicalRecord, ctx: MetricContext): boolean =>
  responseHours(lead, ctx).touched;

/** The median of exact decimals (the mean of the middle two for an even count); zero for none. */
export const median = (values: readonly Dec[]): Dec => {
  if (!values.length) return ZERO;
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as Dec;
  return sorted.length % 2 ? upper : (sorted[mid - 1] as Dec).plus(upper).dividedBy(2);
};

/** The goal's metric over records already selected by owner and period. */
export const measure = (goal: Goal, records: readonly CanonicalRecord[], ctx: MetricContext): Measured => {
  const values: Dec[] = [];
  const counted: string[] = [];
  const skipped: Measured['skipped'] = [];
  for (const r of records) {
    const v = verdict(goal, r, ctx);
    if ('skipped' in v) skipped.push({ id: r.id, reason: v.skipped });
    if (!('value' in v)) continue;
    values.push(v.value);
    counted.push(r.id);
  }
  const value =
    METRICS[goal.metric.type].direction === 'lower'
      ? median(values)
      : values.reduce((sum, v) => sum.plus(v), ZERO);
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
    const a = tenantAmount(r, ctx);
    if (pct === undefined || typeof a === 'string') {
      unweighted.push(r.id);
      continue;
    }
    value = value.plus(a.times(pct).dividedBy(100));
  }
  return { value, unweighted };
};
