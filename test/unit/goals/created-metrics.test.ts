/**
 * Metrics dated by creation time: new pipeline (amount and count) bucketed by `createdAt` in the owner's zone
 * (Asia/Shanghai, and America/New_York across its March DST change), amounts converted exactly; median first-
 * response time to new leads (lower is better); and last period's actual as a baseline.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, CrmObject } from '../../../events';
import { median } from '../../../shared/goals/metrics';
import { GoalProgress } from '../../../shared/goals/progress';
import { createdAtOf, goalDateOf } from '../../../shared/goals/record-dates';
import { parseGoals } from '../../../shared/goals/validate';
import { Dec } from '../../../shared/incentives/money';
import { parseGenericBody } from '../../../shared/ingest/generic-webhook';
import { buildOrg } from '../../../shared/org/model';

const goal = (id: string, type: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: { en: id },
  owner: 'rep',
  people: ['li', 'ann'],
  metric: { type },
  period: { kind: 'month' },
  target: { source: 'targets' },
  ...extra,
});
const goals = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'acme',
    org: {
      people: { li: { timeZone: 'Asia/Shanghai' }, ann: { timeZone: 'America/New_York' } },
    },
    goals: [
      goal('pipeline', 'new_pipeline_amount', { baseline: 'last_period' }),
      goal('pipeline-count', 'new_pipeline_count'),
      goal('response', 'first_response_time'),
    ],
  },
  'goals.json',
);
const org = buildOrg({
  users: [
    { id: 'li', name: 'Li', active: true },
    { id: 'ann', name: 'Ann', active: true },
  ],
  tenant: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
  config: goals.doc.org,
});

const deal = (id: string, owner: string, createdAt: string, amount: string, currency = 'CNY') =>
  [
    'deal',
    {
      id,
      createdAt,
      modifiedAt: '2026-06-01T00:00:00Z',
      owner: { id: owner },
      status: 'open',
      amount,
      currency,
      closeDate: '2026-07-31',
      fields: {},
    },
  ] as [CrmObject, CanonicalRecord];
const lead = (id: string, createdAt: string) =>
  ['lead', { id, createdAt, modifiedAt: createdAt, owner: { id: 'li' }, fields: {} }] as [
    CrmObject,
    CanonicalRecord,
  ];
const touch = (id: string, leadId: string, at: string) =>
  [
    'activity',
    {
      id,
      modifiedAt: at,
      owner: { id: 'li' },
      fields: { type: 'call', occurredAt: at, relatedObject: 'lead', relatedId: leadId },
    },
  ] as [CrmObject, CanonicalRecord];

const records = [
  deal('p1', 'li', '2026-02-28T16:30:00Z', '1000.10'), // 1 March 00:30 in Shanghai: March
  deal('p2', 'li', '2026-03-31T16:00:00Z', '9.99'), // 1 April 00:00 in Shanghai: April
  deal('p3', 'li', '2026-03-15T02:00:00Z', '100.01', 'USD'), // × 7.0712 = 707.190712
  deal('p4', 'li', '2026-02-10T02:00:00Z', '500.005'), // February: the baseline
  deal('n1', 'ann', '2026-03-01T04:59:00Z', '1'), // 28 February 23:59 EST: out
  deal('n2', 'ann', '2026-03-01T05:00:00Z', '1'), // 1 March 00:00 EST: in
  deal('n3', 'ann', '2026-04-01T03:59:00Z', '1'), // 31 March 23:59 EDT (after the DST change): in
  deal('n4', 'ann', '2026-04-01T04:00:00Z', '1'), // 1 April 00:00 EDT: out
  lead('L1', '2026-03-02T01:00:00Z'),
  touch('a0', 'L1', '2026-03-02T00:30:00Z'), // before the lead existed: not a response
  touch('a1', 'L1', '2026-03-02T03:30:00Z'), // 2.5 h
  lead('L2', '2026-03-03T00:00:00Z'),
  touch('a2', 'L2', '2026-03-03T01:00:00Z'), // 1 h
  touch('a3', 'L2', '2026-03-03T05:00:00Z'), // a later touch changes nothing
  lead('L3', '2026-03-04T00:00:00Z'), // untouched: its wait so far counts
];
const targets: Record<string, string> = {
  'pipeline|2026-03|li': '3000',
  'pipeline-count|2026-03|ann': '2',
  'response|2026-03|li': '2',
};
const inRange = (d: string, lower: string, upper: string) => d >= lower && d <= `${upper}\uffff`;
const reads: string[] = [];
const progress = new GoalProgress(
  goals,
  org,
  { id: 'acme', currency: 'CNY', timeZone: 'Asia/Shanghai' },
  {
    owned: async (object, owner, lower, upper) =>
      records
        .filter(([o, r]) => o === object && r.owner?.id === owner && inRange(goalDateOf(o, r), lower, upper))
        .map(([, r]) => r),
    created: async (object, owner, lower, upper) => {
      reads.push(`${object}/${owner} ${lower}..${upper}`);
      return records
        .filter(([o, r]) => o === object && r.owner?.id === owner && inRange(createdAtOf(r), lower, upper))
        .map(([, r]) => r);
    },
    target: async (g, period, owner) => targets[`${g}|${period}|${owner}`],
    fxRate: (from, to, date) =>
      from === to ? new Dec(1) : from === 'USD' && date.startsWith('2026-03') ? new Dec('7.0712') : undefined,
  },
);

describe('metrics dated by creation', () => {
  it('new pipeline in Shanghai: created in the local month, converted exactly, last month as the baseline', async () => {
    reads.length = 0;
    const figures = await progress.figures({ asOf: new Date('2026-03-20T04:00:00Z'), person: 'li' });
    const f = figures.find((x) => x.goal === 'pipeline');
    // 1000.10 + 100.01 × 7.0712 = 1707.290712, rounded once to the fen.
    expect(f).toMatchObject({ actual: '1707.29', unit: 'CNY', target: '3000.00', baseline: '500.01' });
    expect(f?.skipped).toEqual([]);
    // The creation index, bounded by the local month's instants (and February's for the baseline).
    expect(reads).toContain('deal/li 2026-02-28T16:00:00.000Z..2026-03-31T15:59:59.999Z');
    expect(reads).toContain('deal/li 2026-01-31T16:00:00.000Z..2026-02-28T15:59:59.999Z');
    expect(figures.find((x) => x.goal === 'pipeline-count')).toMatchObject({
      actual: '2.00',
      baseline: null,
    });
  });

  it('new pipeline in New York: the month’s ends in EST and EDT', async () => {
    const figures = await progress.figures({ asOf: new Date('2026-03-20T16:00:00Z'), person: 'ann' });
    expect(figures.find((x) => x.goal === 'pipeline-count')).toMatchObject({
      actual: '2.00',
      target: '2.00',
      status: 'met',
    });
  });

  it('a deal in a currency without a rate is skipped with the reason, never guessed', async () => {
    records.push(deal('p5', 'li', '2026-03-16T02:00:00Z', '5', 'EUR'));
    try {
      const [f] = (await progress.figures({ asOf: new Date('2026-03-20T04:00:00Z'), person: 'li' })).filter(
        (x) => x.goal === 'pipeline',
      );
      expect(f?.actual).toBe('1707.29');
      expect(f?.skipped).toEqual([{ id: 'p5', reason: 'no EUR→CNY rate for 2026-03 in fxRates' }]);
    } finally {
      records.pop();
    }
  });

  it('first response: the median hours to the owner’s first touch; lower is better', async () => {
    // 5 March 14:00 in Shanghai: L1 2.5 h, L2 1 h, L3 untouched for 30 h so far → median 2.5 h against 2 h.
    const [f] = (await progress.figures({ asOf: new Date('2026-03-05T06:00:00Z'), person: 'li' })).filter(
      (x) => x.goal === 'response',
    );
    expect(f).toMatchObject({
      unit: 'hours',
      actual: '2.50',
      target: '2.00',
      expected: '2.00',
      gap: '0.50',
      projected: '2.50',
      neededPerWeek: null,
      status: 'behind',
    });
    expect(f?.businessDays.elapsed).toBe(3);
  });

  it('first response under the ceiling is on track, not met, until the period ends', async () => {
    const [f] = (await progress.figures({ asOf: new Date('2026-03-04T01:00:00Z'), person: 'li' })).filter(
      (x) => x.goal === 'response',
    );
    // L1 2.5 h, L2 1 h, L3 waiting 1 h: median 1 h.
    expect(f).toMatchObject({ actual: '1.00', gap: '-1.00', status: 'on_track' });
  });

  it('median of an even count is the mean of the middle two, exactly', () => {
    expect(median(['0.1', '0.3', '0.2', '10'].map((v) => new Dec(v))).toFixed()).toBe('0.25');
    expect(median([]).toFixed()).toBe('0');
  });
});

describe('createdAt on the generic webhook', () => {
  const body = (createdAt: unknown) =>
    JSON.stringify({
      object: 'deal',
      action: 'created',
      record: { id: 'D-7', createdAt, modifiedAt: '2026-10-12T02:05:00Z', fields: {} },
    });

  it('takes an ISO instant with its offset, and the record keeps it', () => {
    expect(parseGenericBody(body('2026-10-09T09:00:00+08:00')).record.createdAt).toBe(
      '2026-10-09T09:00:00+08:00',
    );
    expect(createdAtOf(parseGenericBody(body('2026-10-09T09:00:00+08:00')).record)).toBe(
      '2026-10-09T01:00:00.000Z',
    );
  });

  it('refuses a creation time that is not an instant, naming the field', () => {
    expect(() => parseGenericBody(body('2026-10-09'))).toThrow(/record\.createdAt/);
  });
});
