/**
 * The close's micro-unit arithmetic against decimal.js, the reference: half-up rounding (ties away from zero) to
 * the currency's minor unit, for small amounts, amounts on both sides of 2^53 micro-units (beyond what a double
 * holds exactly) and far larger, products past decimal.js's exact range, negative amounts (clawbacks), ties, and
 * currencies of 0, 2 and 3 minor digits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, moneyString, roundMoney } from '../../../shared/incentives/money';
import {
  microDec,
  microMoney,
  mulRound,
  parseScaled,
  parseScaledText,
  roundMicro,
  roundProduct,
  type Scaled,
  toMicro,
} from '../../../shared/incentives/units';

const CURRENCIES = ['JPY', 'CNY', 'USD', 'KWD'] as const; // 0, 2, 2, 3 minor digits
const LIMIT = 2n ** 53n;

/** Micro-unit amounts: small ones, ties, and the neighbourhood of 2^53 and far beyond it, either sign. */
const micro = fc.oneof(
  fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
  fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }).map((n) => n * 1000n + 500n), // x.xxx5 and friends: ties
  fc.bigInt({ min: -5000n, max: 5000n }).map((d) => LIMIT + d),
  fc.bigInt({ min: -5000n, max: 5000n }).map((d) => -LIMIT + d),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
);
const scaled = fc.record({
  n: fc.oneof(
    fc.bigInt({ min: -(10n ** 8n), max: 10n ** 8n }),
    fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
    fc.bigInt({ min: -5000n, max: 5000n }).map((d) => LIMIT + d),
  ),
  scale: fc.integer({ min: 0, max: 12 }),
});
const currency = fc.constantFrom(...CURRENCIES);

const dec = (s: Scaled) => new Dec(s.n.toString()).dividedBy(new Dec(10).pow(s.scale));

describe('micro-unit money against decimal.js', () => {
  it('microMoney is moneyString of the exact value', () => {
    fc.assert(
      fc.property(micro, currency, (u, c) => {
        expect(microMoney(u, c)).toBe(moneyString(roundMoney(microDec(u), c), c));
      }),
      { numRuns: 3000 },
    );
  });

  it('roundMicro is roundMoney of the exact value', () => {
    fc.assert(
      fc.property(micro, currency, (u, c) => {
        const digits = c === 'JPY' ? 0 : c === 'KWD' ? 3 : 2;
        expect(roundMicro(u, digits)).toBe(toMicro(roundMoney(microDec(u), c)));
      }),
      { numRuns: 3000 },
    );
  });

  it('roundProduct is roundMoney of the exact product, with decimal.js precision', () => {
    fc.assert(
      fc.property(scaled, scaled, currency, (a, b, c) => {
        const digits = c === 'JPY' ? 0 : c === 'KWD' ? 3 : 2;
        expect(roundProduct(a, b, digits)).toBe(toMicro(roundMoney(dec(a).times(dec(b)), c)));
      }),
      { numRuns: 3000 },
    );
  });

  it('rounds ties away from zero, for clawbacks too', () => {
    expect(microMoney(5_000n, 'CNY')).toBe('0.01');
    expect(microMoney(-5_000n, 'CNY')).toBe('-0.01');
    expect(microMoney(4_999n, 'CNY')).toBe('0.00');
    expect(microMoney(-4_999n, 'CNY')).toBe('0.00');
    expect(microMoney(2_500_000n, 'JPY')).toBe('3');
    expect(microMoney(-2_500_000n, 'JPY')).toBe('-3');
    expect(microMoney(-500n, 'KWD')).toBe('-0.001');
    expect(roundMicro(-1_005_000n, 2)).toBe(-1_010_000n);
    // 0.03 × 0.50 CNY = 0.015 → 0.02; the same negated → -0.02.
    expect(mulRound(500_000n, { n: 3n, scale: 2 }, 2)).toBe(20_000n);
    expect(mulRound(-500_000n, { n: 3n, scale: 2 }, 2)).toBe(-20_000n);
  });

  it('large totals stay exact on both sides of 2^53 micro-units', () => {
    // 9,007,199,254.740993 CNY: one micro-unit above 2^53, where doubles can no longer hold every integer.
    expect(microMoney(LIMIT + 1n, 'CNY')).toBe('9007199254.74');
    expect(microMoney(LIMIT - 1n, 'CNY')).toBe('9007199254.74');
    expect(microMoney(10n ** 24n + 5_000n, 'CNY')).toBe('1000000000000000000.01');
    expect(roundProduct({ n: 10n ** 15n + 1n, scale: 2 }, { n: 7n, scale: 1 }, 2)).toBe(
      toMicro(roundMoney(new Dec('10000000000000.01').times('0.7'), 'CNY')),
    );
  });

  it('parseScaled reads every string as the regular expression does: 15 digits and beyond, signs, odd shapes', () => {
    const text = fc.oneof(
      fc.stringMatching(/^-?\d{1,20}(\.\d{1,8})?$/),
      fc.stringMatching(/^[-+.\d eE]{0,12}$/),
      fc.constantFrom(
        '',
        '-',
        '.',
        '-.',
        '1.',
        '.5',
        '-0',
        '-0.00',
        '007.50',
        '999999999999999',
        '9999999999999999',
        '1e5',
        '1.2.3',
        '١٢٣',
      ),
    );
    fc.assert(
      fc.property(text, (s) => {
        expect(parseScaled(s)).toStrictEqual(parseScaledText(s));
      }),
      { numRuns: 5000 },
    );
  });
});
