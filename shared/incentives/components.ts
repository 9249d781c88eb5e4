/**
 * One accumulator per plan component. `add` takes the rep's next credit (in (date, deal) order) and emits the
 * per-deal lines it can already know; `total` is the component's current payout in O(tiers), which is what makes
 * the daily accrual incremental; `finish` emits the lines that depend on the period's final attainment (whole-tier
 * re-pricing, gate, component cap). By construction total() equals the sum of every line add+finish emit.
 */
import type { Credit } from './credit';
import type { Line } from './lines';
import { Dec, minorUnit, moneyString, plain, roundMoney, ZERO } from './money';
import type { Component, Tier } from './plan';

export interface SegmentContext {
  /** "<plan>@<version>" */
  prefix: string;
  currency: string;
  quota: Dec;
  /** Segment share of the period, prorating caps and fixed amounts. */
  share: Dec;
}

export interface ComponentAcc {
  readonly component: Component;
  add(credit: Credit, before: Dec, after: Dec, sink: Line[] | undefined): void;
  total(attainment: Dec): Dec;
  finish(attainment: Dec, sink: Line[]): void;
}

const attainmentOf = (credited: Dec, quota: Dec): Dec =>
  quota.isZero() ? (credited.gt(0) ? new Dec(1e9) : ZERO) : credited.dividedBy(quota);

export { attainmentOf };

/** Index of the tier containing the attainment: the highest tier whose `from` it has reached. */
export const tierIndex = (tiers: readonly { from: Dec }[], attainment: Dec): number => {
  let idx = 0;
  for (let i = 0; i < tiers.length; i++) if (attainment.gte((tiers[i] as { from: Dec }).from)) idx = i;
  return idx;
};

interface PreparedTier {
  from: Dec;
  to: Dec | undefined;
  rate: Dec;
  raw: Tier;
  /** Tier bounds in money for this segment's quota, rounded like money so slices add up exactly. */
  lo: Dec;
  hi: Dec | undefined;
}

/** Shared tail of paying components: gate first (nothing below X%), then the component cap. */
abstract class Paying implements ComponentAcc {
  protected paid = ZERO;
  protected readonly cap: Dec | undefined;
  protected readonly capPerDeal: Dec | undefined;
  protected readonly gate: Dec | undefined;
  constructor(
    readonly component: Component,
    protected readonly ctx: SegmentContext,
  ) {
    const c = component as { cap?: string; capPerDeal?: string; gate?: string };
    this.cap = c.cap === undefined ? undefined : roundMoney(new Dec(c.cap).times(ctx.share), ctx.currency);
    this.capPerDeal = c.capPerDeal === undefined ? undefined : new Dec(c.capPerDeal);
    this.gate = c.gate === undefined ? undefined : new Dec(c.gate);
  }
  abstract add(credit: Credit, before: Dec, after: Dec, sink: Line[] | undefined): void;
  protected paidAt(_attainment: Dec): Dec {
    return this.paid;
  }
  protected key(rest: string) {
    return `${this.ctx.prefix}:${this.component.id}|${rest}`;
  }
  protected kind(): Line['kind'] {
    return this.component.type === 'spiff'
      ? 'spiff'
      : this.component.type === 'milestone'
        ? 'milestone'
        : 'commission';
  }
  /** Per-deal cap: the excess becomes its own line so the trace shows both the earned and the capped amount. */
  protected capDeal(credit: Credit, earned: Dec, sink: Line[] | undefined): Dec {
    if (!this.capPerDeal || earned.lte(this.capPerDeal)) return earned;
    sink?.push({
      key: this.key(`${credit.dealId}|cap`),
      kind: 'cap',
      componentId: this.component.id,
      dealId: credit.dealId,
      amount: this.capPerDeal.minus(earned),
      trace: {
        code: 'capDeal',
        cap: moneyString(this.capPerDeal, this.ctx.currency),
        uncapped: moneyString(earned, this.ctx.currency),
      },
    });
    return this.capPerDeal;
  }
  private gated(attainment: Dec): boolean {
    return this.gate !== undefined && attainment.lt(this.gate);
  }
  total(attainment: Dec): Dec {
    const paid = this.gated(attainment) ? ZERO : this.paidAt(attainment);
    return this.cap && paid.gt(this.cap) ? this.cap : paid;
  }
  finish(attainment: Dec, sink: Line[]): void {
    let paid = this.paidAt(attainment);
    const id = this.component.id;
    if (this.gated(attainment) && this.gate) {
      sink.push({
        key: this.key('gate'),
        kind: 'gate',
        componentId: id,
        amount: paid.negated(),
        trace: { code: 'gate', gate: plain(this.gate), attainment: plain(attainment.toDecimalPlaces(6)) },
      });
      paid = ZERO;
    }
    if (this.cap && paid.gt(this.cap)) {
      sink.push({
        key: this.key('cap'),
        kind: 'cap',
        componentId: id,
        amount: this.cap.minus(paid),
        trace: {
          code: 'capComponent',
          cap: moneyString(this.cap, this.ctx.currency),
          uncapped: moneyString(paid, this.ctx.currency),
        },
      });
    }
  }
}

class FlatAcc extends Paying {
  private readonly rate: Dec;
  constructor(component: Extract<Component, { type: 'flat' }>, ctx: SegmentContext) {
    super(component, ctx);
    this.rate = new Dec(component.rate);
  }
  add(credit: Credit, _b: Dec, _a: Dec, sink: Line[] | undefined): void {
    if (!credit.payable) return;
    const amount = roundMoney(credit.amount.times(this.rate), this.ctx.currency);
    sink?.push({
      key: this.key(credit.dealId),
      kind: 'commission',
      componentId: this.component.id,
      dealId: credit.dealId,
      amount,
      trace: { code: 'rate', base: moneyString(credit.amount, this.ctx.currency), rate: plain(this.rate) },
    });
    this.paid = this.paid.plus(this.capDeal(credit, amount, sink));
  }
}

class TieredAcc extends Paying {
  readonly tiers: PreparedTier[];
  private readonly whole: boolean;
  /** Whole-tier mode: Σ over credits of the (per-deal capped) line at each tier's rate, so any tier's total is O(1). */
  private readonly byTier: Dec[];
  private readonly credits: Credit[] = [];
  constructor(component: Extract<Component, { type: 'tiered' }>, ctx: SegmentContext) {
    super(component, ctx);
    this.whole = component.mode === 'whole';
    this.tiers = component.tiers.map((t) => ({
      from: new Dec(t.from),
      to: t.to === undefined ? undefined : new Dec(t.to),
      rate: new Dec(t.rate),
      raw: t,
      lo: roundMoney(ctx.quota.times(t.from), ctx.currency),
      hi: t.to === undefined ? undefined : roundMoney(ctx.quota.times(t.to), ctx.currency),
    }));
    this.byTier = this.tiers.map(() => ZERO);
  }
  private trace(t: PreparedTier, i: number, base: Dec) {
    return {
      code: 'rate' as const,
      base: moneyString(base, this.ctx.currency),
      rate: plain(t.rate),
      tier: i + 1,
      tierFrom: t.raw.from,
      ...(t.raw.to === undefined ? {} : { tierTo: t.raw.to }),
      mode: this.whole ? ('whole' as const) : ('marginal' as const),
    };
  }
  add(credit: Credit, before: Dec, after: Dec, sink: Line[] | undefined): void {
    if (this.whole) {
      if (!credit.payable) return;
      this.credits.push(credit);
      for (let i = 0; i < this.tiers.length; i++) {
        const earned = roundMoney(
          credit.amount.times((this.tiers[i] as PreparedTier).rate),
          this.ctx.currency,
        );
        this.byTier[i] = (this.byTier[i] as Dec).plus(
          this.capPerDeal && earned.gt(this.capPerDeal) ? this.capPerDeal : earned,
        );
      }
      return;
    }
    // Marginal: the slice of [before, after) inside each tier's money bounds is paid at that tier's rate.
    let earned = ZERO;
    for (let i = 0; i < this.tiers.length; i++) {
      const t = this.tiers[i] as PreparedTier;
      const lo = Dec.max(before, t.lo);
      const hi = t.hi === undefined ? after : Dec.min(after, t.hi);
      if (!hi.gt(lo) || !credit.payable) continue;
      const slice = hi.minus(lo);
      const amount = roundMoney(slice.times(t.rate), this.ctx.currency);
      earned = earned.plus(amount);
      sink?.push({
        key: this.key(`${credit.dealId}|t${i + 1}`),
        kind: 'commission',
        componentId: this.component.id,
        dealId: credit.dealId,
        amount,
        trace: this.trace(t, i, slice),
      });
    }
    this.paid = this.paid.plus(this.capDeal(credit, earned, sink));
  }
  protected override paidAt(attainment: Dec): Dec {
    return this.whole ? (this.byTier[tierIndex(this.tiers, attainment)] as Dec) : this.paid;
  }
  override finish(attainment: Dec, sink: Line[]): void {
    if (this.whole) {
      // Retroactive: every deal of the period is priced at the highest tier reached, known only now.
      const i = tierIndex(this.tiers, attainment);
      const t = this.tiers[i] as PreparedTier;
      for (const c of this.credits) {
        const amount = roundMoney(c.amount.times(t.rate), this.ctx.currency);
        sink.push({
          key: this.key(c.dealId),
          kind: 'commission',
          componentId: this.component.id,
          dealId: c.dealId,
          amount,
          trace: this.trace(t, i, c.amount),
        });
        this.capDeal(c, amount, sink);
      }
    }
    super.finish(attainment, sink);
  }
}

class SpiffAcc extends Paying {
  private readonly c: Extract<Component, { type: 'spiff' }>;
  constructor(component: Extract<Component, { type: 'spiff' }>, ctx: SegmentContext) {
    super(component, ctx);
    this.c = component;
  }
  private matches(credit: Credit): boolean {
    const w = this.c.when;
    if (w.products && !(credit.product !== undefined && w.products.includes(credit.product))) return false;
    if (w.newAccount !== undefined && (credit.newAccount ?? false) !== w.newAccount) return false;
    if (w.stageReached && !credit.stagesReached?.includes(w.stageReached)) return false;
    if (w.minAmount !== undefined && credit.dealAmount.lt(w.minAmount)) return false;
    if (w.maxAmount !== undefined && credit.dealAmount.gt(w.maxAmount)) return false;
    return true;
  }
  add(credit: Credit, _b: Dec, _a: Dec, sink: Line[] | undefined): void {
    if (!credit.payable || !this.matches(credit)) return;
    const cur = this.ctx.currency;
    const amount =
      this.c.fixed !== undefined
        ? roundMoney(credit.share.times(this.c.fixed), cur)
        : roundMoney(credit.amount.times(this.c.rate ?? 0), cur);
    const trace =
      this.c.fixed !== undefined
        ? {
            code: 'fixed' as const,
            amount: new Dec(this.c.fixed).toFixed(minorUnit(cur)),
            share: plain(credit.share),
          }
        : { code: 'rate' as const, base: moneyString(credit.amount, cur), rate: this.c.rate ?? '0' };
    sink?.push({
      key: this.key(credit.dealId),
      kind: 'spiff',
      componentId: this.c.id,
      dealId: credit.dealId,
      amount,
      trace,
    });
    this.paid = this.paid.plus(amount);
  }
}

class MilestoneAcc extends Paying {
  private readonly c: Extract<Component, { type: 'milestone' }>;
  private readonly reached = new Set<string>();
  constructor(component: Extract<Component, { type: 'milestone' }>, ctx: SegmentContext) {
    super(component, ctx);
    this.c = component;
  }
  add(credit: Credit, before: Dec, after: Dec, sink: Line[] | undefined): void {
    const q = this.ctx.quota;
    for (const t of this.c.thresholds) {
      const line = q.times(t.attainment);
      // Paid once: only the deal that first lifts attainment across the threshold carries the bonus.
      if (!this.reached.has(t.attainment) && before.lt(line) && after.gte(line)) {
        this.reached.add(t.attainment);
        const amount = roundMoney(new Dec(t.amount).times(this.ctx.share), this.ctx.currency);
        sink?.push({
          key: this.key(`m${t.attainment}`),
          kind: 'milestone',
          componentId: this.c.id,
          dealId: credit.dealId,
          amount,
          trace: {
            code: 'milestone',
            threshold: t.attainment,
            attainment: plain(attainmentOf(after, q).toDecimalPlaces(6)),
          },
        });
        this.paid = this.paid.plus(amount);
      }
    }
  }
}

export const createAccumulator = (component: Component, ctx: SegmentContext): ComponentAcc | undefined => {
  switch (component.type) {
    case 'flat':
      return new FlatAcc(component, ctx);
    case 'tiered':
      return new TieredAcc(component, ctx);
    case 'spiff':
      return new SpiffAcc(component, ctx);
    case 'milestone':
      return new MilestoneAcc(component, ctx);
    default:
      // override and teamBonus depend on other reps' credits: computed at team level in calculate.ts.
      return undefined;
  }
};

export type { TieredAcc };
export const isTiered = (acc: ComponentAcc): acc is TieredAcc => acc.component.type === 'tiered';
