/** When each manager's digest is due: weekly, daily, monthly, per-manager overrides, holidays, two zones. */
import { describe, expect, it } from 'vitest';
import { parseDigestPeriod } from '../../../shared/digest/period';
import {
  DEFAULT_DIGEST_CONFIG,
  type DigestConfig,
  duePeriods,
  scheduleFor,
  sendInstantOf,
} from '../../../shared/digest/schedule';
import { parseGoals } from '../../../shared/goals/validate';
import { compileCalendar, DEFAULT_CALENDAR } from '../../../shared/workflows/calendar';

const config = (over: Partial<DigestConfig> = {}): DigestConfig => ({ ...DEFAULT_DIGEST_CONFIG, ...over });
const due = (now: string, zone: string, c = config(), manager = 'm1', cal = DEFAULT_CALENDAR) =>
  duePeriods(new Date(now), zone, scheduleFor(c, manager), cal).map((p) => p.key);

/** China 2026: National Day holiday 1–7 October (a Monday, 5 October, is a day off); Saturday 10 October is worked. */
const CN = compileCalendar({
  businessDays: [1, 2, 3, 4, 5],
  hours: { start: '09:00', end: '18:00' },
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  makeUpWorkdays: ['2026-10-10'],
  daysOff: [],
  extraWorkdays: [],
});

describe('weekly (the default): Monday 08:00 in the manager’s zone', () => {
  it('is the week before from Monday 08:00 Shanghai time, and stays due all week', () => {
    expect(due('2026-10-12T07:59:00+08:00', 'Asia/Shanghai')).toEqual(['2026-W40']);
    expect(due('2026-10-12T08:00:00+08:00', 'Asia/Shanghai')).toEqual(['2026-W41']);
    // A missed Monday run is caught up by the next one; the ledger makes any further run a duplicate.
    expect(due('2026-10-18T23:00:00+08:00', 'Asia/Shanghai')).toEqual(['2026-W41']);
  });

  it('follows the manager’s own zone across a DST change', () => {
    const at = '2026-10-12T08:30:00+08:00'; // still Sunday evening in New York
    expect(due(at, 'Asia/Shanghai')).toEqual(['2026-W41']);
    expect(due(at, 'America/New_York')).toEqual(['2026-W40']);
    // New York leaves DST on 1 November: Monday 2 November 08:00 EST is 13:00 UTC, not 12:00.
    expect(due('2026-11-02T12:59:00Z', 'America/New_York')).toEqual(['2026-W43']);
    expect(due('2026-11-02T13:00:00Z', 'America/New_York')).toEqual(['2026-W44']);
    // And on 8 March 2026 it entered DST: Monday 9 March 08:00 EDT is 12:00 UTC.
    expect(due('2026-03-09T11:59:00Z', 'America/New_York')).toEqual(['2026-W09']);
    expect(due('2026-03-09T12:00:00Z', 'America/New_York')).toEqual(['2026-W10']);
  });

  it('goes out the next business morning when Monday is a holiday', () => {
    // Monday 5 October is a holiday in China: W40's digest goes out Thursday 8 October, the next business day.
    const s = scheduleFor(config(), 'm1');
    expect(sendInstantOf(parseDigestPeriod('2026-W40'), s, CN, 'Asia/Shanghai').toISOString()).toBe(
      '2026-10-08T00:00:00.000Z',
    );
    expect(due('2026-10-07T09:00:00+08:00', 'Asia/Shanghai', config(), 'm1', CN)).toEqual(['2026-W39']);
    expect(due('2026-10-08T08:00:00+08:00', 'Asia/Shanghai', config(), 'm1', CN)).toEqual(['2026-W40']);
    // Without the holiday calendar it was Monday.
    expect(due('2026-10-05T08:00:00+08:00', 'Asia/Shanghai')).toEqual(['2026-W40']);
  });

  it('takes another weekday and time', () => {
    const c = config({ weekday: 'fri', at: '17:30' });
    expect(due('2026-10-16T17:29:00+08:00', 'Asia/Shanghai', c)).toEqual(['2026-W40']);
    expect(due('2026-10-16T17:30:00+08:00', 'Asia/Shanghai', c)).toEqual(['2026-W41']);
  });
});

describe('daily and monthly, and per-manager overrides', () => {
  const c = config({
    managers: {
      daily: { frequency: 'daily', at: '07:00' },
      monthly: { frequency: 'monthly', monthDay: 2 },
      off: { enabled: false },
    },
  });

  it('sends a daily digest of the day before; the weekend’s with Friday’s on Monday morning', () => {
    expect(due('2026-10-14T07:00:00+08:00', 'Asia/Shanghai', c, 'daily')).toEqual(['2026-10-13']);
    expect(due('2026-10-14T06:59:00+08:00', 'Asia/Shanghai', c, 'daily')).toEqual(['2026-10-12']);
    expect(due('2026-10-19T07:30:00+08:00', 'Asia/Shanghai', c, 'daily')).toEqual([
      '2026-10-16',
      '2026-10-17',
      '2026-10-18',
    ]);
    // A worked Saturday (China's make-up day) gets Friday's digest.
    expect(due('2026-10-10T07:00:00+08:00', 'Asia/Shanghai', c, 'daily', CN)).toEqual(['2026-10-09']);
  });

  it('sends a monthly digest of the month before on its day, in a DST zone too', () => {
    expect(due('2026-11-02T07:59:00-05:00', 'America/New_York', c, 'monthly')).toEqual(['2026-09']);
    expect(due('2026-11-02T08:00:00-05:00', 'America/New_York', c, 'monthly')).toEqual(['2026-10']);
    // 2 January 2027 is a Saturday: the next business morning, Monday 4 January.
    expect(due('2027-01-02T09:00:00-05:00', 'America/New_York', c, 'monthly')).toEqual(['2026-11']);
    expect(due('2027-01-04T08:00:00-05:00', 'America/New_York', c, 'monthly')).toEqual(['2026-12']);
  });

  it('keeps the tenant’s schedule for everyone else and can turn one manager off', () => {
    expect(scheduleFor(c, 'someone')).toMatchObject({
      enabled: true,
      kind: 'week',
      weekday: 1,
      minutes: 480,
    });
    expect(scheduleFor(c, 'off').enabled).toBe(false);
    expect(scheduleFor(c, 'daily')).toMatchObject({ kind: 'day', minutes: 420 });
  });
});

describe('the digest section of the goals document', () => {
  const doc = (digest: unknown) => ({ schemaVersion: 1, tenantId: 'demo', goals: [], digest });

  it('defaults to weekly on Monday 08:00', () => {
    expect(parseGoals({ schemaVersion: 1, tenantId: 'demo', goals: [] }, 'goals.json').doc.digest).toEqual(
      DEFAULT_DIGEST_CONFIG,
    );
  });

  it('names what is wrong', () => {
    const bad = () =>
      parseGoals(
        doc({ frequency: 'hourly', at: '8am', managers: { m1: { weekday: 'monday', monthDay: 31 } } }),
        'goals.json',
      );
    expect(bad).toThrow(/digest\.frequency: must be daily, weekly or monthly/);
    expect(bad).toThrow(/digest\.at: must be a local time such as 08:00/);
    expect(bad).toThrow(/digest\.managers\.m1\.weekday: must be a weekday/);
    expect(bad).toThrow(/digest\.managers\.m1\.monthDay: must be 1 to 28/);
  });
});
