/** Metrics over canonical records: what counts, in the tenant currency, and what is skipped with its reason. */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { measure, weightedPipeline } from '../../../shared/goals/metrics';
import { parseGoals } from '../../../shared/goals/validate';
import { Dec } from '../../../shared/incentives/money';

const compiled = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'demo',
    mappedFields: { region: 'text' },
    goals: [
      {
        id: 'east-won',
        name: { en: 'East won' },
        owner: 'rep',
        metric: { type: 'won_amount', filter: [{ field: 'fields.region', op: 'eq', value: 'east' }] },
        period: { kind: 'month' },
        target: { source: 'targets' },
      },
      {
        id: 'new-logos',
        name: { en: 'New logos' },
        owner: 'rep',
        metric: { type: 'new_accounts_won' },
        period: { kind: 'quarter' },
        target: { source: 'targets' },
      },
      {
        id: 'converted',
        name: { en: 'Leads converted' },
        owner: 'rep',
        metric: { type: 'leads_converted' },
        period: { kind: 'month' },
        target: { source: 'targets' },
      },
    ],
  },
  'goals.json',
);
const ctx = (goal: string) => ({
  currency: 'CNY',
  fxRate: (from: string, to: string, date: string) =>
    from === to ? new Dec(1) : from === 'USD' && date.startsWith('2026-10') ? new Dec('7.08') : undefined,
  filter: compiled.filter(goal),
});
const rec = (id: string, over: Partial<CanonicalRecord>): CanonicalRecord => ({
  id,
  modifiedAt: '2026-10-09T02:00:00Z',
  status: 'won',
  closeDate: '2026-10-09',
  currency: 'CNY',
  fields: { region: 'east' },
  ...over,
});
const goal = (id: string) => compiled.goal(id) ?? (undefined as never);

describe('metrics', () => {
  it('won amount: exact decimals in the tenant currency, filtered, and a deal without a rate skipped by name', () => {
    const out = measure(
      goal('east-won'),
      [
        rec('a', { amount: '0.10' }),
        rec('b', { amount: '0.20' }),
        rec('c', { amount: '1000.00', currency: 'USD' }),
        rec('d', { amount: '1000.00', currency: 'EUR' }),
        rec('e', { amount: '5000.00', fields: { region: 'west' } }),
        rec('f', { amount: '5000.00', status: 'lost' }),
      ],
      ctx('east-won'),
    );
    expect(out.value.toFixed()).toBe('7080.3');
    expect(out.counted).toEqual(['a', 'b', 'c']);
    expect(out.skipped).toEqual([{ id: 'd', reason: 'no EUR→CNY rate for 2026-10 in fxRates' }]);
  });

  it('new accounts won and leads converted read the canonical flags', () => {
    const deals = [
      rec('a', { fields: { newAccount: true } }),
      rec('b', { fields: { newAccount: 'true' } }),
      rec('c', {}),
    ];
    expect(measure(goal('new-logos'), deals, ctx('new-logos')).value.toFixed()).toBe('2');
    const leads = [
      rec('l1', { status: undefined, fields: { converted: true } }),
      rec('l2', { status: undefined }),
    ];
    expect(measure(goal('converted'), leads, ctx('converted')).counted).toEqual(['l1']);
  });

  it('weighted pipeline: open deals by their probability; deals without one are named, not counted at 100%', () => {
    const out = weightedPipeline(
      [
        rec('o1', { status: 'open', amount: '200000.00', fields: { region: 'east', probability: 50 } }),
        rec('o2', {
          status: 'open',
          amount: '1000.00',
          currency: 'USD',
          fields: { region: 'east', probability: '25' },
        }),
        rec('o3', { status: 'open', amount: '9000.00' }),
        rec('w1', { amount: '9000.00', fields: { region: 'east', probability: 100 } }),
      ],
      ctx('east-won'),
    );
    expect(out.value.toFixed()).toBe('101770');
    expect(out.unweighted).toEqual(['o3']);
  });
});
