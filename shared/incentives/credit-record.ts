/**
 * A rep's credit for one deal in its three forms: `Credit` (public, decimal.js amounts), `RawCredit` (the engine's
 * own, exact micro-unit amounts) and `CreditRecord` (serialized inside frozen statements), and the conversions
 * between them.
 */
import { Dec, minorUnit, ONE } from './money';
import { type Micro, microDec, microMoney, toMicro } from './units';

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

/**
 * The engine's own form of a credit: the same fields in the same order, with exact micro-unit amounts and the
 * share as its plain string, so the close never builds a decimal.js value per deal. `Credit` is the public form.
 */
export type RawCredit = Omit<Credit, 'amount' | 'dealAmount' | 'share'> & {
  amount: Micro;
  dealAmount: Micro;
  share: string;
};

/**
 * True when `text` is exactly how microMoney writes an amount with `digits` places: an optional "-", no leading
 * zero, exactly `digits` places, and not a negative zero ("-0.00" is written "0.00"). A loop over the characters
 * rather than a regular expression: it runs for most of a close's 200,000 credits, and costs a fraction of one.
 */
const isMoneyText = (text: string, digits: number): boolean => {
  const len = text.length;
  const start = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const point = digits ? len - digits - 1 : len; // where the '.' must be
  if (point <= start || (digits && text.charCodeAt(point) !== 46)) return false;
  if (text.charCodeAt(start) === 48 && point - start > 1) return false; // a leading zero
  let nonZero = false;
  for (let i = start; i < len; i++) {
    if (i === point) continue;
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (d) nonZero = true;
  }
  return start === 0 || nonZero;
};

/**
 * microMoney(c.amount, currency), without formatting it when the CRM's own text already is that string: a sole
 * owner's credit of a deal in the plan's currency (no conversion: the rate text is "1") is the deal amount rounded
 * to the currency's minor unit, and a deal amount written with exactly that many places, in microMoney's form,
 * rounds to itself. That is most credits: the record then shares the deal's string instead of building one
 * (fewer strings for the close to keep and the garbage collector to copy). A rep's plans all have the
 * statement's currency (validate.ts), so `currency` is the one the amount was rounded in.
 */
export const creditAmountText = (c: RawCredit, currency: string): string => {
  const text = c.originalAmount;
  if (c.share === '1' && c.fxRate === '1' && c.originalCurrency === currency) {
    if (isMoneyText(text, minorUnit(currency))) return text;
  }
  return microMoney(c.amount, currency);
};

// Spreads keep the key order (and any extra keys) of the source, as the record and credit forms always did.
export const toCreditRecord = (c: RawCredit, currency: string): CreditRecord => {
  const amount = creditAmountText(c, currency);
  // Bigints compare by value: a sole owner's share is the deal amount, formatted once.
  const dealAmount = c.dealAmount === c.amount ? amount : microMoney(c.dealAmount, currency);
  return { ...c, amount, dealAmount, share: c.share };
};

/**
 * toCreditRecord of a credit straight from creditDealsRaw, whose literal fixes the members and their order: the
 * same record written as a literal in that order, several times cheaper than the spread for 200,000 credits. A
 * test holds it to toCreditRecord member for member and byte for byte.
 */
export const freshCreditRecord = (c: RawCredit, currency: string): CreditRecord => {
  const amount = creditAmountText(c, currency);
  return {
    dealId: c.dealId,
    repId: c.repId,
    date: c.date,
    periodKey: c.periodKey,
    amount,
    dealAmount: c.dealAmount === c.amount ? amount : microMoney(c.dealAmount, currency),
    share: c.share,
    originalAmount: c.originalAmount,
    originalCurrency: c.originalCurrency,
    fxRate: c.fxRate,
    product: c.product,
    newAccount: c.newAccount,
    stagesReached: c.stagesReached,
    payable: c.payable,
  };
};

export const fromCreditRecord = (r: CreditRecord): RawCredit => ({
  ...r,
  amount: toMicro(r.amount),
  dealAmount: toMicro(r.dealAmount),
  share: shareString(r.share),
});

/** Decimal#toFixed() of the share without building a Decimal when it is already in that form. */
const CANONICAL_SHARE = /^(0|[1-9]\d*)(\.\d*[1-9])?$/;
const shareString = (s: string): string => (CANONICAL_SHARE.test(s) ? s : new Dec(s).toFixed());

export const publicCredit = (c: RawCredit): Credit => {
  const amount = microDec(c.amount);
  return {
    ...c,
    amount,
    dealAmount: c.dealAmount === c.amount ? amount : microDec(c.dealAmount),
    share: c.share === '1' ? ONE : new Dec(c.share),
  };
};

export const rawCredit = (c: Credit): RawCredit => ({
  ...c,
  amount: toMicro(c.amount),
  dealAmount: toMicro(c.dealAmount),
  share: c.share.toFixed(),
});
