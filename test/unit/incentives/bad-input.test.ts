import { describe, expect, it } from 'vitest';
import { creditDeals, IncentiveInputError, PlanBook } from '../../../shared/incentives';
import { book, deal, plan } from './fixtures';

const problemsOf = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(IncentiveInputError);
    return (err as IncentiveInputError).problems;
  }
  throw new Error('expected a refusal');
};
const tiered = (tiers: unknown) => () =>
  book([{ id: 't', type: 'tiered', mode: 'marginal', tiers } as never]);

describe('bad input is refused with the path and reason', () => {
  it.each([
    [
      'overlapping tiers',
      tiered([
        { from: '0', to: '0.6', rate: '0.05' },
        { from: '0.5', rate: '0.08' },
      ]),
      'plans[0].components[0].tiers[1].from',
      /overlaps tier 0/,
    ],
    [
      'gapped tiers',
      tiered([
        { from: '0', to: '0.5', rate: '0.05' },
        { from: '0.6', rate: '0.08' },
      ]),
      'plans[0].components[0].tiers[1].from',
      /gap after tier 0/,
    ],
    [
      'a rate out of range',
      () => book([{ id: 'f', type: 'flat', rate: '1.5' }]),
      'plans[0].components[0].rate',
      /between 0 and 1/,
    ],
    [
      'an accelerator above its stated max',
      tiered([
        { from: '0', to: '1', rate: '0.05' },
        { from: '1', rate: '1.2' },
      ]),
      'plans[0].components[0].tiers[1].rate',
      /maxAcceleratorRate/,
    ],
    [
      'an unknown currency',
      () => book([{ id: 'f', type: 'flat', rate: '0.05' }], { currency: 'RMB' }),
      'plans[0].currency',
      /ISO 4217/,
    ],
    [
      'a rep on two plans at once',
      () =>
        PlanBook.parse({
          plans: [plan([{ id: 'f', type: 'flat', rate: '0.05' }])],
          assignments: [
            { repId: 'r1', planId: 'p', from: '2025-01-01' },
            { repId: 'r1', planId: 'p', from: '2025-03-01', to: '2025-06-30' },
          ],
        }),
      'assignments[1].from',
      /already on a plan from 2025-01-01.*one plan at a time/,
    ],
  ])('%s', (_name, run, path, message) => {
    const problems = problemsOf(run);
    const match = problems.find((p) => p.path === path);
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match?.message).toMatch(message);
  });

  it('a split not summing to 100% and a missing FX rate name the deal', () => {
    const b = book(
      [{ id: 'f', type: 'flat', rate: '0.05' }],
      {},
      {
        assignments: [
          { repId: 'r1', planId: 'p', from: '2024-01-01' },
          { repId: 'r2', planId: 'p', from: '2024-01-01' },
        ],
      },
    );
    const problems = problemsOf(() =>
      creditDeals(b, [
        deal('100.00', '2025-03-01', {
          id: 'S',
          owners: [
            { repId: 'r1', percent: '60' },
            { repId: 'r2', percent: '30' },
          ],
        }),
        deal('100.00', '2025-03-01', { id: 'U', currency: 'USD' }),
      ]),
    );
    expect(problems).toEqual([
      { path: '[0].owners', message: 'deal S: split percentages sum to 90, not 100' },
      { path: '[1].currency', message: 'deal U: no USD→CNY rate for 2025-03 or 2025-Q1 in fxRates' },
    ]);
  });
});

describe('a malformed decimal is refused at its own path, never with a decimal.js error', () => {
  const DECIMAL_MESSAGE = 'must be a decimal number as a string, such as "12500.00"';

  it.each([
    ['a quota', () => book([{ id: 'f', type: 'flat', rate: '0.05' }], { quota: 'lots' }), 'plans[0].quota'],
    ['a rate', () => book([{ id: 'f', type: 'flat', rate: '5%' }]), 'plans[0].components[0].rate'],
    [
      'a tier bound',
      tiered([
        { from: '0', to: 'half', rate: '0.05' },
        { from: '0.5', rate: '0.08' },
      ]),
      'plans[0].components[0].tiers[0].to',
    ],
    [
      'a rate limit',
      () => book([{ id: 'f', type: 'flat', rate: '0.05' }], { maxRate: '' }),
      'plans[0].maxRate',
    ],
  ])('%s', (_name, run, path) => {
    expect(problemsOf(run)).toEqual([{ path, message: DECIMAL_MESSAGE }]);
  });

  it('other problems in the same config are still reported', () => {
    const problems = problemsOf(() =>
      book([{ id: 'f', type: 'flat', rate: '0.05' }], { quota: 'lots', currency: 'RMB' }),
    );
    expect(problems).toEqual([
      { path: 'plans[0].currency', message: 'is not an ISO 4217 currency code (for example CNY, USD)' },
      { path: 'plans[0].quota', message: DECIMAL_MESSAGE },
    ]);
  });
});
