/**
 * creditAmountText, the close's shortcut for a credit's amount text (the deal's own string when it already is the
 * rounded amount), against microMoney, the reference: every credit creditDealsRaw makes, for currencies of 0, 2
 * and 3 minor digits, amounts with too few, exactly enough and too many places, leading zeros, negative amounts
 * (clawbacks), negative zero, large totals, splits and conversions (also at a configured rate of exactly 1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Deal, PlanBook } from '../../../shared/incentives';
import { creditAmountText, creditDealsRaw } from '../../../shared/incentives/credit';
import { microMoney } from '../../../shared/incentives/units';
import { plan } from './fixtures';

const CURRENCIES = ['JPY', 'CNY', 'KWD'] as const; // 0, 2 and 3 minor digits

const bookIn = (currency: string) =>
  PlanBook.parse({
    plans: [plan([{ id: 'f', type: 'flat', rate: '0.1' }], { currency })],
    assignments: ['r1', 'r2'].map((repId) => ({ repId, planId: 'p', from: '2024-01-01' })),
    reps: [
      { id: 'r1', locale: 'en' },
      { id: 'r2', locale: 'zh-CN' },
    ],
    fxRates: [
      // USD at a real rate, EUR at exactly 1: a conversion whose rate text is "1" is still a conversion.
      ...CURRENCIES.filter((c) => c !== currency).map((to) => ({
        period: '2025-03',
        from: to,
        to: currency,
        rate: '1',
      })),
      { period: '2025-03', from: 'USD', to: currency, rate: '7.123457' },
      { period: '2025-03', from: 'EUR', to: currency, rate: '1' },
    ],
  });

/** Decimal strings of every shape the deal schema accepts: signs, leading zeros, 0 to 5 places, up to 10^18. */
const amount = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 6n }).map(String),
      fc.bigInt({ min: 0n, max: 10n ** 18n }).map(String),
      fc.constantFrom('0', '00', '007'),
    ),
    fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,5}$/)),
  )
  .map(([sign, int, frac]) => `${sign}${int}${frac}`);

const dealOf = (i: number, value: string, currency: string, split: boolean): Deal => ({
  id: `D${i}`,
  modifiedAt: '2025-03-10T02:00:00Z',
  status: 'won',
  currency,
  amounts: { amount: value },
  dates: { closeDate: '2025-03-10' },
  owners: split
    ? [
        { repId: 'r1', percent: '70' },
        { repId: 'r2', percent: '30' },
      ]
    : [{ repId: 'r1', percent: '100' }],
});

describe('creditAmountText', () => {
  it('is microMoney of the credit amount for every credit, currency, amount shape, split and conversion', () => {
    for (const currency of CURRENCIES) {
      const book = bookIn(currency);
      fc.assert(
        fc.property(
          fc.array(
            fc.tuple(amount, fc.constantFrom(...CURRENCIES, 'USD', 'EUR'), fc.boolean(), fc.boolean()),
            { minLength: 1, maxLength: 30 },
          ),
          (rows) => {
            // Most deals in the plan's currency, as in a real book.
            const deals = rows.map(([value, other, home, split], i) =>
              dealOf(i, value, home ? currency : other, split),
            );
            let n = 0;
            for (const list of creditDealsRaw(book, deals).values())
              for (const c of list) {
                expect(creditAmountText(c, currency)).toBe(microMoney(c.amount, currency));
                n++;
              }
            expect(n).toBeGreaterThanOrEqual(deals.length);
          },
        ),
        { numRuns: 200 },
      );
    }
  });

  it('shares the deal’s string only where it is exactly the rounded amount', () => {
    const book = bookIn('CNY');
    const cases: [string, string, boolean][] = [
      ['1234.50', '1234.50', true],
      ['1234.5', '1234.50', false],
      ['1234.505', '1234.51', false],
      ['01234.50', '1234.50', false],
      ['-0.00', '0.00', false],
      ['-5.10', '-5.10', true],
      ['-0.50', '-0.50', true],
      ['0.05', '0.05', true],
      ['123456789012345678.99', '123456789012345678.99', true],
    ];
    const credits = [
      ...(creditDealsRaw(
        book,
        cases.map(([v], i) => dealOf(i, v, 'CNY', false)),
      ).get('r1') ?? []),
    ];
    for (const [value, text, shared] of cases) {
      const c = credits.find((x) => x.originalAmount === value);
      if (!c) throw new Error(`no credit for ${value}`);
      expect(creditAmountText(c, 'CNY')).toBe(text);
      expect(creditAmountText(c, 'CNY') === c.originalAmount).toBe(shared);
    }
    // Whatever else a record's source text may hold, it is formatted, never copied.
    const [c] = credits;
    if (!c) throw new Error('no credit');
    for (const odd of [
      '1234.50x',
      '12.3.4',
      '1234.50 ',
      '+1234.50',
      '1,234.50',
      '١٢٣٤.50',
      '.50',
      '-.50',
      '-',
      '',
    ])
      expect(creditAmountText({ ...c, originalAmount: odd }, 'CNY')).toBe('1234.50');
  });
});
