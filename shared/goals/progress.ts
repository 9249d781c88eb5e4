/**
 * Goal progress as of an instant: for each goal and owner, the period in the owner's zone, the actual from the
 * owner's records (read through the owner index, one Query per owner and object, never a table scan), the target,
 * pace on the owner's calendar, milestones, and for amount goals pipeline coverage. Figures are exact decimals,
 * shown as strings rounded once, with fixed places: money to the currency's minor unit, counts and ratios to two
 * places, attainment to four.
 *
 * Reads go through small ports (progress-sources.ts), so the nightly recompute (recompute.ts), the stored
 * incremental totals and the reminders reuse the same figures with other sources. Whom a goal is for: owners.ts;
 * the sums: sums.ts; the figures' shape: figures.ts.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { Dec, fixedString, moneyString, ZERO } from '../incentives/money';
import { addDays, localDate, startOfLocalDay } from '../incentives/periods';
import type { Org } from '../org/model';
import { type CheckinDeals, checkinDeals } from './checkin';
import { isIncremental, type StoredTotal, totalKey } from './contributions';
import { businessDatesOf, CURVE_LOOKBACK, type PastPeriod, usualShare } from './curve';
import { type Goal, METRICS } from './definition';
import type { GoalFigures, ProgressQuery } from './figures';
import { type Measured, type MetricContext, measure, metricDateOf, metricObject } from './metrics';
import { GoalOwners, type Owner } from './owners';
import { type BusinessDays, businessDays, coverage, pace } from './pace';
import { type GoalPeriod, goalPeriodOn, previousGoalPeriod } from './periods';
import { ownedIn, type ProgressSources, type ProgressTenant } from './progress-sources';
import { goalSums, milestoneDates } from './sums';
import type { CompiledGoals } from './validate';

export type { GoalFigures, ProgressQuery, ProgressSources, ProgressTenant };

/** The last millisecond of a period in the zone. */
export const endOf = (period: GoalPeriod, timeZone: string): Date =>
  new Date(startOfLocalDay(addDays(period.end, 1), timeZone).getTime() - 1);

const CONCURRENCY = 8;

const max = (a: string, b: string | undefined) => (b !== undefined && b > a ? b : a);
const min = (a: string, b: string | undefined) => (b !== undefined && b < a ? b : a);

export class GoalProgress {
  constructor(
    readonly goals: CompiledGoals,
    org: Org,
    private readonly tenant: ProgressTenant,
    private readonly src: ProgressSources,
  ) {
    this.owners = new GoalOwners(goals, org, tenant);
  }

  /** Reads of this run by (object, owner, bounds): a rep's deals read for their goal serve their team's too. */
  private reads = new Map<string, Promise<CanonicalRecord[]>>();

  /** Who each goal is for (the org model, narrowed by a query). */
  readonly owners: GoalOwners;

  /** Starts a new run: records read before are read again (they may have changed). */
  fresh(): void {
    this.reads = new Map();
  }

  /** The owners of a goal for a query, as of the tenant's day at `q.asOf`. */
  ownersOf(goal: Goal, q: ProgressQuery): Owner[] {
    return this.owners.of(goal, { ...q, today: localDate(q.asOf.toISOString(), this.tenant.timeZone) });
  }

  async figures(q: ProgressQuery): Promise<GoalFigures[]> {
    this.fresh();
    // The query's stored totals, read up front in one batch (undefined without a `stored` source).
    const stored = this.src.stored
      ? await this.src.stored(
          this.goals.doc.goals.filter(isIncremental).flatMap((goal) =>
            this.ownersOf(goal, q).map((o) => ({
              goal: goal.id,
              period: goalPeriodOn(goal.period, localDate(q.asOf.toISOString(), o.timeZone)).key,
              owner: o.id,
            })),
          ),
        )
      : undefined;
    const out: GoalFigures[] = [];
    for (const goal of this.goals.doc.goals) {
      const owners = this.ownersOf(goal, q);
      // A few owners at a time: each is a handful of Queries, and a thousand reps one after another is slow.
      for (let i = 0; i < owners.length; i += CONCURRENCY)
        out.push(
          ...(await Promise.all(
            owners.slice(i, i + CONCURRENCY).map((o) => this.figure(goal, o, q.asOf, stored)),
          )),
        );
    }
    return out;
  }

  /** The metric's context for an owner: tenant currency, rates, the goal's filter, the owner's local dates. */
  ctx(goal: Goal, owner: Owner): MetricContext {
    return {
      currency: this.tenant.currency,
      fxRate: this.src.fxRate,
      filter: this.goals.filter(goal.id),
      localDate: (instant) => localDate(instant, owner.timeZone),
    };
  }

  /** The sums from the stored total when it is equivalent (a summable metric, no record skipped), else read. */
  private async sumsFor(
    goal: Goal,
    owner: Owner,
    period: GoalPeriod,
    asOf: Date,
    totals: Map<string, StoredTotal> | undefined,
  ) {
    const stored = totals?.get(totalKey({ goal: goal.id, period: period.key, owner: owner.id }));
    if (totals && isIncremental(goal) && !stored?.skipped)
      return {
        value: stored?.actual ?? ZERO,
        skipped: [],
        pipeline: stored?.pipeline ?? ZERO,
        reachedBy: (by: string) => stored?.milestones[by] ?? ZERO,
      };
    const { records, ctx, measured } = await this.measured(goal, owner, period, asOf);
    return goalSums(goal, owner, records, ctx, measured);
  }

  private owned(
    object: CrmObject,
    ownerId: string,
    from: string,
    to: string,
    timeZone: string,
    by: 'goal' | 'created' = 'goal',
  ) {
    const key = `${by}|${object}|${ownerId}|${from}|${to}|${timeZone}`;
    let read = this.reads.get(key);
    if (!read) {
      read = ownedIn(this.src, by, object, ownerId, from, to, timeZone);
      this.reads.set(key, read);
    }
    return read;
  }

  /** The goal's records of the owner in the period (each contributor over their membership), reads shared. */
  async records(
    goal: Goal,
    owner: Owner,
    period: GoalPeriod,
    object: CrmObject = metricObject(goal),
    by: 'goal' | 'created' = METRICS[goal.metric.type].dated,
    upTo = period.end,
  ): Promise<CanonicalRecord[]> {
    const all: CanonicalRecord[] = [];
    for (const c of owner.contributors) {
      const from = max(period.start, c.from);
      const to = min(upTo, c.to);
      if (from > to) continue;
      all.push(...(await this.owned(object, c.id, from, to, owner.timeZone, by)));
    }
    return all;
  }

  /**
   * The goal's records of the owner in the period, the metric's context and the measure as of `asOf`. First
   * response time also reads the owner's activities from the period's start to `asOf` (the index, bounded).
   */
  async measured(
    goal: Goal,
    owner: Owner,
    period: GoalPeriod,
    asOf: Date,
  ): Promise<{ records: CanonicalRecord[]; ctx: MetricContext; measured: Measured }> {
    const ctx = this.ctx(goal, owner);
    const records = await this.records(goal, owner, period);
    if (goal.metric.type === 'first_response_time') {
      const today = localDate(asOf.toISOString(), owner.timeZone);
      const upTo = max(today, period.start);
      const activities = await this.records(goal, owner, period, 'activity', 'goal', upTo);
      ctx.responses = { activities, until: asOf };
    }
    return { records, ctx, measured: measure(goal, records, ctx) };
  }

  /** The goal's records of the owner dated in [from, to] (local dates), by the metric's date (explain's edges). */
  recordsBetween(goal: Goal, owner: Owner, from: string, to: string): Promise<CanonicalRecord[]> {
    return this.records(goal, owner, { key: `${from}..${to}`, start: from, end: to });
  }

  /** Whether the person logged an activity dated in [from, to] (local dates in the zone): one owner-index read. */
  async loggedActivity(personId: string, from: string, to: string, timeZone: string): Promise<boolean> {
    return (await ownedIn(this.src, 'goal', 'activity', personId, from, to, timeZone)).length > 0;
  }

  /** A rep's wins of the past week and open deals due by the end of this week, for the check-in. */
  weekDeals(personId: string, today: string): Promise<CheckinDeals> {
    return checkinDeals((lower, upper) => this.src.owned('deal', personId, lower, upper), today, {
      currency: this.tenant.currency,
      fxRate: this.src.fxRate,
    });
  }

  goal(id: string): Goal | undefined {
    return this.goals.goal(id);
  }

  /** An owner of a goal by id (a person, a team or the tenant), as progress sees it on `asOf`. */
  ownerOf(goal: Goal, id: string, asOf: Date): Owner | undefined {
    const q: ProgressQuery =
      goal.owner === 'rep' ? { asOf, person: id } : goal.owner === 'team' ? { asOf, team: id } : { asOf };
    return this.ownersOf(goal, q).find((o) => o.id === id);
  }

  /** The owner's usual share by now (`curve: "history"`) from their last periods; undefined: the straight line. */
  private async historyShare(
    goal: Goal,
    owner: Owner,
    period: GoalPeriod,
    days: BusinessDays,
  ): Promise<Dec | undefined> {
    if (goal.curve !== 'history' || days.ended) return undefined;
    const past: PastPeriod[] = [];
    let earlier: GoalPeriod | undefined = period;
    for (let i = 0; i < CURVE_LOOKBACK; i++) {
      earlier = previousGoalPeriod(goal.period, earlier);
      if (!earlier) break;
      const { records, ctx, measured } = await this.measured(
        goal,
        owner,
        earlier,
        endOf(earlier, owner.timeZone),
      );
      const dated = records.map((r) => ({ r, d: localDate(metricDateOf(goal, r), owner.timeZone) }));
      past.push({
        businessDates: businessDatesOf(owner.calendar, earlier),
        total: measured.value,
        upTo: (date) =>
          measure(
            goal,
            dated.filter((x) => x.d <= date).map((x) => x.r),
            ctx,
          ).value,
      });
    }
    return usualShare(past, days.elapsed, days.total);
  }

  /** Last period's actual of the goal for the owner, measured as of the end of that period. */
  private async baseline(goal: Goal, owner: Owner, period: GoalPeriod): Promise<Dec | undefined> {
    if (goal.baseline !== 'last_period') return undefined;
    const last = previousGoalPeriod(goal.period, period);
    if (!last) return undefined;
    return (await this.measured(goal, owner, last, endOf(last, owner.timeZone))).measured.value;
  }

  /** The target of a goal for an owner and period, with the members' sum where the goal names a members' goal. */
  async target(goal: Goal, owner: Owner, period: GoalPeriod): Promise<{ own?: Dec; members?: Dec }> {
    const t = goal.target;
    const members = async (): Promise<Dec | undefined> => {
      if (t.source === 'incentive_quota' || t.membersGoal === undefined) return undefined;
      const memberGoal = this.goals.goal(t.membersGoal);
      if (!memberGoal) return undefined;
      let total = ZERO;
      const ids = [...new Set(owner.contributors.map((c) => c.id))].filter((id) =>
        owner.contributors.some((c) => c.id === id && max(period.start, c.from) <= min(period.end, c.to)),
      );
      for (const id of ids) {
        const m = this.owners.person(id);
        const value = (await this.target(memberGoal, m, period)).own;
        if (value === undefined) return undefined;
        total = total.plus(value);
      }
      return total;
    };
    if (t.source === 'incentive_quota') {
      const own = this.src.quota?.(owner.id, period);
      return own ? { own } : {};
    }
    const summed = await members();
    if (t.source === 'members') return summed ? { own: summed, members: summed } : {};
    const stored = await this.src.target(goal.id, period.key, owner.id);
    return {
      ...(stored !== undefined ? { own: new Dec(stored) } : {}),
      ...(summed ? { members: summed } : {}),
    };
  }

  private async figure(
    goal: Goal,
    owner: Owner,
    asOf: Date,
    stored: Map<string, StoredTotal> | undefined,
  ): Promise<GoalFigures> {
    const today = localDate(asOf.toISOString(), owner.timeZone);
    const period = goalPeriodOn(goal.period, today);
    const spec = METRICS[goal.metric.type];
    const show = (v: Dec) => (spec.money ? moneyString(v, this.tenant.currency) : fixedString(v, 2));
    const measured = await this.sumsFor(goal, owner, period, asOf, stored);
    const baseline = await this.baseline(goal, owner, period);
    const { own, members } = await this.target(goal, owner, period);
    const days = businessDays(owner.calendar, owner.timeZone, period, asOf);
    const base = {
      goal: goal.id,
      owner: owner.kind,
      person: owner.kind === 'rep' ? owner.id : null,
      team: owner.kind === 'team' ? owner.id : null,
      name: owner.name,
      period: period.key,
      timeZone: owner.timeZone,
      metric: goal.metric.type,
      unit: spec.money
        ? this.tenant.currency
        : goal.metric.type === 'first_response_time'
          ? 'hours'
          : 'count',
      actual: show(measured.value),
      baseline: baseline === undefined ? null : show(baseline),
      businessDays: { total: days.total, elapsed: days.elapsed, remaining: days.remaining },
      mismatch:
        own !== undefined && members !== undefined && !own.eq(members)
          ? { own: show(own), members: show(members) }
          : null,
      skipped: measured.skipped,
    };
    if (own === undefined)
      return {
        ...base,
        target: null,
        expected: null,
        gap: null,
        attainment: null,
        neededPerDay: null,
        neededPerWeek: null,
        projected: null,
        coverage: null,
        status: 'no_target',
        curve: 'linear',
        milestones: [],
      };
    const thresholds = {
      behindGap: new Dec(this.goals.doc.pace.behindGap),
      minElapsedDays: this.goals.doc.pace.minElapsedDays,
    };
    const expectedShare = await this.historyShare(goal, owner, period, days);
    const p = pace({
      target: own,
      actual: measured.value,
      days,
      better: spec.direction,
      thresholds,
      ...(expectedShare ? { expectedShare } : {}),
    });
    const opt = (v: Dec | undefined) => (v === undefined ? null : show(v));
    const cov =
      goal.metric.type === 'won_amount' ? coverage(measured.pipeline, own, measured.value) : undefined;
    return {
      ...base,
      target: show(own),
      expected: show(p.expected),
      gap: show(p.gap),
      attainment: p.attainment ? fixedString(p.attainment, 4) : null,
      neededPerDay: opt(p.neededPerDay),
      neededPerWeek: opt(p.neededPerWeek),
      projected: opt(p.projected),
      coverage: cov ? fixedString(cov, 2) : null,
      status: p.status,
      curve: expectedShare ? 'history' : 'linear',
      milestones: goal.milestones.map((m, i) => {
        const by = milestoneDates(goal, owner, period)[i] as string;
        const reached = measured.reachedBy(by).gte(m.value);
        return {
          by,
          value: show(new Dec(m.value)),
          state: reached ? 'reached' : by < today ? 'missed' : 'upcoming',
        };
      }),
    };
  }
}
