/**
 * The digest's newer parts on fixed data (Friday 9 October 2026, 18:00 Shanghai, week 2026-W41): follow-up
 * discipline, at-risk reasons from linked activities and the typical time in stage, amount changes, deals held out
 * of commissions, and the figures behind the charts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { chartsOf } from '../../../shared/digest/charts';
import { heldOutOfIncentives } from '../../../shared/digest/held';
import { buildDigest } from '../../../shared/digest/model';
import { stageTimesOf } from '../../../shared/digest/risk';
import { planBookFromFile } from '../../../shared/incentives/document';
import { Dec } from '../../../shared/incentives/money';
import type { Enrolment } from '../../../shared/store/enrolments';
import type { ArchivedEvent } from '../../../shared/store/event-archive';
import { stageEventOf } from '../../../shared/store/event-archive';
import { activity, deal, event, input } from './fixtures';

const lead = (id: string, owner: string, createdAt: string): ArchivedEvent => {
  const record: CanonicalRecord = {
    id,
    name: `Lead ${id}`,
    modifiedAt: createdAt,
    owner: { id: owner },
    fields: {},
  };
  const e = event('lead.created', record, createdAt);
  return { ...e, detail: { ...e.detail, object: 'lead' } };
};
const changed = (
  type: string,
  record: CanonicalRecord,
  at: string,
  from: string,
  to: string,
): ArchivedEvent => {
  const e = event(type, record, at);
  return {
    ...e,
    detail: { ...e.detail, eventId: `${e.detail.eventId}-${to}`, change: { from, to } } as never,
  };
};

describe('follow-up discipline', () => {
  const digest = buildDigest(
    input({
      events: [
        lead('L1', 'u1', '2026-10-05T10:00:00+08:00'),
        lead('L2', 'u1', '2026-10-06T09:00:00+08:00'),
        lead('L3', 'u2', '2026-10-09T17:00:00+08:00'),
        lead('L4', 'u2', '2026-10-05T09:00:00+08:00'),
      ],
      activities: [
        activity('a1', 'u1', '2026-10-05T14:00:00+08:00', { leadId: 'L1' }),
        activity('a2', 'u1', '2026-10-08T10:00:00+08:00', { leadId: 'L2' }),
        activity('t1', 'u3', '2026-10-01T10:00:00+08:00', {
          dueDate: '2026-10-08',
          done: false,
          dealId: 'd1',
        }),
        activity('t2', 'u3', '2026-10-01T10:00:00+08:00', { dueDate: '2026-10-09', done: false }),
        activity('t3', 'u3', '2026-10-01T10:00:00+08:00', { dueDate: '2026-10-01', done: true }),
      ],
      activitiesSince: '2026-09-09',
    }),
  );
  const f = digest.followUp;

  it('finds the new leads not touched within one business day, and not those still inside it', () => {
    expect(f.newLeads).toBe(4);
    // L4: never touched, due Tuesday 09:00. L2: due Wednesday 09:00, touched Thursday. L3: due Monday, not yet.
    expect(f.untouchedLeads.map((l) => [l.id, l.owner.name, l.dueBy])).toEqual([
      ['L4', '陈静', '2026-10-06T01:00:00.000Z'],
      ['L2', '王芳', '2026-10-07T01:00:00.000Z'],
    ]);
  });

  it('gives each rep’s median first response in hours', () => {
    // L1 after 4 h, L2 after 49 h: median 26.5 h. 陈静 touched none of hers.
    expect(f.reps.map((r) => [r.name, r.newLeads, r.touched, r.medianFirstResponseHours])).toEqual([
      ['Emily <Carter>', 0, 0, null],
      ['王芳', 2, 2, '26.5'],
      ['陈静', 2, 0, null],
    ]);
  });

  it('lists open tasks past their due date only', () => {
    expect(f.linked).toBe(true);
    expect(f.overdueTasks).toEqual([
      {
        id: 't1',
        name: 'Call t1',
        owner: { id: 'u3', name: 'Emily <Carter>' },
        dueDate: '2026-10-08',
        dealId: 'd1',
      },
    ]);
  });
});

describe('at risk, from linked activities and the typical time in stage', () => {
  const d1 = deal('d1', 'u1', { fields: { contactId: 'c1' } });
  const d2 = deal('d2', 'u2', { fields: { contactId: 'c2' } });
  const d3 = deal('d3', 'u2', { stage: 'Proposal' });
  const digest = buildDigest(
    input({
      deals: [d1, d2, d3],
      activities: [
        activity('a1', 'u1', '2026-09-25T10:00:00+08:00', { dealId: 'd1', contactId: 'c1' }),
        activity('a2', 'u2', '2026-10-07T10:00:00+08:00', { contactId: 'c2' }),
        activity('a3', 'u2', '2026-10-02T10:00:00+08:00', { dealId: 'd2', contactId: 'c3' }),
      ],
      activitiesSince: '2026-09-09',
      stageSince: new Map([['d3', '2026-09-01T02:00:00Z']]),
      stageTimes: new Map([['Proposal', { days: '20', samples: 5 }]]),
    }),
  );
  const reasons = (id: string) => digest.atRisk.find((d) => d.id === id)?.reasons;

  it('flags a deal whose last activity is more than 7 business days old, and its single contact', () => {
    // Friday 25 September → business days 28 September … 8 October: 9.
    expect(reasons('d1')).toEqual([
      { code: 'no_activity', businessDays: 9, lastActivity: '2026-09-25' },
      { code: 'one_contact', contactId: 'c1' },
    ]);
  });

  it('counts an activity on the deal’s contact as activity on the deal', () => {
    expect(reasons('d2')).toBeUndefined();
  });

  it('compares the time in stage with the tenant’s median, and says when nothing was logged', () => {
    expect(reasons('d3')).toEqual([
      { code: 'no_activity', businessDays: 21, lastActivity: null },
      { code: 'stuck_in_stage', stage: 'Proposal', days: 38, typicalDays: '20', typicalFrom: 'history' },
    ]);
  });

  it('takes the median of finished stays from the archived stage changes', () => {
    const at = (day: number) => `2026-08-${String(day).padStart(2, '0')}T00:00:00Z`;
    const x = deal('x', 'u1', { stage: 'Proposal' });
    const y = deal('y', 'u1', { stage: 'Proposal' });
    const z = deal('z', 'u1', { stage: 'Proposal' });
    const times = stageTimesOf(
      [
        event('deal.created', x, at(1)),
        event('deal.created', y, at(1)),
        event('deal.created', z, at(1)),
        changed('deal.stage_changed', x, at(11), 'Proposal', 'Negotiation'),
        changed('deal.stage_changed', y, at(21), 'Proposal', 'Negotiation'),
        changed('deal.stage_changed', z, at(31), 'Proposal', 'Negotiation'),
        changed('deal.stage_changed', x, at(15), 'Negotiation', 'Contract'),
      ].flatMap((e) => stageEventOf(e) ?? []),
    );
    expect(times.get('Proposal')).toEqual({ days: '20', samples: 3 });
    expect(times.get('Negotiation')).toEqual({ days: '4', samples: 1 });
  });
});

describe('amount changes', () => {
  it('compares the first and the last amount of the period', () => {
    const d1 = deal('d1', 'u1', { amount: '130000.00' });
    const d2 = deal('d2', 'u2', { amount: '40000.00' });
    const digest = buildDigest(
      input({
        deals: [d1, d2],
        events: [
          changed('deal.amount_changed', d1, '2026-10-06T02:00:00Z', '100000.00', '120000.00'),
          changed('deal.amount_changed', d1, '2026-10-07T02:00:00Z', '120000.00', '130000.00'),
          changed('deal.amount_changed', d2, '2026-10-07T02:00:00Z', '50000.00', '40000.00'),
        ],
      }),
    );
    expect(digest.changes.amountUp.map((d) => [d.id, d.from, d.to])).toEqual([
      ['d1', '100000.00', '130000.00'],
    ]);
    expect(digest.changes.amountDown.map((d) => [d.id, d.from, d.to])).toEqual([
      ['d2', '50000.00', '40000.00'],
    ]);
  });
});

describe('held out of commissions', () => {
  it('gives the incentive engine’s reason for each won deal it cannot credit', () => {
    const book = planBookFromFile(
      join(import.meta.dirname, '..', '..', '..', 'tenants', 'incentives', 'demo.json'),
    );
    const won = { status: 'won' as const, stage: 'Closed Won' };
    const held = heldOutOfIncentives(
      book,
      [
        deal('ok', 'u1', { ...won, closeDate: '2026-10-05' }),
        deal('no-amount', 'u1', { ...won, amount: undefined, closeDate: '2026-10-05' }),
        deal('eur', 'u2', { ...won, currency: 'EUR', closeDate: '2026-10-05' }),
        deal('split', 'u2', { ...won, closeDate: '2026-10-05', fields: { creditSplit: 'u1:60;u2:30' } }),
        deal('open', 'u2', { amount: undefined }),
      ],
      'CNY',
    );
    expect(held.map((h) => [h.deal.id, h.reason.code])).toEqual([
      ['no-amount', 'missing_amount'],
      ['eur', 'no_fx_rate'],
      ['split', 'bad_split'],
    ]);
    expect(held[0]?.reason).toEqual({ code: 'missing_amount', field: 'amount' });
  });
});

describe('chart figures', () => {
  it('sums the open pipeline by stage and twelve weeks of won amount, in the tenant currency', () => {
    const charts = chartsOf({
      deals: [
        deal('w1', 'u1', { status: 'won', closeDate: '2026-10-06', amount: '50000.00' }),
        deal('w2', 'u1', { status: 'won', closeDate: '2026-07-20', amount: '10000.00', currency: 'USD' }),
        deal('w3', 'u1', { status: 'won', closeDate: '2026-07-12', amount: '99.00' }),
      ],
      open: [
        deal('p1', 'u1', { stage: 'Proposal', amount: '100000.00' }),
        deal('p2', 'u2', { stage: 'Proposal', amount: '1000.00', currency: 'USD' }),
        deal('p3', 'u2', { stage: 'Qualify', amount: '1000.00', currency: 'EUR' }),
      ],
      currency: 'CNY',
      today: '2026-10-09',
      fxRate: (from) => (from === 'USD' ? new Dec('7.1') : undefined),
    });
    expect(charts.pipeline).toEqual([
      { stage: 'Proposal', deals: 2, amount: '107100.00' },
      { stage: 'Qualify', deals: 1, amount: '0.00' },
    ]);
    expect(charts.unconverted).toBe(1);
    // W30 (20–26 July) … W41; 12 July is in W28, before the twelve weeks.
    expect(charts.wonByWeek.map((w) => w.week)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-W${String(30 + i).padStart(2, '0')}`),
    );
    expect(charts.wonByWeek[0]).toEqual({
      week: '2026-W30',
      start: '2026-07-20',
      deals: 1,
      amount: '71000.00',
    });
    expect(charts.wonByWeek.at(-1)).toEqual({
      week: '2026-W41',
      start: '2026-10-05',
      deals: 1,
      amount: '50000.00',
    });
  });
});

describe('sequence figures per rep', () => {
  const enrolment = (
    recordId: string,
    ownerId: string,
    startedAt: string,
    stopped?: { at: string; reason: string },
  ): Enrolment => ({
    object: 'lead',
    recordId,
    sequence: 'nurture',
    version: 1,
    occurrence: 'once',
    workflow: 'wf',
    ownerId,
    startedAt,
    status: stopped ? 'stopped' : 'active',
    ...(stopped ? { stoppedAt: stopped.at, stoppedReason: stopped.reason } : {}),
  });
  const replied = (at: string, why = '') => ({ at, reason: `stop condition: replied${why}` });
  // Week 2026-W41 in Shanghai: Monday 5 October 00:00 (+08:00) to the digest's instant, Friday 9 October 18:00.
  const digest = buildDigest(
    input({
      enrolments: [
        enrolment('e1', 'u1', '2026-09-20T01:00:00Z'),
        enrolment('e2', 'u1', '2026-09-28T01:00:00Z', replied('2026-10-06T02:00:00Z')),
        // Stopped by a reply a second before the week began: not in this period.
        enrolment('e3', 'u1', '2026-09-01T01:00:00Z', replied('2026-10-04T15:59:59Z')),
        enrolment(
          'e4',
          'u1',
          '2026-10-07T01:00:00Z',
          replied('2026-10-08T01:00:00Z', ' (someone else at the same account replied)'),
        ),
        enrolment('e5', 'u1', '2026-10-06T01:00:00Z', {
          at: '2026-10-07T01:00:00Z',
          reason: 'the contact unsubscribed (always stops)',
        }),
        // Active at the digest's instant; its reply comes after it, so it is no reply of this digest.
        enrolment('e6', 'u2', '2026-10-01T01:00:00Z', replied('2026-10-10T01:00:00Z')),
        // Started after the digest's instant (a digest made later for this week): not counted.
        enrolment('e7', 'u2', '2026-10-12T01:00:00Z'),
        // Someone outside the team.
        enrolment('e8', 'u9', '2026-10-06T01:00:00Z'),
      ],
    }),
  );

  it('counts active sequences at the digest’s instant and the reply rate over the period', () => {
    expect(
      digest.followUp.reps.map((r) => [
        r.name,
        r.activeSequences,
        r.sequencesInPeriod,
        r.sequenceReplies,
        r.sequenceReplyRate,
      ]),
    ).toEqual([
      ['Emily <Carter>', 0, 0, 0, null],
      ['王芳', 1, 4, 2, '0.5000'],
      ['陈静', 1, 1, 0, '0.0000'],
    ]);
  });

  it('reads the same without enrolments: every rep has none', () => {
    expect(buildDigest(input()).followUp.reps.every((r) => r.sequenceReplyRate === null)).toBe(true);
  });
});
