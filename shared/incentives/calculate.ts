/**
 * Components → lines for one rep and period. A period is calculated segment by segment (one per plan version in
 * force); within a segment credits are fed in (date, deal) order to the component accumulators. Team components
 * (manager overrides, team bonuses) need the other reps' credits and are computed from the whole credit map.
 * Totals are always the sum of the lines returned.
 */
import type { PlanBook, Segment } from './book';
import { attainmentOf, type ComponentAcc, createAccumulator, isTiered, tierIndex } from './components';
import type { Credit } from './credit';
import type { Line } from './lines';
import { allocate, Dec, moneyString, plain, roundMoney, sum, ZERO } from './money';
import type { Period } from './periods';
import type { Component } from './plan';

export interface TierPosition {
  componentId: string;
  mode: 'marginal' | 'whole';
  /** 1-based tier the attainment is in, its rate and bounds. */
  tier: number;
  rate: string;
  from: string;
  to?: string | undefined;
  /** Credited amount still needed to reach the next tier; absent on the top tier. */
  nextTierNeeds?: string | undefined;
  nextTierRate?: string | undefined;
}

export interface SegmentSummary {
  planId: string;
  planVersion: number;
  from: string;
  to: string;
  days: number;
  quota: string;
  credited: string;
  attainment: string;
  tiers: TierPosition[];
}

/** Running calculation of one segment; the accrual keeps it alive between deals. */
export class SegmentCalc {
  credited = ZERO;
  readonly accs: ComponentAcc[] = [];
  readonly teamComponents: Component[] = [];
  last: Credit | undefined;
  readonly prefix: string;
  constructor(readonly segment: Segment) {
    const { plan, quota, share } = segment;
    this.prefix = `${plan.id}@${plan.version}`;
    for (const c of plan.components) {
      const acc = createAccumulator(c, { prefix: this.prefix, currency: plan.currency, quota, share });
      if (acc) this.accs.push(acc);
      else this.teamComponents.push(c);
    }
  }
  get currency() {
    return this.segment.plan.currency;
  }
  covers(date: string) {
    return date >= this.segment.from && date <= this.segment.to;
  }
  add(credit: Credit, sink: Line[] | undefined): void {
    const before = this.credited;
    const after = before.plus(credit.amount);
    for (const acc of this.accs) acc.add(credit, before, after, sink);
    this.credited = after;
    this.last = credit;
  }
  attainment(): Dec {
    return attainmentOf(this.credited, this.segment.quota);
  }
  private periodCap(): Dec | undefined {
    const cap = this.segment.plan.periodCap;
    return cap === undefined ? undefined : roundMoney(new Dec(cap).times(this.segment.share), this.currency);
  }
  /** O(components × tiers): the segment's payout so far without its team components. */
  total(): Dec {
    const att = this.attainment();
    const paid = sum(this.accs.map((a) => a.total(att)));
    const cap = this.periodCap();
    return cap && paid.gt(cap) ? cap : paid;
  }
  finish(sink: Line[], team: TeamCredits | undefined): void {
    const att = this.attainment();
    for (const acc of this.accs) acc.finish(att, sink);
    if (team) for (const c of this.teamComponents) if (c.type === 'override') this.override(c, team, sink);
    const cap = this.periodCap();
    // The sink holds only this segment's lines, so its sum is what the period cap limits.
    const all = sum(sink.map((l) => l.amount));
    if (cap && all.gt(cap)) {
      sink.push({
        key: `${this.prefix}:periodCap`,
        kind: 'cap',
        amount: cap.minus(all),
        trace: {
          code: 'capPeriod',
          cap: moneyString(cap, this.currency),
          uncapped: moneyString(all, this.currency),
        },
      });
    }
  }
  private override(c: Extract<Component, { type: 'override' }>, team: TeamCredits, sink: Line[]): void {
    const t = team.book.teams.get(c.teamId);
    if (!t) return;
    let paid = ZERO;
    for (const member of [...t.members].sort()) {
      const base = sum(
        (team.credits.get(member) ?? []).filter((x) => this.covers(x.date)).map((x) => x.amount),
      );
      if (base.isZero()) continue;
      const amount = roundMoney(base.times(c.rate), this.currency);
      paid = paid.plus(amount);
      sink.push({
        key: `${this.prefix}:${c.id}|${member}`,
        kind: 'override',
        componentId: c.id,
        amount,
        trace: { code: 'override', memberId: member, base: moneyString(base, this.currency), rate: c.rate },
      });
    }
    const cap =
      c.cap === undefined ? undefined : roundMoney(new Dec(c.cap).times(this.segment.share), this.currency);
    if (cap && paid.gt(cap)) {
      sink.push({
        key: `${this.prefix}:${c.id}|cap`,
        kind: 'cap',
        componentId: c.id,
        amount: cap.minus(paid),
        trace: {
          code: 'capComponent',
          cap: moneyString(cap, this.currency),
          uncapped: moneyString(paid, this.currency),
        },
      });
    }
  }
  summary(): SegmentSummary {
    const att = this.attainment();
    const s = this.segment;
    const tiers: TierPosition[] = [];
    for (const acc of this.accs) {
      if (!isTiered(acc)) continue;
      const i = tierIndex(acc.tiers, att);
      const t = acc.tiers[i];
      const next = acc.tiers[i + 1];
      if (!t) continue;
      tiers.push({
        componentId: acc.component.id,
        mode: acc.component.type === 'tiered' ? acc.component.mode : 'marginal',
        tier: i + 1,
        rate: t.raw.rate,
        from: t.raw.from,
        to: t.raw.to,
        nextTierNeeds: next
          ? moneyString(Dec.max(ZERO, next.lo.minus(this.credited)), this.currency)
          : undefined,
        nextTierRate: next?.raw.rate,
      });
    }
    return {
      planId: s.plan.id,
      planVersion: s.plan.version,
      from: s.from,
      to: s.to,
      days: s.days,
      quota: moneyString(s.quota, this.currency),
      credited: moneyString(this.credited, this.currency),
      attainment: plain(att.toDecimalPlaces(6)),
      tiers,
    };
  }
}

export interface TeamCredits {
  book: PlanBook;
  /** Credits of the period by rep, sorted. */
  credits: Map<string, Credit[]>;
}

export interface RepCalculation {
  repId: string;
  currency: string;
  segments: SegmentSummary[];
  lines: Line[];
}

/** Feed one rep's period credits (sorted) through its segments. Credits outside every segment earn nothing. */
export const calculateRep = (
  book: PlanBook,
  repId: string,
  period: Period,
  credits: readonly Credit[],
  team?: TeamCredits,
): RepCalculation | undefined => {
  const calcs = book.segments(repId, period).map((s) => new SegmentCalc(s));
  const first = calcs[0];
  if (!first) return undefined;
  const lines: Line[] = [];
  const buckets = calcs.map(() => [] as Line[]);
  for (const c of credits) {
    const i = calcs.findIndex((s) => s.covers(c.date));
    if (i >= 0) (calcs[i] as SegmentCalc).add(c, buckets[i]);
  }
  calcs.forEach((calc, i) => {
    const own = buckets[i] as Line[];
    calc.finish(own, team);
    lines.push(...own);
  });
  return { repId, currency: first.currency, segments: calcs.map((c) => c.summary()), lines };
};

/**
 * Team bonuses for one period: a team whose members' credited total reaches the goal releases the pool, split
 * equally or pro rata to credited amounts among the members whose plan carries the component. Shares are
 * allocated to the minor unit so that they add up to the pool exactly.
 */
export const calculateTeamBonuses = (
  book: PlanBook,
  period: Period,
  credits: Map<string, Credit[]>,
): Map<string, Line[]> => {
  const out = new Map<string, Line[]>();
  for (const team of [...book.teams.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const eligible: { repId: string; component: Extract<Component, { type: 'teamBonus' }> }[] = [];
    for (const repId of [...team.members].sort()) {
      const component = book
        .segments(repId, period)
        .flatMap((s) => s.plan.components)
        .find(
          (c): c is Extract<Component, { type: 'teamBonus' }> =>
            c.type === 'teamBonus' && c.teamId === team.id,
        );
      if (component) eligible.push({ repId, component });
    }
    const spec = eligible[0]?.component;
    if (!spec) continue;
    const currency = book.basis(eligible[0]?.repId ?? '')?.currency ?? 'CNY';
    const creditedOf = (rep: string) => sum((credits.get(rep) ?? []).map((c) => c.amount));
    const teamCredited = sum(team.members.map(creditedOf));
    if (teamCredited.lt(spec.goal)) continue;
    const weights = eligible.map((e) => (spec.split === 'equal' ? new Dec(1) : creditedOf(e.repId)));
    const shares = allocate(new Dec(spec.pool), weights, currency);
    eligible.forEach((e, i) => {
      const line: Line = {
        key: `team:${team.id}:${spec.id}`,
        kind: 'teamBonus',
        componentId: spec.id,
        amount: shares[i] as Dec,
        trace: {
          code: 'teamBonus',
          pool: moneyString(new Dec(spec.pool), currency),
          split: spec.split,
          teamCredited: moneyString(teamCredited, currency),
          goal: spec.goal,
          memberCredited: moneyString(creditedOf(e.repId), currency),
        },
      };
      out.set(e.repId, [...(out.get(e.repId) ?? []), line]);
    });
  }
  return out;
};
