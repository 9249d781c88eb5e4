/**
 * Amount conditions in the tenant's currency. A deal's `amount` is in the deal's own `currency`; a condition such as
 * "amount ≥ 100000" is written in the tenant's currency, so a deal in another currency is converted first with the
 * workflow config's `fxRates` (the month's rate of the record version's date, else the quarter's), as exact
 * decimals, unrounded. When no rate is known the condition does not match and says why: comparing the raw number
 * would be a wrong answer either way (USD 40,000 is not 40,000 yuan).
 */
import Decimal from 'decimal.js';
import type { WorkflowConfig } from './definition';

/** 40 significant digits: an amount of 15 digits times a rate of 22 stays exact. */
const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });

export type Converted = { value: Decimal; shown: string } | { missing: string };

export interface AmountConverter {
  readonly currency: string;
  /** The amount in the tenant's currency; `date` (yyyy-mm-dd) picks the rate. */
  convert(amount: Decimal, from: string | undefined, date: string): Converted;
}

const quarterOf = (date: string) =>
  `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;

export const amountConverter = (
  tenantCurrency: string,
  fxRates: WorkflowConfig['fxRates'] = [],
): AmountConverter => {
  const rates = new Map(fxRates.map((r) => [`${r.period}|${r.from}`, new Exact(r.rate)]));
  return {
    currency: tenantCurrency,
    convert(amount, from, date) {
      // A record without a currency is in the tenant's (the CRM's default currency).
      if (from === undefined || from === '' || from === tenantCurrency) return { value: amount, shown: '' };
      const month = date.slice(0, 7);
      const quarter = quarterOf(date);
      const [period, rate] = rates.has(`${month}|${from}`)
        ? [month, rates.get(`${month}|${from}`)]
        : [quarter, rates.get(`${quarter}|${from}`)];
      if (!rate)
        return {
          missing: `no ${from}→${tenantCurrency} rate for ${month} or ${quarter} in fxRates`,
        };
      const value = new Exact(amount.toString()).times(rate);
      return {
        value,
        shown: ` ${from} = ${value.toFixed()} ${tenantCurrency} at ${rate.toFixed()} (${period})`,
      };
    },
  };
};
