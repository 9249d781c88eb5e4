/**
 * One accumulator per plan component. `add` takes the rep's next credit (in (date, deal) order) and emits the
 * per-deal lines it can already know; `total` is the component's current payout in O(tiers), which is what makes
 * the daily accrual incremental; `finish` emits the lines that depend on the period's final attainment (whole-tier
 * re-pricing, gate, component cap). By construction total() equals the sum of every line add+finish emit.
 */
import { type RawCredit as Credit, creditAmountText } from './credit';
import { derived } from './derived';
import type { RawLine as Line, Trace } from './lines';
import { Dec, minorUnit, plain, roundMoney, ZERO } from './money';
import type { Component } from './plan';
import { type PreparedTier, preparedTiers } from './tiers';
import {
  type Micro,
  microDec,
  microMoney,
  minMicro,
  mulRound,
  roundProduct,
  type Scaled,
  scaledOf,
  toMicro,
} from './units';

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
  add(credit: Credit, before: Micro, after: Micro, sink: Line[] | undefined): void;
  total(attainment: Dec): Micro;
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

/** Shared tail of paying components: gate first (nothing below X%), then the component cap. */
abstract class Paying implements ComponentAcc {
  protected paid = 0n;
  protected readonly digits: number;
  protected readonly cap: Micro | undefined;
  protected readonly capPerDeal: Micro | undefined;
  protected readonly gate: Dec | undefined;
  constructor(
    readonly component: Component,
    protected readonly ctx: SegmentContext,
  ) {
    const { cap, capPerDeal, gate } = component as { cap?: string; capPerDeal?: string; gate?: string };
    this.digits = minorUnit(ctx.currency);
    this.keyHead = `${ctx.prefix}:${component.id}|`;
    this.cap =
      cap === undefined
        ? undefined
        : derived(component, ctx, 'cap', () =>
            toMicro(roundMoney(new Dec(cap).times(ctx.share), ctx.currency)),
          );
    this.capPerDeal =
      capPerDeal === undefined ? undefined : derived(component, ctx, 'capPerDeal', () => toMicro(capPerDeal));
    this.gate = gate === undefined ? undefined : derived(component, ctx, 'gate', () => new Dec(gate));
  }
  abstract add(credit: Credit, before: Micro, after: Micro, sink: Line[] | undefined): void;
  protected paidAt(_attainment: Dec): Micro {
    return this.paid;
  }
  /** "<plan>@<version>:<component>|", the start of every line key of this component. */
  protected readonly keyHead: string;
  protected key(rest: string) {
    return this.keyHead + rest;
  }
  protected kind(): Line['kind'] {
    return this.component.type === 'spiff'
      ? 'spiff'
      : this.component.type === 'milestone'
        ? 'milestone'
        : 'commission';
  }
  /** Per-deal cap: the excess becomes its own line so the trace shows both the earned and the capped amount. */
  protected capDeal(credit: Credit, earned: Micro, sink: Line[] | undefined): Micro {
    if (this.capPerDeal === undefined || earned <= this.capPerDeal) return earned;
    sink?.push({
      key: this.key(`${credit.dealId}|cap`),
      kind: 'cap',
      componentId: this.component.id,
      dealId: credit.dealId,
      amount: this.capPerDeal - earned,
      trace: {
        code: 'capDeal',
        cap: microMoney(this.capPerDeal, this.ctx.currency),
        uncapped: microMoney(earned, this.ctx.currency),
      },
    });
    return this.capPerDeal;
  }
  private gated(attainment: Dec): boolean {
    return this.gate !== undefined && attainment.lt(this.gate);
  }
  total(attainment: Dec): Micro {
    const paid = this.gated(attainment) ? 0n : this.paidAt(attainment);
    return this.cap !== undefined && paid > this.cap ? this.cap : paid;
  }
  finish(attainment: Dec, sink: Line[]): void {
    let paid = this.paidAt(attainment);
    const id = this.component.id;
    if (this.gated(attainment) && this.gate) {
      sink.push({
        key: this.key('gate'),
        kind: 'gate',
        componentId: id,
        amount: -paid,
        trace: { code: 'gate', gate: plain(this.gate), attainment: plain(attainment.toDecimalPlaces(6)) },
      });
      paid = 0n;
    }
    if (this.cap !== undefined && paid > this.cap) {
      sink.push({
        key: this.key('cap'),
        kind: 'cap',
        componentId: id,
        amount: this.cap - paid,
        trace: {
          code: 'capComponent',
          cap: microMoney(this.cap, this.ctx.currency),
          uncapped: microMoney(paid, this.ctx.currency),
        },
      });
    }
  }
}

class FlatAcc extends Paying {
  private readonly rate: Scaled;
  private readonly rateText: string;
  constructor(component: Extract<Component, { type: 'flat' }>, ctx: SegmentContext) {
    super(component, ctx);
    this.rate = scaledOf(component.rate);
    this.rateText = plain(new Dec(component.rate));
  }
  add(credit: Credit, _b: Micro, _a: Micro, sink: Line[] | undefined): void {
    if (!credit.payable) return;
    const amount = mulRound(credit.amount, this.rate, this.digits);
    sink?.push({
      key: this.key(credit.dealId),
      kind: 'commission',
      componentId: this.component.id,
      dealId: credit.dealId,
      amount,
      trace: { code: 'rate', base: creditAmountText(credit, this.ctx.currency), rate: this.rateText },
    });
    this.paid += this.capDeal(credit, amount, sink);
  }
}

class TieredAcc extends Paying {
  readonly tiers: PreparedTier[];
  private readonly whole: boolean;
  /** Whole-tier mode: Σ over credits of the (per-deal capped) line at each tier's rate, so any tier's total is O(1). */
  private readonly byTier: Micro[];
  private readonly credits: Credit[] = [];
  constructor(component: Extract<Component, { type: 'tiered' }>, ctx: SegmentContext) {
    super(component, ctx);
    this.whole = component.mode === 'whole';
    this.tiers = preparedTiers(component, ctx);
    this.byTier = this.tiers.map(() => 0n);
  }
  /** The trace of `credit`'s slice `base` priced in tier `t` (the whole credit, usually: its amount's text). */
  private trace(t: PreparedTier, i: number, base: Micro, credit: Credit): Trace {
    const cur = this.ctx.currency;
    const b = base === credit.amount ? creditAmountText(credit, cur) : microMoney(base, cur);
    const mode = this.whole ? ('whole' as const) : ('marginal' as const);
    // Two literals rather than a spread (one object per line at close): the members in the same order.
    return t.raw.to === undefined
      ? { code: 'rate', base: b, rate: t.rateText, tier: i + 1, tierFrom: t.raw.from, mode }
      : {
          code: 'rate',
          base: b,
          rate: t.rateText,
          tier: i + 1,
          tierFrom: t.raw.from,
          tierTo: t.raw.to,
          mode,
        };
  }
  add(credit: Credit, before: Micro, after: Micro, sink: Line[] | undefined): void {
    if (this.whole) {
      if (!credit.payable) return;
      this.credits.push(credit);
      for (let i = 0; i < this.tiers.length; i++) {
        const earned = mulRound(credit.amount, (this.tiers[i] as PreparedTier).rate, this.digits);
        this.byTier[i] =
          (this.byTier[i] as Micro) +
          (this.capPerDeal !== undefined ? minMicro(earned, this.capPerDeal) : earned);
      }
      return;
    }
    // Marginal: the slice of [before, after) inside each tier's money bounds is paid at that tier's rate.
    let earned = 0n;
    if (credit.payable)
      for (let i = 0; i < this.tiers.length; i++) {
        const t = this.tiers[i] as PreparedTier;
        const lo = before > t.lo ? before : t.lo;
        const hi = t.hi === undefined || after < t.hi ? after : t.hi;
        if (hi <= lo) continue;
        const slice = hi - lo;
        const amount = mulRound(slice, t.rate, this.digits);
        earned += amount;
        sink?.push({
          key: `${this.keyHead}${credit.dealId}${t.keyTail}`,
          kind: 'commission',
          componentId: this.component.id,
          dealId: credit.dealId,
          amount,
          trace: this.trace(t, i, slice, credit),
        });
      }
    this.paid += this.capDeal(credit, earned, sink);
  }
  protected override paidAt(attainment: Dec): Micro {
    return this.whole ? (this.byTier[tierIndex(this.tiers, attainment)] as Micro) : this.paid;
  }
  override finish(attainment: Dec, sink: Line[]): void {
    if (this.whole) {
      // Retroactive: every deal of the period is priced at the highest tier reached, known only now.
      const i = tierIndex(this.tiers, attainment);
      const t = this.tiers[i] as PreparedTier;
      for (const c of this.credits) {
        const amount = mulRound(c.amount, t.rate, this.digits);
        sink.push({
          key: this.key(c.dealId),
          kind: 'commission',
          componentId: this.component.id,
          dealId: c.dealId,
          amount,
          trace: this.trace(t, i, c.amount, c),
        });
        this.capDeal(c, amount, sink);
      }
    }
    super.finish(attainment, sink);
  }
}

class SpiffAcc extends Paying {
  private readonly c: Extract<Component, { type: 'spiff' }>;
  private readonly min: Micro | undefined;
  private readonly max: Micro | undefined;
  private readonly factor: Scaled;
  /** The fixed amount for a sole owner (share 1), the same for every deal. */
  private readonly soleFixed: Micro | undefined;
  private readonly fixedText: string | undefined;
  constructor(component: Extract<Component, { type: 'spiff' }>, ctx: SegmentContext) {
    super(component, ctx);
    this.c = component;
    const { minAmount, maxAmount } = component.when;
    this.min = minAmount === undefined ? undefined : derived(component, ctx, 'min', () => toMicro(minAmount));
    this.max = maxAmount === undefined ? undefined : derived(component, ctx, 'max', () => toMicro(maxAmount));
    this.factor = scaledOf(component.fixed ?? component.rate ?? '0');
    const fixed = component.fixed;
    if (fixed !== undefined) {
      this.soleFixed = roundProduct(scaledOf('1'), this.factor, this.digits);
      this.fixedText = derived(component, ctx, 'fixedText', () => new Dec(fixed).toFixed(this.digits));
    }
  }
  private matches(credit: Credit): boolean {
    const w = this.c.when;
    if (w.products && !(credit.product !== undefined && w.products.includes(credit.product))) return false;
    if (w.newAccount !== undefined && (credit.newAccount ?? false) !== w.newAccount) return false;
    if (w.stageReached && !credit.stagesReached?.includes(w.stageReached)) return false;
    if (this.min !== undefined && credit.dealAmount < this.min) return false;
    if (this.max !== undefined && credit.dealAmount > this.max) return false;
    return true;
  }
  add(credit: Credit, _b: Micro, _a: Micro, sink: Line[] | undefined): void {
    if (!credit.payable || !this.matches(credit)) return;
    const cur = this.ctx.currency;
    const amount =
      this.fixedText !== undefined
        ? credit.share === '1'
          ? (this.soleFixed as Micro)
          : roundProduct(scaledOf(credit.share), this.factor, this.digits)
        : mulRound(credit.amount, this.factor, this.digits);
    const trace =
      this.fixedText !== undefined
        ? {
            code: 'fixed' as const,
            amount: this.fixedText,
            share: credit.share === '-0' ? '0' : credit.share,
          }
        : { code: 'rate' as const, base: creditAmountText(credit, cur), rate: this.c.rate ?? '0' };
    sink?.push({
      key: this.key(credit.dealId),
      kind: 'spiff',
      componentId: this.c.id,
      dealId: credit.dealId,
      amount,
      trace,
    });
    this.paid += amount;
  }
}

class MilestoneAcc extends Paying {
  private readonly c: Extract<Component, { type: 'milestone' }>;
  private readonly reached = new Set<string>();
  /**
   * The least credited amount (micro-units) reaching each threshold: ⌈quota × threshold⌉, so that for the integer
   * amounts compared, `amount ≥ need` holds exactly when amount ≥ quota × threshold.
   */
  private readonly lines: readonly { readonly need: Micro; readonly amount: Micro }[];
  constructor(component: Extract<Component, { type: 'milestone' }>, ctx: SegmentContext) {
    super(component, ctx);
    this.c = component;
    this.lines = derived(component, ctx, 'thresholds', () => {
      const q = toMicro(ctx.quota);
      return component.thresholds.map((t) => {
        const a = scaledOf(t.attainment);
        return {
          need: ceilDiv(q * a.n, 10n ** BigInt(a.scale)),
          amount: toMicro(roundMoney(new Dec(t.amount).times(ctx.share), ctx.currency)),
        };
      });
    });
  }
  add(credit: Credit, before: Micro, after: Micro, sink: Line[] | undefined): void {
    const thresholds = this.c.thresholds;
    for (let i = 0; i < thresholds.length; i++) {
      const t = thresholds[i] as (typeof thresholds)[number];
      const line = this.lines[i] as { need: Micro; amount: Micro };
      // Paid once: only the deal that first lifts attainment across the threshold carries the bonus.
      if (before < line.need && after >= line.need && !this.reached.has(t.attainment)) {
        this.reached.add(t.attainment);
        sink?.push({
          key: this.key(`m${t.attainment}`),
          kind: 'milestone',
          componentId: this.c.id,
          dealId: credit.dealId,
          amount: line.amount,
          trace: {
            code: 'milestone',
            threshold: t.attainment,
            attainment: plain(attainmentOf(microDec(after), this.ctx.quota).toDecimalPlaces(6)),
          },
        });
        this.paid += line.amount;
      }
    }
  }
}

/** ⌈n / d⌉ for d > 0 (bigint division truncates toward zero, which is the ceiling for a negative quotient). */
const ceilDiv = (n: bigint, d: bigint): bigint => {
  const q = n / d;
  return q * d < n ? q + 1n : q;
};

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
