/**
 * The validated plan book: plans, assignments, teams and FX rates indexed for the runs. It answers "which plan
 * governs rep R on which days of period P" as segments: a mid-period plan change (or a new plan version) splits
 * the period, and each segment's quota and fixed amounts are prorated by its share of the period's days.
 */
import { formatIssuePath } from '../config/tenant';
import { IncentiveInputError } from './errors';
import { Dec, roundMoney } from './money';
import { daysBetween, type Period, type PeriodKind, parsePeriodKey, periodKeyOf } from './periods';
import { type Assignment, type IncentiveConfig, incentiveConfigSchema, type Locale, type Plan } from './plan';

export interface Segment {
  plan: Plan;
  assignment: Assignment;
  /** Local dates, inclusive, within the period. */
  from: string;
  to: string;
  days: number;
  /** days / period days: the proration factor for quota, caps and fixed amounts. */
  share: Dec;
  /** Prorated quota in plan currency, rounded like money. */
  quota: Dec;
}

export interface Team {
  id: string;
  managerId: string;
  members: string[];
}

export class PlanBook {
  private readonly versions = new Map<string, Plan[]>();
  private readonly assignments = new Map<string, Assignment[]>();
  private readonly fx = new Map<string, Dec>();
  private readonly locales = new Map<string, Locale>();
  readonly teams = new Map<string, Team>();

  private constructor(readonly config: IncentiveConfig) {
    for (const plan of config.plans)
      this.versions.set(plan.id, [...(this.versions.get(plan.id) ?? []), plan]);
    for (const list of this.versions.values())
      list.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (const a of config.assignments)
      this.assignments.set(a.repId, [...(this.assignments.get(a.repId) ?? []), a]);
    for (const list of this.assignments.values()) list.sort((a, b) => a.from.localeCompare(b.from));
    for (const r of config.fxRates) this.fx.set(`${r.period}|${r.from}|${r.to}`, new Dec(r.rate));
    for (const r of config.reps) this.locales.set(r.id, r.locale);
    for (const t of config.teams) this.teams.set(t.id, t);
  }

  /** Validate config; refuses with every problem's path and reason, building nothing. */
  static parse(value: unknown, source = 'incentive config'): PlanBook {
    const result = incentiveConfigSchema.safeParse(value);
    if (!result.success) {
      throw new IncentiveInputError(
        source,
        result.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })),
      );
    }
    return new PlanBook(result.data);
  }

  /** A config that is `parse`'s own output, checked when the stack was synthesized and shipped unchanged. */
  static validated(config: IncentiveConfig): PlanBook {
    return new PlanBook(config);
  }

  repIds(): string[] {
    return [...this.assignments.keys()].sort();
  }

  /** The rep's display name and address from config (the id stands in for a missing name). */
  person(repId: string): { name: string; email?: string; locale: Locale } {
    const r = this.config.reps.find((x) => x.id === repId);
    return { name: r?.name ?? repId, locale: r?.locale ?? 'en', ...(r?.email ? { email: r.email } : {}) };
  }

  locale(repId: string): Locale {
    return this.locales.get(repId) ?? 'en';
  }

  /** The plan kind/currency/zone a rep is paid in (validated to be the same across the rep's plans). */
  basis(repId: string): Plan | undefined {
    const first = this.assignments.get(repId)?.[0];
    return first ? this.versions.get(first.planId)?.[0] : undefined;
  }

  periodKind(repId: string): PeriodKind | undefined {
    return this.basis(repId)?.period;
  }

  /** Segments of the rep's period, in date order; empty when the rep has no plan in force then. */
  segments(repId: string, period: Period): Segment[] {
    const out: Segment[] = [];
    for (const a of this.assignments.get(repId) ?? []) {
      // Dates are ISO yyyy-mm-dd strings: compared as strings, which Math.max/min cannot do.
      // biome-ignore lint/complexity/useMathMinMax: ISO date strings, not numbers
      const from = a.from > period.start ? a.from : period.start;
      const to = a.to !== undefined && a.to < period.end ? a.to : period.end;
      if (from > to) continue;
      for (const plan of this.versions.get(a.planId) ?? []) {
        // biome-ignore lint/complexity/useMathMinMax: ISO date strings, not numbers
        const sFrom = plan.effectiveFrom > from ? plan.effectiveFrom : from;
        const sTo = plan.effectiveTo !== undefined && plan.effectiveTo < to ? plan.effectiveTo : to;
        if (sFrom > sTo) continue;
        const days = daysBetween(sFrom, sTo);
        const { share, quota } = this.proration(a.quota ?? plan.quota, plan.currency, days, period.days);
        out.push({ plan, assignment: a, from: sFrom, to: sTo, days, share, quota });
      }
    }
    return out.sort((x, y) => x.from.localeCompare(y.from));
  }

  private readonly prorations = new Map<string, { share: Dec; quota: Dec }>();
  /**
   * A segment's share of the period and its prorated quota. Every rep on a plan for a whole period has the same
   * ones: computed once per distinct (quota, currency, days, period days) rather than two decimal.js divisions and
   * a rounding per rep per call; the same Dec instances come back, so what is derived from them can be cached too.
   */
  private proration(quota: string, currency: string, days: number, periodDays: number) {
    const key = `${quota}|${currency}|${days}|${periodDays}`;
    let p = this.prorations.get(key);
    if (!p) {
      const share = new Dec(days).dividedBy(periodDays);
      p = { share, quota: roundMoney(new Dec(quota).times(share), currency) };
      this.prorations.set(key, p);
    }
    return p;
  }

  /** Rate converting 1 `from` into `to` for a credit date: the month's rate, else the quarter's. */
  fxRate(from: string, to: string, date: string): Dec | undefined {
    if (from === to) return new Dec(1);
    return (
      this.fx.get(`${periodKeyOf(date, 'month')}|${from}|${to}`) ??
      this.fx.get(`${periodKeyOf(date, 'quarter')}|${from}|${to}`)
    );
  }

  /** Teams the rep belongs to or manages, for restating team components when a member's deal changes. */
  teamsOf(repId: string): Team[] {
    return [...this.teams.values()].filter((t) => t.managerId === repId || t.members.includes(repId));
  }

  period(key: string): Period {
    return parsePeriodKey(key);
  }
}
