/**
 * Exact money for incentive compensation. Every amount is a decimal.js value inside and a decimal string at the
 * boundaries ("1234.56"); binary floats never touch money.
 *
 * The rounding rule, applied the same way everywhere: a line's amount is rounded once, half-up (ties away from
 * zero, so a reversal of a line is exactly its negation), to the currency's ISO 4217 minor unit (CNY/USD 2, JPY 0,
 * KWD 3, as Intl reports it). Totals are sums of already rounded lines and are never rounded again.
 */
import Decimal from 'decimal.js';

/** A private Decimal constructor: 40 significant digits leaves room for FX × split × rate products. */
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Dec = InstanceType<typeof Dec>;

export const ZERO = new Dec(0);
export const ONE = new Dec(1);
export const HUNDRED = new Dec(100);

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
export const isCurrency = (code: string): boolean => CURRENCIES.has(code);

const minorCache = new Map<string, number>();
/** Digits after the point for the currency (CNY 2, JPY 0, KWD 3). */
export const minorUnit = (currency: string): number => {
  let digits = minorCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    minorCache.set(currency, digits);
  }
  return digits;
};

/** The one rounding rule: half-up (away from zero) to the currency's minor unit. */
export const roundMoney = (value: Dec, currency: string): Dec =>
  value.toDecimalPlaces(minorUnit(currency), Decimal.ROUND_HALF_UP);

/** A decimal string with exactly `places` digits after the point, half-up ("3.00", "0.4000", "-5.10"). */
export const fixedString = (value: Dec, places: number): string => {
  const s = value.toFixed(places, Decimal.ROUND_HALF_UP);
  // "-0.00" would make equal statements hash differently.
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
};

/** A rounded amount as the boundary string, always with the full minor unit ("120000.00", "-5.10", "300"). */
export const moneyString = (value: Dec, currency: string): string => fixedString(value, minorUnit(currency));

export const dec = (value: string | number | Dec): Dec => new Dec(value);

/** Sum of already rounded amounts (exact: no rounding happens here). */
export const sum = (values: Iterable<Dec>): Dec => {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
};

/** Plain decimal string for rates and attainment: no exponent, trailing zeros trimmed ("0.08", "1.2"). */
export const plain = (value: Dec): string => {
  const s = value.toFixed();
  return s === '-0' ? '0' : s;
};

const moneyFormats = new Map<string, Intl.NumberFormat>();
/** "¥120,000.00" (zh-CN) or "CN¥120,000.00" (en). Intl formats the decimal string exactly, not via a float. */
export const formatMoney = (amount: string, currency: string, locale: string): string => {
  const key = `${locale}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(key, f);
  }
  return f.format(amount as unknown as number);
};

const percentFormats = new Map<string, Intl.NumberFormat>();
/** A fraction as a percentage: "0.08" → "8%", "0.125" → "12.5%". */
export const formatPercent = (fraction: string, locale: string): string => {
  let f = percentFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 4 });
    percentFormats.set(locale, f);
  }
  return f.format(fraction as unknown as number);
};

const attainmentFormats = new Map<string, Intl.NumberFormat>();
/** Attainment as people read it: one decimal, "0.616668" → "61.7%" (rates keep formatPercent's precision). */
export const formatAttainment = (fraction: string, locale: string): string => {
  let f = attainmentFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: 'percent',
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
    attainmentFormats.set(locale, f);
  }
  return f.format(fraction as unknown as number);
};

const rateFormats = new Map<string, Intl.NumberFormat>();
/** An exchange rate: "7.1" → "7.10" / "0.1408" → "0.1408" (at least two, at most six decimals). */
export const formatRate = (rate: string, locale: string): string => {
  let f = rateFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 6 });
    rateFormats.set(locale, f);
  }
  return f.format(rate as unknown as number);
};

/**
 * Split `total` into parts proportional to `weights`, each rounded to the minor unit, summing exactly to `total`
 * (largest remainder; ties go to the earlier weight, so the result is deterministic).
 */
export const allocate = (total: Dec, weights: readonly Dec[], currency: string): Dec[] => {
  const digits = minorUnit(currency);
  const unit = new Dec(1).dividedBy(new Dec(10).pow(digits));
  const weightSum = sum(weights);
  if (weights.length === 0) return [];
  if (weightSum.isZero())
    return allocate(
      total,
      weights.map(() => ONE),
      currency,
    );
  const exact = weights.map((w) => total.times(w).dividedBy(weightSum));
  const floors = exact.map((e) => e.toDecimalPlaces(digits, Decimal.ROUND_DOWN));
  let remainder = total.minus(sum(floors));
  const order = exact
    .map((e, i) => ({ i, frac: e.minus(floors[i] as Dec).abs() }))
    .sort((a, b) => b.frac.comparedTo(a.frac) || a.i - b.i);
  const step = total.isNegative() ? unit.negated() : unit;
  for (const { i } of order) {
    if (remainder.isZero()) break;
    floors[i] = (floors[i] as Dec).plus(step);
    remainder = remainder.minus(step);
  }
  return floors;
};
