/**
 * Incremental goal progress, the pure part: what one record contributes to each (goal, period, owner) total, and
 * the change to those totals when a record moves from one state to the next. No I/O: the store
 * (store/goal-progress.ts) keeps each record's current contributions beside the totals and applies `totalDeltas`
 * in one transaction, so a re-delivered change (same version) or an older one arriving late changes nothing.
 *
 * A contribution says exactly what GoalProgress (progress.ts) would count for the record when it reads the owner's
 * records through the owner index: the same metric (`measure`), the same period in the same zone (a rep's own, a
 * team's manager's, the tenant's), the same team membership windows, the pipeline a won-amount goal's coverage
 * weighs and the milestones the record counts towards. The nightly recompute (goals/recompute.ts) checks that.
 *
 * Only metrics that are sums of per-record values are kept this way (SUMMABLE); any other metric (a median, say)
 * is always read through the owner index.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { Dec, ZERO } from '../incentives/money';
import { localDate } from '../incentives/periods';
import type { Org } from '../org/model';
import type { BusinessCalendar } from '../workflows/calendar';
import type { Goal } from './definition';
import { type MetricContext, measure, metricObject, weightedPipeline } from './metrics';
import { type GoalPeriod, goalPeriodOn } from './periods';
import { goalDateOf } from './record-dates';
import type { CompiledGoals } from './validate';

/** Metrics whose value over a set of records is the sum of each record's value. */
export const SUMMABLE: ReadonlySet<string> = new Set([
  'won_amount',
  'won_deals',
  'new_accounts_won',
  'activities',
  'leads_converted',
]);

export const isIncremental = (goal: Goal): boolean => SUMMABLE.has(goal.metric.type);

/** One record's share of one (goal, period, owner) total. Decimal strings, exact. */
export interface Contribution {
  goal: string;
  period: string;
  owner: string;
  value: string;
  /** Won-amount goals: the record's stage-weighted open pipeline (coverage). */
  pipeline?: string;
  /** The milestone dates (`by`) the record counts towards: its local date is on or before them. */
  milestones?: string[];
  /** Set when the metric could not read the record (then value is 0): the reason. */
  skipped?: string;
}

/** The record as stored (store/records.ts StoredRecord, minus the version). */
export interface RecordState {
  object: CrmObject;
  record: CanonicalRecord;
  deleted: boolean;
}

export interface ContributionModel {
  goals: CompiledGoals;
  org: Org;
  tenant: { id: string; currency: string; timeZone: string };
  fxRate: MetricContext['fxRate'];
  /** The business day by which a fraction of the period has passed (progress.ts `fractionDate`). */
  fractionDate: (cal: BusinessCalendar, period: GoalPeriod, fraction: Dec) => string;
}

const within = (span: { from?: string; to?: string }, date: string) =>
  (span.from === undefined || span.from <= date) && (span.to === undefined || date <= span.to);

interface Target {
  owner: string;
  timeZone: string;
  calendar: BusinessCalendar;
  /** How many times the record counts for this owner (a person listed twice in a team's overlapping windows). */
  times: number;
  /** Membership windows the record's local date must fall in (team goals). */
  windows?: { from?: string; to?: string }[];
}

/** Whose totals a record of `ownerId` feeds for this goal: the rep, their teams, the tenant. */
const targetsOf = (goal: Goal, ownerId: string, m: ContributionModel): Target[] => {
  const { org, goals, tenant } = m;
  const calendarOf = (personId?: string) => {
    const p = personId ? org.person(personId) : undefined;
    return {
      timeZone: p?.timeZone ?? tenant.timeZone,
      calendar: goals.calendar(p?.calendar ?? goals.doc.org.calendar),
    };
  };
  if (goal.owner === 'rep') {
    if (goal.people && !goal.people.includes(ownerId)) return [];
    return [{ owner: ownerId, times: 1, ...calendarOf(ownerId) }];
  }
  if (goal.owner === 'tenant') {
    if (!org.person(ownerId)) return [];
    return [
      {
        owner: tenant.id,
        times: 1,
        timeZone: tenant.timeZone,
        calendar: goals.calendar(goals.doc.org.calendar),
      },
    ];
  }
  const teams = goal.teams ? goal.teams.flatMap((id) => org.team(id) ?? []) : org.allTeams();
  return teams.flatMap((team) => {
    const windows = team.members.filter((c) => c.id === ownerId);
    if (!windows.length) return [];
    return [{ owner: team.id, times: 1, windows, ...calendarOf(team.managerId) }];
  });
};

/** Fraction dates walk the period's days on the calendar: worked out once per calendar, period and fraction. */
const fractionDates = new WeakMap<BusinessCalendar, Map<string, string>>();
const fractionDateOf = (
  m: ContributionModel,
  cal: BusinessCalendar,
  period: GoalPeriod,
  fraction: string,
) => {
  const known = fractionDates.get(cal) ?? new Map<string, string>();
  fractionDates.set(cal, known);
  const key = `${period.key}|${fraction}`;
  const date = known.get(key) ?? m.fractionDate(cal, period, new Dec(fraction));
  known.set(key, date);
  return date;
};

/** The record's local date in a zone, as GoalProgress bounds its owner-index reads. */
const localGoalDate = (object: CrmObject, record: CanonicalRecord, timeZone: string): string | undefined => {
  const d = goalDateOf(object, record);
  if (object === 'deal') return d.slice(0, 10);
  const ms = Date.parse(d);
  return Number.isNaN(ms) ? undefined : localDate(new Date(ms).toISOString(), timeZone);
};

/** What the record contributes now to every incremental goal; [] for a deleted or ownerless record. */
export const contributionsOf = (state: RecordState, m: ContributionModel): Contribution[] => {
  const { record, object } = state;
  if (state.deleted || !record.owner) return [];
  const ownerId = record.owner.id;
  const out: Contribution[] = [];
  for (const goal of m.goals.doc.goals) {
    if (!isIncremental(goal) || metricObject(goal) !== object) continue;
    const ctx = { currency: m.tenant.currency, fxRate: m.fxRate, filter: m.goals.filter(goal.id) };
    const measured = measure(goal, [record], ctx);
    const pipeline =
      goal.metric.type === 'won_amount'
        ? weightedPipeline([record], ctx).value
        : (undefined as Dec | undefined);
    const skipped = measured.skipped[0]?.reason;
    if (measured.value.isZero() && !pipeline?.gt(0) && skipped === undefined) continue;
    for (const t of targetsOf(goal, ownerId, m)) {
      const date = localGoalDate(object, record, t.timeZone);
      if (date === undefined) continue;
      const times = t.windows ? t.windows.filter((w) => within(w, date)).length : t.times;
      if (!times) continue;
      const period = goalPeriodOn(goal.period, date);
      if (date < period.start || date > period.end) continue;
      const value = measured.value.times(times);
      const milestones = value.isZero()
        ? []
        : goal.milestones
            .map((ms) =>
              typeof ms.by === 'string' ? ms.by : fractionDateOf(m, t.calendar, period, ms.by.fraction),
            )
            .filter((by) => date <= by);
      out.push({
        goal: goal.id,
        period: period.key,
        owner: t.owner,
        value: value.toFixed(),
        ...(pipeline?.gt(0) ? { pipeline: pipeline.times(times).toFixed() } : {}),
        ...(milestones.length ? { milestones: [...new Set(milestones)].sort() } : {}),
        ...(skipped !== undefined ? { skipped } : {}),
      });
    }
  }
  return out;
};

/** The change to one (goal, period, owner) total. */
export interface TotalDelta {
  goal: string;
  period: string;
  owner: string;
  actual: Dec;
  pipeline: Dec;
  /** Per milestone date, the change to the sum counted by then. */
  milestones: Record<string, Dec>;
  /** The change to the count of records the metric could not read. */
  skipped: number;
}

/** Which total: a goal, a period key and an owner (a rep, a team or the tenant). */
export interface TotalKey {
  goal: string;
  period: string;
  owner: string;
}

export const totalKey = (c: TotalKey) => `${c.goal}|${c.period}|${c.owner}`;

/**
 * Old contributions out, new ones in, per total; totals that do not change are left out, so a change that moves
 * no goal writes no total. `old` is what the store kept for the record's previous version ([] for a new record).
 */
export const totalDeltas = (old: readonly Contribution[], next: readonly Contribution[]): TotalDelta[] => {
  const deltas = new Map<string, TotalDelta>();
  const add = (c: Contribution, sign: 1 | -1) => {
    const key = totalKey(c);
    let d = deltas.get(key);
    if (!d) {
      d = {
        goal: c.goal,
        period: c.period,
        owner: c.owner,
        actual: ZERO,
        pipeline: ZERO,
        milestones: {},
        skipped: 0,
      };
      deltas.set(key, d);
    }
    const v = new Dec(c.value).times(sign);
    d.actual = d.actual.plus(v);
    if (c.pipeline !== undefined) d.pipeline = d.pipeline.plus(new Dec(c.pipeline).times(sign));
    for (const by of c.milestones ?? []) d.milestones[by] = (d.milestones[by] ?? ZERO).plus(v);
    if (c.skipped !== undefined) d.skipped += sign;
  };
  for (const c of old) add(c, -1);
  for (const c of next) add(c, 1);
  return [...deltas.values()]
    .map((d) => ({
      ...d,
      milestones: Object.fromEntries(Object.entries(d.milestones).filter(([, v]) => !v.isZero())),
    }))
    .filter(
      (d) =>
        !d.actual.isZero() || !d.pipeline.isZero() || d.skipped !== 0 || Object.keys(d.milestones).length,
    );
};

/** A stored total: the sums GoalProgress needs besides the target. */
export interface StoredTotal {
  actual: Dec;
  pipeline: Dec;
  milestones: Record<string, Dec>;
  skipped: number;
}

export const emptyTotal = (): StoredTotal => ({ actual: ZERO, pipeline: ZERO, milestones: {}, skipped: 0 });

/** Adds deltas to totals in memory (the in-memory store and the recompute's comparison use it). */
export const applyDelta = (t: StoredTotal, d: TotalDelta): StoredTotal => {
  const milestones = { ...t.milestones };
  for (const [by, v] of Object.entries(d.milestones)) milestones[by] = (milestones[by] ?? ZERO).plus(v);
  return {
    actual: t.actual.plus(d.actual),
    pipeline: t.pipeline.plus(d.pipeline),
    milestones,
    skipped: t.skipped + d.skipped,
  };
};

/** Equal totals: milestone sums of zero count as absent. */
export const sameTotal = (a: StoredTotal, b: StoredTotal): boolean => {
  if (!a.actual.eq(b.actual) || !a.pipeline.eq(b.pipeline) || a.skipped !== b.skipped) return false;
  const bys = new Set([...Object.keys(a.milestones), ...Object.keys(b.milestones)]);
  return [...bys].every((by) => (a.milestones[by] ?? ZERO).eq(b.milestones[by] ?? ZERO));
};
