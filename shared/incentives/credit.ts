/**
 * Credit rules: deals → credit lines per rep. A won deal is credited on the plan's date field (an instant is
 * turned into the local date in the plan's crediting zone), in the plan's currency (converted at the period's
 * configured rate, then rounded like money), and split between owners by percentages that must sum to 100. The
 * split uses largest-remainder allocation so the owners' shares always add up to the deal amount exactly.
 */
import * as z from 'zod';
import type { PlanBook } from './book';
import { IncentiveInputError, type Problem } from './errors';
import { allocate, Dec, HUNDRED, moneyString, ONE, roundMoney } from './money';
import { localDate, periodKeyOf } from './periods';
import { currencyCode, decimalString } from './plan';

const dateOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const dealSchema = z.strictObject({
  id: z.string().min(1).max(200),
  /** CRM modification time: changes known after a period's end go to the next period. */
  modifiedAt: z.iso.datetime({ offset: true }),
  status: z.enum(['open', 'won', 'lost', 'cancelled']),
  /** When the status last changed: a reversal (won → open/lost/cancelled) happened then. */
  statusChangedAt: z.iso.datetime({ offset: true }).optional(),
  currency: currencyCode,
  amounts: z.record(z.string(), decimalString),
  dates: z.record(z.string(), dateOrInstant),
  owners: z.array(z.strictObject({ repId: z.string().min(1), percent: decimalString })).min(1),
  stage: z.string().optional(),
  stagesReached: z.array(z.string()).optional(),
  product: z.string().optional(),
  newAccount: z.boolean().optional(),
});
export type Deal = z.infer<typeof dealSchema>;

/** One rep's credit for one deal, in plan currency. Serialized (`CreditRecord`) inside frozen statements. */
export interface Credit {
  dealId: string;
  repId: string;
  /** Local credit date and its period key. */
  date: string;
  periodKey: string;
  /** Rep's share, rounded to the minor unit. */
  amount: Dec;
  /** Whole deal in plan currency (SPIFF size conditions look at the deal, not the share). */
  dealAmount: Dec;
  /** Split fraction (0.6 = 60%). */
  share: Dec;
  originalAmount: string;
  originalCurrency: string;
  fxRate: string;
  product?: string | undefined;
  newAccount?: boolean | undefined;
  stagesReached?: string[] | undefined;
  /** false: counts for attainment but pays nothing (a reversed deal under a plan that keeps attainment). */
  payable: boolean;
}

export type CreditRecord = Omit<Credit, 'amount' | 'dealAmount' | 'share'> & {
  amount: string;
  dealAmount: string;
  share: string;
};

export const creditOrder = (a: Credit, b: Credit): number =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : a.dealId < b.dealId ? -1 : a.dealId > b.dealId ? 1 : 0;

export const toCreditRecord = (c: Credit, currency: string): CreditRecord => ({
  ...c,
  amount: moneyString(c.amount, currency),
  dealAmount: moneyString(c.dealAmount, currency),
  share: c.share.toFixed(),
});

export const fromCreditRecord = (r: CreditRecord): Credit => ({
  ...r,
  amount: new Dec(r.amount),
  dealAmount: new Dec(r.dealAmount),
  share: new Dec(r.share),
});

/** Parse deals at the boundary; every bad deal is reported by index before anything is credited. */
export const parseDeals = (values: readonly unknown[], source = 'deals'): Deal[] => {
  const problems: Problem[] = [];
  const out: Deal[] = [];
  values.forEach((v, i) => {
    const r = dealSchema.safeParse(v);
    if (r.success) out.push(r.data);
    else
      for (const issue of r.error.issues)
        problems.push({ path: `[${i}].${issue.path.join('.')}`, message: issue.message });
  });
  if (problems.length) throw new IncentiveInputError(source, problems);
  return out;
};

/** The usual deal has one owner at 100%: skip the decimal arithmetic (this is the close's hottest loop). */
const soleOwner = (deal: Deal) =>
  deal.owners.length === 1 && /^100(\.0+)?$/.test(deal.owners[0]?.percent ?? '');

const splitProblem = (deal: Deal): string | undefined => {
  if (soleOwner(deal)) return undefined;
  const seen = new Set<string>();
  let total = new Dec(0);
  for (const o of deal.owners) {
    if (seen.has(o.repId)) return `rep ${o.repId} appears twice in the split`;
    seen.add(o.repId);
    const p = new Dec(o.percent);
    if (p.lte(0) || p.gt(100)) return `rep ${o.repId}'s percent ${o.percent} must be above 0 and at most 100`;
    total = total.plus(p);
  }
  return total.eq(HUNDRED) ? undefined : `split percentages sum to ${total.toFixed()}, not 100`;
};

/**
 * Credits of won deals, grouped by rep and sorted by (date, deal id). Reps without a plan are skipped (nobody
 * to pay); a deal the plan cannot credit (no amount or date field, a split not summing to 100, no FX rate) is
 * refused with its index and reason, and nothing is credited.
 */
export const creditDeals = (
  book: PlanBook,
  deals: readonly Deal[],
  options: { source?: string; wonOnly?: boolean } = {},
): Map<string, Credit[]> => {
  const problems: Problem[] = [];
  const byRep = new Map<string, Credit[]>();
  deals.forEach((deal, i) => {
    if ((options.wonOnly ?? true) && deal.status !== 'won') return;
    const at = `[${i}]`;
    const split = splitProblem(deal);
    if (split) {
      problems.push({ path: `${at}.owners`, message: `deal ${deal.id}: ${split}` });
      return;
    }
    const sole = soleOwner(deal);
    const amounts = sole ? [HUNDRED] : deal.owners.map((o) => new Dec(o.percent));
    let shares: Dec[] | undefined;
    deal.owners.forEach((owner, oi) => {
      const plan = book.basis(owner.repId);
      if (!plan) return;
      const { amountField, dateField } = plan.credit;
      const rawAmount = deal.amounts[amountField];
      const rawDate = deal.dates[dateField];
      if (rawAmount === undefined) {
        problems.push({
          path: `${at}.amounts.${amountField}`,
          message: `deal ${deal.id}: is missing; plan ${plan.id} credits ${amountField}`,
        });
        return;
      }
      if (rawDate === undefined) {
        problems.push({
          path: `${at}.dates.${dateField}`,
          message: `deal ${deal.id}: is missing; plan ${plan.id} credits by ${dateField}`,
        });
        return;
      }
      const date = localDate(rawDate, plan.timeZone);
      const rate = book.fxRate(deal.currency, plan.currency, date);
      if (!rate) {
        problems.push({
          path: `${at}.currency`,
          message: `deal ${deal.id}: no ${deal.currency}→${plan.currency} rate for ${periodKeyOf(date, 'month')} or ${periodKeyOf(date, 'quarter')} in fxRates`,
        });
        return;
      }
      const dealAmount =
        deal.currency === plan.currency
          ? roundMoney(new Dec(rawAmount), plan.currency)
          : roundMoney(new Dec(rawAmount).times(rate), plan.currency);
      shares ??= sole ? [dealAmount] : allocate(dealAmount, amounts, plan.currency);
      const credit: Credit = {
        dealId: deal.id,
        repId: owner.repId,
        date,
        periodKey: periodKeyOf(date, plan.period),
        amount: shares[oi] as Dec,
        dealAmount,
        share: sole ? ONE : (amounts[oi] as Dec).dividedBy(HUNDRED),
        originalAmount: rawAmount,
        originalCurrency: deal.currency,
        fxRate: rate.toFixed(),
        product: deal.product,
        newAccount: deal.newAccount,
        stagesReached: deal.stagesReached ?? (deal.stage ? [deal.stage] : undefined),
        payable: true,
      };
      let list = byRep.get(owner.repId);
      if (!list) {
        list = [];
        byRep.set(owner.repId, list);
      }
      list.push(credit);
    });
  });
  if (problems.length) throw new IncentiveInputError(options.source ?? 'deals', problems);
  for (const list of byRep.values()) list.sort(creditOrder);
  return byRep;
};
