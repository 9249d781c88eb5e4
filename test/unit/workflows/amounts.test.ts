/**
 * Amount conditions compare in the tenant's currency: a deal in another currency is converted with the config's
 * fxRates (month, else quarter, of the record version's date) as exact decimals; with no rate the condition does not
 * match and says why.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { parseWorkflowConfig, WorkflowMatcher } from '../../../shared/workflows';
import { config, deal, event, workflow } from './fixtures';

const FX = [
  { period: '2026-03', from: 'USD', rate: '7.0712' },
  { period: '2026-Q2', from: 'USD', rate: '6.25' },
  { period: '2026-03', from: 'EUR', rate: '3' },
];

const matcher = (conditions: unknown[], trigger = 'deal.won', currency: string | null = 'CNY') =>
  new WorkflowMatcher(
    parseWorkflowConfig(
      config({ fxRates: FX, workflows: [workflow({ id: 'big', trigger: { event: trigger, conditions } })] }),
      't',
    ),
    currency === null ? {} : { currency },
  );

const won = (over: Partial<CanonicalRecord>) =>
  event('deal.won', deal({ status: 'won', modifiedAt: '2026-03-16T02:00:00.000Z', ...over }));

/** undefined when it matched, else the reason explain shows. */
const verdict = (m: WorkflowMatcher, e: ReturnType<typeof won>) => {
  const r = m.match(e, { explain: true });
  return r.matched.length ? undefined : r.notMatched[0]?.reasons[0]?.reason;
};

describe('amount conditions in the tenant currency', () => {
  const bar = matcher([{ field: 'amount', op: 'gte', value: '100000' }]);

  it('a USD 40,000 deal (282,848 yuan at 7.0712) clears a ¥100,000 bar; the raw 40,000 would not have', () => {
    expect(verdict(bar, won({ amount: '40000.00', currency: 'USD' }))).toBeUndefined();
    expect(verdict(bar, won({ amount: '40000.00', currency: 'CNY' }))).toBe('amount is 40000, not ≥ 100000');
  });

  it('says how it converted when the converted amount falls short', () => {
    expect(verdict(bar, won({ amount: '14000.00', currency: 'USD' }))).toBe(
      'amount is 14000 USD = 98996.8 CNY at 7.0712 (2026-03), not ≥ 100000',
    );
  });

  it('the quarter rate when the month has none; exact at the boundary, no float drift', () => {
    const april = { currency: 'USD', modifiedAt: '2026-04-02T02:00:00.000Z' };
    // 16000 × 6.25 = 100000 exactly: ≥ holds, > does not.
    expect(verdict(bar, won({ amount: '16000.00', ...april }))).toBeUndefined();
    const above = matcher([{ field: 'amount', op: 'gt', value: '100000' }]);
    expect(verdict(above, won({ amount: '16000.00', ...april }))).toBe(
      'amount is 16000 USD = 100000 CNY at 6.25 (2026-Q2), not > 100000',
    );
    // 0.1 × 3 is 0.3, not 0.30000000000000004.
    const exact = matcher([{ field: 'amount', op: 'eq', value: '0.3' }]);
    expect(verdict(exact, won({ amount: '0.1', currency: 'EUR' }))).toBeUndefined();
  });

  it('no rate for the currency: the condition does not match, and says which rate is missing', () => {
    expect(verdict(bar, won({ amount: '40000.00', currency: 'JPY' }))).toBe(
      'amount is 40000 JPY, no JPY→CNY rate for 2026-03 or 2026-Q1 in fxRates, so not compared with ≥ 100000',
    );
    const notSmall = matcher([{ field: 'amount', op: 'ne', value: '0' }]);
    expect(verdict(notSmall, won({ amount: '5.00', currency: 'GBP' }))).toMatch(
      /^amount is 5 GBP, no GBP→CNY rate/,
    );
  });

  it('a record without a currency, and a matcher without the tenant currency, compare the amount as it is', () => {
    expect(verdict(bar, won({ amount: '120000.00', currency: undefined }))).toBeUndefined();
    const raw = matcher([{ field: 'amount', op: 'gte', value: '100000' }], 'deal.won', null);
    expect(verdict(raw, won({ amount: '40000.00', currency: 'USD' }))).toBe('amount is 40000, not ≥ 100000');
  });

  it('a crossing of the amount is judged on converted amounts', () => {
    const crossed = matcher(
      [{ field: 'amount', op: 'crossed_above', value: '100000' }],
      'deal.amount_changed',
    );
    const changed = (from: string, to: string, currency: string) =>
      event('deal.amount_changed', deal({ amount: to, currency, modifiedAt: '2026-03-16T02:00:00.000Z' }), {
        change: { from, to },
      });
    expect(verdict(crossed, changed('10000.00', '20000.00', 'USD'))).toBeUndefined();
    expect(verdict(crossed, changed('10000.00', '20000.00', 'JPY'))).toMatch(
      /^amount changed from "10000.00" to "20000.00": amount is 10000 JPY, no JPY→CNY rate/,
    );
  });

  it('fxRates are validated with their paths', () => {
    expect(() =>
      parseWorkflowConfig(config({ fxRates: [{ period: '2026-13', from: 'usd', rate: '0' }] }), 'draft'),
    ).toThrow(
      /fxRates\[0\]\.period: must be a month or quarter[\s\S]*fxRates\[0\]\.from[\s\S]*fxRates\[0\]\.rate: must be greater than zero/,
    );
  });
});
