/**
 * The learned intra-period curve (`curve: "history"`): the owner's usual share of a period's result after the same
 * fraction of business days, and what goal progress makes of it, in Asia/Shanghai (China's holidays and make-up
 * Saturday) and America/New_York (the November DST change inside the month).
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, CrmObject } from '../../../events';
import { businessDatesOf, type PastPeriod, usualShare } from '../../../shared/goals/curve';
import { pace } from '../../../shared/goals/pace';
import { GoalProgress } from '../../../shared/goals/progress';
import { goalDateOf } from '../../../shared/goals/record-dates';
import { parseGoals } from '../../../shared/goals/validate';
import { Dec } from '../../../shared/incentives/money';
import { buildOrg } from '../../../shared/org/model';
import { DEFAULT_CALENDAR } from '../../../shared/workflows/calendar';

/** A past period whose result is `values[i]` on its i-th business day. */
const past = (dates: string[], values: number[]): PastPeriod => {
  const byDate = new Map(dates.map((d, i) => [d, new Dec(values[i] ?? 0)]));
  return {
    businessDates: dates,
    total: [...byDate.values()].reduce((a, b) => a.plus(b), new Dec(0)),
    upTo: (date) => [...byDate].filter(([d]) => d <= date).reduce((a, [, v]) => a.plus(v), new Dec(0)),
  };
};
const tenDays = Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 5).padStart(2, '0')}`);

describe('usualShare', () => {
  it('averages the share reached after the same fraction of business days, cut down to a whole day', () => {
    // Three periods that close 80 % in the last two of ten days; one with an even spread.
    const late = past(tenDays, [1, 1, 1, 1, 1, 1, 1, 1, 46, 46]);
    const even = past(tenDays, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(usualShare([late, late, even], 5, 10)?.toString()).toBe('0.2');
    // 5 of 20 days is a quarter: 2.5 days of ten, cut to 2.
    expect(usualShare([late, late, even], 5, 20)?.toFixed(6)).toBe(new Dec('0.08').toFixed(6));
    expect(usualShare([late, late, even], 0, 10)?.toString()).toBe('0');
  });

  it('needs three periods with a result; empty periods do not count', () => {
    const late = past(tenDays, [1, 1, 1, 1, 1, 1, 1, 1, 46, 46]);
    const empty = past(tenDays, []);
    expect(usualShare([late, late, empty], 5, 10)).toBeUndefined();
    expect(usualShare([late, late, late, empty], 5, 10)?.toString()).toBe('0.05');
  });
});

describe('pace with an expected share', () => {
  const days = { total: 20, elapsed: 10, remaining: 10, ended: false };
  it('expects target × share and projects actual ÷ share', () => {
    const p = pace({ target: new Dec(1000), actual: new Dec(150), days, expectedShare: new Dec('0.2') });
    expect(p.expected.toString()).toBe('200');
    expect(p.gap.toString()).toBe('50');
    expect(p.projected?.toString()).toBe('750');
    expect(p.status).toBe('behind');
    // The straight line would have expected 500.
    expect(pace({ target: new Dec(1000), actual: new Dec(150), days }).expected.toString()).toBe('500');
  });
  it('is ignored once the period has ended', () => {
    const ended = { total: 20, elapsed: 20, remaining: 0, ended: true };
    const p = pace({
      target: new Dec(1000),
      actual: new Dec(900),
      days: ended,
      expectedShare: new Dec('0.2'),
    });
    expect(p.expected.toString()).toBe('1000');
    expect(p.status).toBe('missed');
  });
});

const goalsFor = (timeZone: string, calendar: Record<string, unknown>) =>
  parseGoals(
    {
      schemaVersion: 1,
      tenantId: 'acme',
      org: {
        directReportTeams: false,
        people: { a: { timeZone, calendar: 'own' } },
        teams: { t: { name: 'T', members: ['a'] } },
      },
      calendars: { own: calendar },
      goals: [
        {
          id: 'deals',
          name: { en: 'Won deals' },
          owner: 'rep',
          metric: { type: 'won_deals' },
          period: { kind: 'month' },
          target: { source: 'targets' },
          curve: 'history',
        },
      ],
    },
    'goals.json',
  );

/** Three past months where the rep wins 1 deal early and 4 in the month's last business days. */
const history = (months: string[], lateDays: Record<string, unknown>): [CrmObject, CanonicalRecord][] =>
  months.flatMap((m) => [
    won(`${m}-early`, `${m}-02`),
    ...[1, 2, 3, 4].map((i) => won(`${m}-late-${i}`, lateDays[m] as string)),
  ]);
const won = (id: string, closeDate: string): [CrmObject, CanonicalRecord] => [
  'deal',
  { id, modifiedAt: `${closeDate}T04:00:00Z`, owner: { id: 'a' }, status: 'won', closeDate, fields: {} },
];

const progressOf = (
  timeZone: string,
  calendar: Record<string, unknown>,
  records: [CrmObject, CanonicalRecord][],
) => {
  const goals = goalsFor(timeZone, calendar);
  const org = buildOrg({
    users: [{ id: 'a', name: 'Ann', active: true }],
    tenant: { timeZone, locale: 'en' },
    config: goals.doc.org,
  });
  return new GoalProgress(
    goals,
    org,
    { id: 'acme', currency: 'CNY', timeZone },
    {
      owned: async (object, owner, lower, upper) =>
        records
          .filter(([o, r]) => o === object && r.owner?.id === owner)
          .map(([, r]) => r)
          .filter((r) => {
            const d = goalDateOf(object, r);
            return d >= lower && d <= `${upper}\uffff`;
          }),
      target: async () => '10',
      fxRate: () => undefined,
    },
  );
};

describe('goal progress with curve: history', () => {
  it('Asia/Shanghai: halfway through November the usual share (1 of 5) is expected, not half', async () => {
    const records = [
      ...history(['2026-08', '2026-09', '2026-10'], {
        '2026-08': '2026-08-31',
        '2026-09': '2026-09-30',
        '2026-10': '2026-10-30',
      }),
      won('nov-1', '2026-11-03'),
      won('nov-2', '2026-11-05'),
    ];
    const [f] = await progressOf('Asia/Shanghai', { source: 'chinese-days' }, records).figures({
      asOf: new Date('2026-11-16T10:00:00+08:00'),
    });
    expect(f?.curve).toBe('history');
    // By 16 November 10 business days of 21 have ended; each past month had 1 of 5 by then: 10 × 0.2 = 2.
    expect(f?.expected).toBe('2.00');
    expect(f?.actual).toBe('2.00');
    expect(f?.status).toBe('on_track');
    expect(f?.projected).toBe('10.00');
  });

  it('America/New_York, across the DST change: falls back to the straight line with two months of history', async () => {
    const records = [
      ...history(['2026-09', '2026-10'], { '2026-09': '2026-09-30', '2026-10': '2026-10-30' }),
      won('nov-1', '2026-11-03'),
    ];
    const [f] = await progressOf(
      'America/New_York',
      { holidays: ['2026-11-11', '2026-11-26'] },
      records,
    ).figures({
      asOf: new Date('2026-11-16T10:00:00-05:00'),
    });
    expect(f?.curve).toBe('linear');
    // 9 of 19 business days ended (Veterans Day and Thanksgiving off; 1 November was still EDT, the 16th is EST):
    // 10 × 9 ÷ 19.
    expect(f?.expected).toBe('4.74');
    expect(f?.businessDays).toEqual({ total: 19, elapsed: 9, remaining: 10 });
  });

  it('business days of a period come in order from the calendar', () => {
    expect(businessDatesOf(DEFAULT_CALENDAR, { start: '2026-11-27', end: '2026-12-02' })).toEqual([
      '2026-11-27',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });
});

describe('curve config', () => {
  const goal = (over: Record<string, unknown>) => ({
    schemaVersion: 1,
    tenantId: 'acme',
    goals: [
      {
        id: 'g',
        name: { en: 'G' },
        owner: 'rep',
        metric: { type: 'won_deals' },
        period: { kind: 'month' },
        target: { source: 'targets' },
        curve: 'history',
        ...over,
      },
    ],
  });
  it('refuses a history curve without earlier periods, or on a ceiling, naming the path', () => {
    expect(() =>
      parseGoals(goal({ period: { kind: 'range', from: '2026-11-01', to: '2026-11-30' } }), 'goals.json'),
    ).toThrow(/goals\[0\]\.curve: history needs a month, quarter or year period/);
    expect(() => parseGoals(goal({ metric: { type: 'first_response_time' } }), 'goals.json')).toThrow(
      /goals\[0\]\.curve: first_response_time is a ceiling/,
    );
    expect(() => parseGoals(goal({ curve: 'smooth' }), 'goals.json')).toThrow(/curve/);
  });
});
