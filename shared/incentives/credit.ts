/**
 * Credit rules: deals → credit lines per rep. A won deal is credited on the plan's date field (an instant is
 * turned into the local date in the plan's crediting zone), in the plan's currency (converted at the period's
 * configured rate, then rounded like money), and split between owners by percentages that must sum to 100. The
 * split uses largest-remainder allocation so the owners' shares always add up to the deal amount exactly.
 */
import type { PlanBook } from './book';
import { type Credit, publicCredit, type RawCredit } from './credit-record';
import type { Deal } from './deal';
import { IncentiveInputError, type Problem } from './errors';
import { allocate, Dec, HUNDRED, minorUnit } from './money';
import { sortByCreditOrder } from './order';
import { localDate, periodKeyOf, sharedDate } from './periods';
import type { Plan } from './plan';
import {
  allocateMicro,
  MICRO,
  type Micro,
  microDec,
  microPlain,
  parseScaled,
  roundProduct,
  roundScaled,
  type Scaled,
  scaledOf,
  scaledPlain,
  toMicro,
} from './units';

export {
  type Credit,
  type CreditRecord,
  creditAmountText,
  freshCreditRecord,
  fromCreditRecord,
  publicCredit,
  type RawCredit,
  rawCredit,
  toCreditRecord,
} from './credit-record';
export { type Deal, dealSchema, parseDeals } from './deal';
export { creditOrder } from './order';

/** The usual deal has one owner at 100%: skip the split arithmetic (this is the close's hottest loop). */
const SOLE = /^100(\.0+)?$/;
const soleOwner = (deal: Deal) => {
  if (deal.owners.length !== 1) return false;
  const percent = deal.owners[0]?.percent ?? '';
  return percent === '100' || SOLE.test(percent);
};

/** Percentages as exact micro-units; undefined when one has more than 6 places (then decimal.js decides). */
const percentsMicro = (deal: Deal): bigint[] | undefined => {
  const out: bigint[] = [];
  for (const o of deal.owners) {
    const p = parseScaled(o.percent);
    if (!p || p.scale > 6) return undefined;
    out.push(toMicro(o.percent));
  }
  return out;
};

const HUNDRED_MICRO = 100n * MICRO;

const splitProblem = (deal: Deal): string | undefined => {
  const seen = new Set<string>();
  const micro = percentsMicro(deal);
  let total = new Dec(0);
  let totalMicro = 0n;
  for (const [i, o] of deal.owners.entries()) {
    if (seen.has(o.repId)) return `rep ${o.repId} appears twice in the split`;
    seen.add(o.repId);
    const m = micro?.[i];
    const bad =
      m === undefined
        ? !new Dec(o.percent).gt(0) || new Dec(o.percent).gt(100)
        : m <= 0n || m > HUNDRED_MICRO;
    if (bad) return `rep ${o.repId}'s percent ${o.percent} must be above 0 and at most 100`;
    if (m === undefined) total = total.plus(o.percent);
    else totalMicro += m;
  }
  if (!micro) return total.eq(HUNDRED) ? undefined : `split percentages sum to ${total.toFixed()}, not 100`;
  return totalMicro === HUNDRED_MICRO
    ? undefined
    : `split percentages sum to ${microPlain(totalMicro)}, not 100`;
};

/** Owners' shares of the deal amount, summing to it exactly (largest remainder, as `allocate`). */
const splitAmount = (deal: Deal, dealAmount: Micro, currency: string): Micro[] => {
  const weights = percentsMicro(deal);
  if (!weights) {
    const parts = allocate(
      microDec(dealAmount),
      deal.owners.map((o) => new Dec(o.percent)),
      currency,
    );
    return parts.map((p) => toMicro(p));
  }
  return allocateMicro(dealAmount, weights, minorUnit(currency));
};

const fxCache = new WeakMap<Dec, { scaled: Scaled; text: string }>();
const fxOf = (rate: Dec) => {
  let v = fxCache.get(rate);
  if (!v) {
    v = { scaled: scaledOf(rate.toFixed()), text: rate.toFixed() };
    fxCache.set(rate, v);
  }
  return v;
};
const NO_FX = { scaled: scaledOf('1'), text: '1' };

export interface CreditOptions {
  source?: string;
  wonOnly?: boolean;
  /**
   * Leave each rep's credits in deal order (the caller sorts them with sortByCreditOrder when it needs the order):
   * the close sorts one rep's credits just before calculating that rep, while they are in the CPU's cache.
   */
  unsorted?: boolean;
  /**
   * Keep only the credits of this period (every deal is still checked, and its problems reported, as without it):
   * a first close needs no other period's credits, and drops them while each is still in the CPU's cache.
   */
  periodKey?: string;
  /**
   * Where to put the deals the plans cannot credit, instead of refusing them all: each such deal is left out whole
   * (for every owner of a split) and its problems are added here. The scheduled runs hold bad deals this way so one
   * deal missing a close date cannot stop everyone's accrual or close; once fixed in the CRM, a held deal of a
   * closed period arrives as an adjustment in the next open one.
   */
  held?: Problem[];
}

/**
 * Credits of won deals, grouped by rep and sorted by (date, deal id). Reps without a plan are skipped (nobody
 * to pay); a deal the plan cannot credit (no amount or date field, a split not summing to 100, no FX rate) is
 * refused with its index and reason, and nothing is credited (or, with `held`, left out and reported).
 */
export const creditDeals = (
  book: PlanBook,
  deals: readonly Deal[],
  options: CreditOptions = {},
): Map<string, Credit[]> => {
  const out = new Map<string, Credit[]>();
  for (const [rep, list] of creditDealsRaw(book, deals, options)) out.set(rep, list.map(publicCredit));
  return out;
};

/** creditDeals in the engine's exact form (micro-unit amounts): what the close and the accrual use. */
export const creditDealsRaw = (
  book: PlanBook,
  deals: readonly Deal[],
  options: CreditOptions = {},
): Map<string, RawCredit[]> => {
  const problems: Problem[] = [];
  const byRep = new Map<string, RawCredit[]>();
  // One lookup per owner for both the rep's plan and its list (instead of three): 200,000 deals, few reps.
  const reps = new Map<string, { plan: Plan | undefined; list: RawCredit[] | undefined }>();
  const wonOnly = options.wonOnly ?? true;
  const onlyPeriod = options.periodKey;
  for (let i = 0; i < deals.length; i++) {
    const deal = deals[i] as Deal;
    if (wonOnly && deal.status !== 'won') continue;
    const sole = soleOwner(deal);
    const split = sole ? undefined : splitProblem(deal);
    if (split) {
      problems.push({ path: `[${i}].owners`, message: `deal ${deal.id}: ${split}` });
      continue;
    }
    let shares: Micro[] | undefined;
    // A loop, not forEach: no closure per deal in the close's hottest loop (`continue` is forEach's `return`).
    for (let oi = 0; oi < deal.owners.length; oi++) {
      const owner = deal.owners[oi] as Deal['owners'][number];
      let rep = reps.get(owner.repId);
      if (!rep) {
        rep = { plan: book.basis(owner.repId), list: undefined };
        reps.set(owner.repId, rep);
      }
      const plan = rep.plan;
      if (!plan) continue;
      const { amountField, dateField } = plan.credit;
      const rawAmount = deal.amounts[amountField];
      const rawDate = deal.dates[dateField];
      if (rawAmount === undefined) {
        problems.push({
          path: `[${i}].amounts.${amountField}`,
          message: `deal ${deal.id}: is missing; plan ${plan.id} credits ${amountField}`,
        });
        continue;
      }
      if (rawDate === undefined) {
        problems.push({
          path: `[${i}].dates.${dateField}`,
          message: `deal ${deal.id}: is missing; plan ${plan.id} credits by ${dateField}`,
        });
        continue;
      }
      const date = sharedDate(localDate(rawDate, plan.timeZone));
      const same = deal.currency === plan.currency;
      const rate = same ? NO_FX : book.fxRate(deal.currency, plan.currency, date);
      if (!rate) {
        problems.push({
          path: `[${i}].currency`,
          message: `deal ${deal.id}: no ${deal.currency}→${plan.currency} rate for ${periodKeyOf(date, 'month')} or ${periodKeyOf(date, 'quarter')} in fxRates`,
        });
        continue;
      }
      const fx = rate === NO_FX ? NO_FX : fxOf(rate as Dec);
      const digits = minorUnit(plan.currency);
      const amount = parseScaled(rawAmount) ?? scaledOf(rawAmount);
      const dealAmount = same ? roundScaled(amount, digits) : roundProduct(amount, fx.scaled, digits);
      shares ??= sole ? [dealAmount] : splitAmount(deal, dealAmount, plan.currency);
      const periodKey = periodKeyOf(date, plan.period);
      if (onlyPeriod !== undefined && periodKey !== onlyPeriod) continue;
      const credit: RawCredit = {
        dealId: deal.id,
        repId: owner.repId,
        date,
        periodKey,
        amount: shares[oi] as Micro,
        dealAmount,
        share: sole ? '1' : shareOf(owner.percent),
        originalAmount: rawAmount,
        originalCurrency: deal.currency,
        fxRate: fx.text,
        product: deal.product,
        newAccount: deal.newAccount,
        stagesReached: deal.stagesReached ?? (deal.stage ? [deal.stage] : undefined),
        payable: true,
      };
      if (!rep.list) {
        rep.list = [];
        byRep.set(owner.repId, rep.list);
      }
      rep.list.push(credit);
    }
  }
  if (problems.length) {
    if (!options.held) throw new IncentiveInputError(options.source ?? 'deals', problems);
    // Problem paths start with the deal's index ("[12].currency"): those deals are left out for every owner.
    const bad = new Set(problems.map((p) => deals[Number(/^\[(\d+)\]/.exec(p.path)?.[1])]?.id));
    for (const [rep, list] of byRep)
      byRep.set(
        rep,
        list.filter((c) => !bad.has(c.dealId)),
      );
    options.held.push(...problems);
  }
  if (!options.unsorted) for (const [rep, list] of byRep) byRep.set(rep, sortByCreditOrder(list));
  return byRep;
};

/** percent / 100 as Decimal#toFixed() prints it ("70" → "0.7"): exact, a shift of the decimal point. */
const shareOf = (percent: string): string => {
  const p = parseScaled(percent);
  return p ? scaledPlain({ n: p.n, scale: p.scale + 2 }) : new Dec(percent).dividedBy(HUNDRED).toFixed();
};
