/** The digest model at fixed instants in Asia/Shanghai: goals, changes from archived events, risk, quality. */
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../shared/digest/model';
import type { AccrualSummary } from '../../../shared/incentives/accrual';
import { AS_OF, deal, event, figure, input } from './fixtures';

describe('manager digest model', () => {
  it('a week without news is quiet, with the team still listed', () => {
    const d = buildDigest(input());
    expect(d.quiet).toBe(true);
    expect(d.period).toEqual({ key: '2026-W41', kind: 'week', start: '2026-10-05', end: '2026-10-11' });
    expect(d.headline).toBeNull();
    // By name: Latin before Han in the en collation, whatever the ids.
    expect(d.reps.map((r) => r.name)).toEqual(['Emily <Carter>', '王芳', '陈静']);
    expect(d.reps.every((r) => r.goal === null && r.accrual === null)).toBe(true);
  });

  it('sums the reps into the headline when no team goal exists, exactly', () => {
    const d = buildDigest(
      input({
        figures: [
          figure('u1', {
            actual: '0.10',
            expected: '0.20',
            target: '0.30',
            projected: '0.30',
            neededPerWeek: '0.10',
          }),
          figure('u2', {
            actual: '0.20',
            expected: '0.10',
            target: '0.30',
            projected: '0.60',
            neededPerWeek: '0.05',
            status: 'on_track',
          }),
        ],
      }),
    );
    expect(d.headline).toMatchObject({
      scope: 'sum_of_reps',
      actual: '0.30',
      target: '0.60',
      expected: '0.30',
      attainment: '0.5',
      expectedAttainment: '0.5',
      projected: '0.90',
      neededPerWeek: '0.15',
      status: 'on_track',
    });
    const u1 = d.reps.find((r) => r.id === 'u1');
    expect(u1?.goal).toMatchObject({
      attainment: '0.2',
      expectedAttainment: '0.6667',
      gap: '30000.00',
      coverage: '1.50',
    });
  });

  it("uses the team's own goal for the headline when there is one", () => {
    const team = figure('east', {
      owner: 'team',
      person: null,
      team: 'east',
      goal: 'team-won-amount',
      actual: '1.00',
      target: '4.00',
      expected: '2.00',
      attainment: '0.25',
    });
    const d = buildDigest(
      input({ primaryGoal: { rep: 'won-amount', team: 'team-won-amount' }, figures: [team, figure('u1')] }),
    );
    expect(d.headline).toMatchObject({
      scope: 'team',
      goal: 'team-won-amount',
      attainment: '0.25',
      expectedAttainment: '0.5',
    });
  });

  it('lists created, won, lost, pushed and pulled-in deals of the period from archived events, only the team’s', () => {
    const a1 = deal('a', 'u1', { modifiedAt: '2026-10-05T01:00:00Z' });
    const a2 = deal('a', 'u1', {
      modifiedAt: '2026-10-07T01:00:00Z',
      closeDate: '2026-11-15',
      stage: 'Negotiation',
    });
    const b1 = deal('b', 'u2', { modifiedAt: '2026-10-06T01:00:00Z', closeDate: '2026-10-31' });
    const b2 = deal('b', 'u2', {
      modifiedAt: '2026-10-08T01:00:00Z',
      closeDate: '2026-10-20',
      stage: 'Contract',
    });
    const won = deal('w', 'u3', { modifiedAt: '2026-10-08T03:00:00Z', status: 'won', stage: 'Closed Won' });
    const lost = deal('l', 'u1', { modifiedAt: '2026-10-08T04:00:00Z', status: 'lost' });
    const stranger = deal('s', 'x9', { modifiedAt: '2026-10-08T04:00:00Z' });
    // Sunday 4 October 23:30 in Shanghai: the week before.
    const before = deal('p', 'u1', { modifiedAt: '2026-10-04T15:30:00Z' });
    const d = buildDigest(
      input({
        events: [
          event('deal.created', a1),
          event('deal.stage_changed', a2),
          event('deal.created', b1),
          event('deal.stage_changed', b2),
          event('deal.won', won),
          event('deal.lost', lost),
          event('deal.created', stranger),
          event('deal.created', before),
        ],
      }),
    );
    expect(d.quiet).toBe(false);
    expect(d.changes.created.map((r) => r.id)).toEqual(['a', 'b']);
    expect(d.changes.won.map((r) => [r.id, r.owner.name])).toEqual([['w', 'Emily <Carter>']]);
    expect(d.changes.lost.map((r) => r.id)).toEqual(['l']);
    expect(d.changes.pushed).toMatchObject([
      { id: 'a', from: '2026-10-30', to: '2026-11-15', stage: 'Negotiation' },
    ]);
    expect(d.changes.pulledIn).toMatchObject([{ id: 'b', from: '2026-10-31', to: '2026-10-20' }]);
    expect(d.recognition.wins.map((r) => r.id)).toEqual(['w']);
  });

  it('ignores events after the as-of instant', () => {
    const late = deal('z', 'u1', { modifiedAt: '2026-10-09T10:30:00Z' });
    expect(buildDigest(input({ events: [event('deal.created', late)] })).changes.created).toEqual([]);
  });

  it('flags open deals whose close date passed, that nobody touched, or that were pushed twice, with the reason', () => {
    const overdue = deal('o', 'u1', { closeDate: '2026-10-08', modifiedAt: '2026-10-07T01:00:00Z' });
    // Last changed Wednesday 16 September: 16 business days before Friday 9 October (Mon–Fri calendar).
    const idle = deal('i', 'u2', { modifiedAt: '2026-09-16T03:00:00Z' });
    const fresh = deal('f', 'u2', { modifiedAt: '2026-10-08T03:00:00Z' });
    const wonOverdue = deal('w', 'u2', { status: 'won', closeDate: '2026-10-01' });
    const p1 = deal('p', 'u3', { modifiedAt: '2026-10-05T01:00:00Z', closeDate: '2026-10-10' });
    const p2 = deal('p', 'u3', { modifiedAt: '2026-10-06T01:00:00Z', closeDate: '2026-10-20' });
    const p3 = deal('p', 'u3', { modifiedAt: '2026-10-07T01:00:00Z', closeDate: '2026-10-30' });
    const d = buildDigest(
      input({
        deals: [overdue, idle, fresh, wonOverdue, p3],
        events: [event('deal.created', p1), event('deal.stage_changed', p2), event('deal.stage_changed', p3)],
      }),
    );
    expect(d.atRisk.map((r) => [r.id, r.reasons])).toEqual([
      ['o', [{ code: 'close_date_passed', closeDate: '2026-10-08' }]],
      ['i', [{ code: 'no_update', businessDays: 16, lastChange: '2026-09-16' }]],
      ['p', [{ code: 'pushed_repeatedly', times: 2 }]],
    ]);
  });

  it('lists open deals without an amount or a close date', () => {
    const noAmount = deal('n', 'u1', { amount: undefined, currency: undefined });
    const noDate = deal('c', 'u2', { closeDate: undefined });
    const d = buildDigest(input({ deals: [noAmount, noDate] }));
    expect(d.dataQuality.missingAmount).toMatchObject([{ id: 'n', amount: null, currency: null }]);
    expect(d.dataQuality.missingCloseDate).toMatchObject([{ id: 'c', closeDate: null }]);
  });

  it('recognises goals met and shows the latest accrual with its tier', () => {
    const accrual: AccrualSummary & { date: string } = {
      repId: 'u1',
      periodKey: '2026-10',
      currency: 'CNY',
      credited: '320000.00',
      earned: '21000.00',
      segments: [
        {
          planId: 'ae-2026',
          planVersion: 1,
          from: '2026-10-01',
          to: '2026-10-31',
          days: 31,
          quota: '300000.00',
          credited: '320000.00',
          attainment: '1.0667',
          tiers: [{ componentId: 'commission', mode: 'marginal', tier: 3, rate: '0.12', from: '1' }],
        },
      ],
      pending: [],
      date: '2026-10-09',
    };
    const d = buildDigest(
      input({
        figures: [figure('u1', { status: 'met', actual: '320000.00', attainment: '1.0667' })],
        accruals: new Map([['u1', accrual]]),
      }),
    );
    expect(d.quiet).toBe(false);
    expect(d.recognition.goalsMet).toMatchObject([
      { person: { id: 'u1', name: '王芳' }, goal: { goal: 'won-amount' } },
    ]);
    expect(d.reps.find((r) => r.id === 'u1')?.accrual).toEqual({
      period: '2026-10',
      date: '2026-10-09',
      basis: 'snapshot',
      currency: 'CNY',
      earned: '21000.00',
      tier: { component: 'commission', tier: 3, rate: '0.12', nextTierNeeds: null },
    });
    expect(d.asOf).toBe(AS_OF.toISOString());
  });

  it('links a deal to its CRM record only through an https URL', () => {
    const d = buildDigest(
      input({
        deals: [
          deal('h', 'u1', {
            amount: undefined,
            fields: { url: 'https://crm.zoho.com.cn/crm/tab/Potentials/h' },
          }),
          deal('j', 'u1', { amount: undefined, fields: { url: 'javascript:alert(1)' } }),
        ],
      }),
    );
    expect(d.dataQuality.missingAmount.map((r) => r.url)).toEqual([
      'https://crm.zoho.com.cn/crm/tab/Potentials/h',
      null,
    ]);
  });
});
