/**
 * Components → lines for one rep and period. A period is calculated segment by segment (one per plan version in
 * force); within a segment credits are fed in (date, deal) order to the component accumulators. Team components
 * (manager overrides, team bonuses) need the other reps' credits and are computed from the whole credit map.
 * Totals are always the sum of the lines returned.
 */
import type { PlanBook, Segment } from './book';
import {
  attainmentOf,
  type ComponentAcc,
  createAccumulator,
  isTiered,
  type SegmentContext,
  tierIndex,
} from './components';
import { type Credit, type RawCredit, rawCredit } from './credit';
import { derived } from './derived';
import type { Line, RawLine } from './lines';
import { allocate, Dec, minorUnit, moneyString, plain, roundMoney } from './money';
import type { Period } from './periods';
import type { Component } from './plan';
import { type Micro, maxMicro, microDec, microMoney, mulRound, scaledOf, sumMicro, toMicro } from './units';

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
  credited: Micro = 0n;
  readonly accs: ComponentAcc[] = [];
  readonly teamComponents: Component[] = [];
  last: RawCredit | undefined;
  readonly prefix: string;
  /** What the segment's derived values depend on (derived.ts); also the accumulators' context. */
  private readonly ctx: SegmentContext;
  constructor(readonly segment: Segment) {
    const { plan, quota, share } = segment;
    this.prefix = `${plan.id}@${plan.version}`;
    this.ctx = { prefix: this.prefix, currency: plan.currency, quota, share };
    for (const c of plan.components) {
      const acc = createAccumulator(c, this.ctx);
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
  add(credit: RawCredit, sink: RawLine[] | undefined): void {
    const before = this.credited;
    const after = before + credit.amount;
    for (const acc of this.accs) acc.add(credit, before, after, sink);
    this.credited = after;
    this.last = credit;
  }
  private att: { credited: Micro; value: Dec } | undefined;
  attainment(): Dec {
    // finish and summary both ask, after the last credit: computed once per credited amount.
    if (this.att?.credited !== this.credited)
      this.att = {
        credited: this.credited,
        value: attainmentOf(microDec(this.credited), this.segment.quota),
      };
    return this.att.value;
  }
  private periodCap(): Micro | undefined {
    const cap = this.segment.plan.periodCap;
    return cap === undefined
      ? undefined
      : derived(this.segment.plan, this.ctx, 'periodCap', () =>
          toMicro(roundMoney(new Dec(cap).times(this.segment.share), this.currency)),
        );
  }
  /** O(components × tiers): the segment's payout so far without its team components. */
  total(): Micro {
    const att = this.attainment();
    const paid = sumMicro(this.accs.map((a) => a.total(att)));
    const cap = this.periodCap();
    return cap !== undefined && paid > cap ? cap : paid;
  }
  finish(sink: RawLine[], team: RawTeamCredits | undefined): void {
    const att = this.attainment();
    for (const acc of this.accs) acc.finish(att, sink);
    if (team) for (const c of this.teamComponents) if (c.type === 'override') this.override(c, team, sink);
    const cap = this.periodCap();
    // The sink holds only this segment's lines, so its sum is what the period cap limits.
    const all = sumMicro(sink.map((l) => l.amount));
    if (cap !== undefined && all > cap) {
      sink.push({
        key: `${this.prefix}:periodCap`,
        kind: 'cap',
        amount: cap - all,
        trace: {
          code: 'capPeriod',
          cap: microMoney(cap, this.currency),
          uncapped: microMoney(all, this.currency),
        },
      });
    }
  }
  private override(c: Extract<Component, { type: 'override' }>, team: RawTeamCredits, sink: RawLine[]): void {
    const t = team.book.teams.get(c.teamId);
    if (!t) return;
    let paid = 0n;
    const digits = minorUnit(this.currency);
    for (const member of [...t.members].sort()) {
      let base = 0n;
      for (const x of team.credits.get(member) ?? []) if (this.covers(x.date)) base += x.amount;
      if (base === 0n) continue;
      const amount = mulRound(base, scaledOf(c.rate), digits);
      paid += amount;
      sink.push({
        key: `${this.prefix}:${c.id}|${member}`,
        kind: 'override',
        componentId: c.id,
        amount,
        trace: { code: 'override', memberId: member, base: microMoney(base, this.currency), rate: c.rate },
      });
    }
    const capText = c.cap;
    const cap =
      capText === undefined
        ? undefined
        : derived(c, this.ctx, 'cap', () =>
            toMicro(roundMoney(new Dec(capText).times(this.segment.share), this.currency)),
          );
    if (cap !== undefined && paid > cap) {
      sink.push({
        key: `${this.prefix}:${c.id}|cap`,
        kind: 'cap',
        componentId: c.id,
        amount: cap - paid,
        trace: {
          code: 'capComponent',
          cap: microMoney(cap, this.currency),
          uncapped: microMoney(paid, this.currency),
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
        nextTierNeeds: next ? microMoney(maxMicro(0n, next.lo - this.credited), this.currency) : undefined,
        nextTierRate: next?.raw.rate,
      });
    }
    return {
      planId: s.plan.id,
      planVersion: s.plan.version,
      from: s.from,
      to: s.to,
      days: s.days,
      quota: derived(s.plan, this.ctx, 'quota', () => moneyString(s.quota, this.currency)),
      credited: microMoney(this.credited, this.currency),
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

/** TeamCredits in the engine's exact form. */
export interface RawTeamCredits {
  book: PlanBook;
  credits: Map<string, RawCredit[]>;
}

export interface RepCalculation {
  repId: string;
  currency: string;
  segments: SegmentSummary[];
  lines: Line[];
}

export type RawRepCalculation = Omit<RepCalculation, 'lines'> & { lines: RawLine[] };

/** A line with its decimal.js amount, same fields in the same order (for the public API). */
export const publicLine = (l: RawLine): Line => ({ ...l, amount: microDec(l.amount) });

const rawTeam = (team: TeamCredits): RawTeamCredits => ({
  book: team.book,
  credits: rawCredits(team.credits),
});
const rawCredits = (m: Map<string, Credit[]>) =>
  new Map([...m].map(([rep, list]) => [rep, list.map(rawCredit)]));

/** Feed one rep's period credits (sorted) through its segments. Credits outside every segment earn nothing. */
export const calculateRep = (
  book: PlanBook,
  repId: string,
  period: Period,
  credits: readonly Credit[],
  team?: TeamCredits,
): RepCalculation | undefined => {
  const calc = calculateRepRaw(book, repId, period, credits.map(rawCredit), team && rawTeam(team));
  return calc && { ...calc, lines: calc.lines.map(publicLine) };
};

export const calculateRepRaw = (
  book: PlanBook,
  repId: string,
  period: Period,
  credits: readonly RawCredit[],
  team?: RawTeamCredits,
): RawRepCalculation | undefined => {
  const calcs = book.segments(repId, period).map((s) => new SegmentCalc(s));
  const first = calcs[0];
  if (!first) return undefined;
  const lines: RawLine[] = [];
  const buckets = calcs.map(() => [] as RawLine[]);
  for (const c of credits) {
    const i = calcs.length === 1 ? (first.covers(c.date) ? 0 : -1) : calcs.findIndex((s) => s.covers(c.date));
    if (i >= 0) (calcs[i] as SegmentCalc).add(c, buckets[i]);
  }
  calcs.forEach((calc, i) => {
    const own = buckets[i] as RawLine[];
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
): Map<string, Line[]> =>
  new Map(
    [...calculateTeamBonusesRaw(book, period, rawCredits(credits))].map(([rep, ls]) => [
      rep,
      ls.map(publicLine),
    ]),
  );

export const calculateTeamBonusesRaw = (
  book: PlanBook,
  period: Period,
  credits: Map<string, RawCredit[]>,
): Map<string, RawLine[]> => {
  const out = new Map<string, RawLine[]>();
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
    const creditedOf = (rep: string) => sumMicro((credits.get(rep) ?? []).map((c) => c.amount));
    const teamCredited = sumMicro(team.members.map(creditedOf));
    if (teamCredited < toMicro(spec.goal)) continue;
    // Per team, not per deal: decimal.js keeps `allocate` the one implementation of the public split rule.
    const weights = eligible.map((e) =>
      spec.split === 'equal' ? new Dec(1) : microDec(creditedOf(e.repId)),
    );
    const shares = allocate(new Dec(spec.pool), weights, currency);
    eligible.forEach((e, i) => {
      const line: RawLine = {
        key: `team:${team.id}:${spec.id}`,
        kind: 'teamBonus',
        componentId: spec.id,
        amount: toMicro(shares[i] as Dec),
        trace: {
          code: 'teamBonus',
          pool: moneyString(new Dec(spec.pool), currency),
          split: spec.split,
          teamCredited: microMoney(teamCredited, currency),
          goal: spec.goal,
          memberCredited: microMoney(creditedOf(e.repId), currency),
        },
      };
      out.set(e.repId, [...(out.get(e.repId) ?? []), line]);
    });
  }
  return out;
};
