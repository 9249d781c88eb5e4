/**
 * Tiers of a tiered component, prepared for one segment: bounds in money for the segment's quota, rates parsed.
 */
import type { SegmentContext } from './components';
import { Dec, plain, roundMoney } from './money';
import type { Component, Tier } from './plan';
import { type Micro, type Scaled, scaledOf, toMicro } from './units';

export interface PreparedTier {
  from: Dec;
  to: Dec | undefined;
  rate: Scaled;
  /** plain(rate), for traces. */
  rateText: string;
  raw: Tier;
  /** "|t<n>", the end of this tier's line keys. */
  keyTail: string;
  /** Tier bounds in money for this segment's quota, rounded like money so slices add up exactly. */
  lo: Micro;
  hi: Micro | undefined;
}

/**
 * A tiered component's tiers for a segment's quota. Read-only once made, so shared: segments of equal quota get
 * the same quota instance from the plan book (one per distinct proration), and the ~15 decimal.js operations per
 * component are done once per plan and quota instead of once per rep.
 */
const tierCache = new WeakMap<Component, WeakMap<Dec, { currency: string; tiers: PreparedTier[] }>>();
export const preparedTiers = (
  component: Extract<Component, { type: 'tiered' }>,
  ctx: SegmentContext,
): PreparedTier[] => {
  let byQuota = tierCache.get(component);
  if (!byQuota) {
    byQuota = new WeakMap();
    tierCache.set(component, byQuota);
  }
  const cached = byQuota.get(ctx.quota);
  if (cached?.currency === ctx.currency) return cached.tiers;
  const tiers: PreparedTier[] = component.tiers.map((t, i) => ({
    from: new Dec(t.from),
    to: t.to === undefined ? undefined : new Dec(t.to),
    rate: scaledOf(t.rate),
    rateText: plain(new Dec(t.rate)),
    raw: t,
    keyTail: `|t${i + 1}`,
    lo: toMicro(roundMoney(ctx.quota.times(t.from), ctx.currency)),
    hi: t.to === undefined ? undefined : toMicro(roundMoney(ctx.quota.times(t.to), ctx.currency)),
  }));
  byQuota.set(ctx.quota, { currency: ctx.currency, tiers });
  return tiers;
};
