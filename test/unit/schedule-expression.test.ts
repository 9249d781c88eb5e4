import { describe, expect, it } from 'vitest';
import {
  formatAtExpression,
  nextFireTime,
  nextFireTimes,
  parseScheduleExpression,
  ScheduleExpressionError,
  zonedLocalToUtc,
} from '../../shared/schedules/expression.js';

type Opts = Parameters<typeof nextFireTimes>[1];

/** Fire times of `expr` as ISO strings, so failures show readable instants. */
function fires(expr: string, opts: Omit<Opts, 'after'> & { after: string }): string[] {
  return nextFireTimes(parseScheduleExpression(expr), { ...opts, after: new Date(opts.after) }).map((d) =>
    d.toISOString(),
  );
}

/** Local calendar date (yyyy-mm-dd) of an ISO instant in a zone. */
function localDay(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

const UTC = { timeZone: 'UTC', after: '2026-01-01T00:00:00Z' }; // a Thursday
const NY = 'America/New_York';
const LONDON = 'Europe/London';

describe('parseScheduleExpression', () => {
  it('parses cron fields in AWS order', () => {
    expect(parseScheduleExpression('cron(0 18 ? * MON-FRI *)')).toEqual({
      kind: 'cron',
      expression: 'cron(0 18 ? * MON-FRI *)',
      fields: { minutes: '0', hours: '18', dayOfMonth: '?', month: '*', dayOfWeek: 'MON-FRI', year: '*' },
    });
  });

  it('parses rate expressions with their period in ms', () => {
    expect(parseScheduleExpression('rate(5 minutes)')).toEqual({
      kind: 'rate',
      value: 5,
      unit: 'minutes',
      everyMs: 300_000,
    });
    expect(parseScheduleExpression('rate(1 hour)')).toEqual({
      kind: 'rate',
      value: 1,
      unit: 'hour',
      everyMs: 3_600_000,
    });
    expect(parseScheduleExpression('rate(1 day)')).toEqual({
      kind: 'rate',
      value: 1,
      unit: 'day',
      everyMs: 86_400_000,
    });
    expect(parseScheduleExpression('rate(2 days)')).toMatchObject({ everyMs: 172_800_000 });
  });

  it('parses at() expressions', () => {
    expect(parseScheduleExpression('at(2026-03-08T10:15:00)')).toEqual({
      kind: 'at',
      local: '2026-03-08T10:15:00',
    });
  });

  it.each([
    ['cron(0 10 * * ?)', 'cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got 5'],
    [
      'cron(0 10 * * ? * *)',
      'cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got 7',
    ],
    ['cron()', 'cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got 0'],
    [
      'cron(0 10 * * MON *)',
      "cron(): day-of-month and day-of-week cannot both be specified; one must be '?'",
    ],
    ['cron(0 10 1 * 2 *)', "cron(): day-of-month and day-of-week cannot both be specified; one must be '?'"],
    ['cron(0 10 ? * ? *)', "cron(): day-of-month and day-of-week cannot both be '?'; specify one of them"],
    ['cron(? 10 * * ? *)', "cron(): '?' is only allowed in day-of-month or day-of-week, not in minutes"],
    ['cron(0 10 1,? * ? *)', "cron(): '?' must be the whole day-of-month field"],
    ['cron(60 10 * * ? *)', "cron(): minutes value '60' is out of range 0-59"],
    ['cron(0 24 * * ? *)', "cron(): hours value '24' is out of range 0-23"],
    ['cron(0 10 32 * ? *)', "cron(): day-of-month value '32' is out of range 1-31"],
    ['cron(0 10 * 13 ? *)', "cron(): month value '13' is out of range 1-12 (or JAN-DEC)"],
    ['cron(0 10 * FOO ? *)', "cron(): month value 'FOO' is out of range 1-12 (or JAN-DEC)"],
    ['cron(0 10 ? * 0 *)', "cron(): day-of-week value '0' is out of range 1-7 (or SUN-SAT; AWS uses 1=SUN)"],
    ['cron(0 10 ? * 8 *)', "cron(): day-of-week value '8' is out of range 1-7 (or SUN-SAT; AWS uses 1=SUN)"],
    ['cron(0 10 * * ? 1969)', "cron(): year value '1969' is out of range 1970-2199"],
    ['cron(0 10 * * ? 2200)', "cron(): year value '2200' is out of range 1970-2199"],
    ['cron(0 10-5 * * ? *)', "cron(): hours range '10-5' runs backwards"],
    ['cron(0/0 * * * ? *)', "cron(): minutes step '0' must be a positive integer"],
    ['cron(0 10 ? * MON/2 *)', "cron(): '/' is not allowed in day-of-week"],
    ['cron(0 10 ? * 2#6 *)', "cron(): day-of-week '2#6' needs an occurrence 1-5 after '#'"],
    ['cron(0 10 L-2 * ? *)', "cron(): invalid day-of-month value 'L-2'"],
    ['cron(0 10W * * ? *)', "cron(): invalid hours value '10W'"],
    ['rate(1 minutes)', "rate(): value 1 needs the singular unit 'minute', got 'minutes'"],
    ['rate(5 minute)', "rate(): value 5 needs the plural unit 'minutes', got 'minute'"],
    ['rate(1 days)', "rate(): value 1 needs the singular unit 'day', got 'days'"],
    ['rate(5 weeks)', "rate(): unit must be minute(s), hour(s) or day(s), got 'weeks'"],
    ['rate(0 minutes)', "rate(): value must be a positive integer, got '0'"],
    ['rate(1.5 hours)', "rate(): value must be a positive integer, got '1.5'"],
    ['rate(-1 minutes)', "rate(): value must be a positive integer, got '-1'"],
    ['rate(5)', 'rate(): expected rate(value unit), e.g. rate(5 minutes)'],
    ['at(2026-03-08 10:00:00)', "at(): expected yyyy-mm-ddThh:mm:ss, got '2026-03-08 10:00:00'"],
    ['at(2026-03-08T10:00)', "at(): expected yyyy-mm-ddThh:mm:ss, got '2026-03-08T10:00'"],
    ['at(2026-02-30T10:00:00)', "at(): '2026-02-30T10:00:00' is not a real date and time"],
    ['at(2026-03-08T24:00:00)', "at(): '2026-03-08T24:00:00' is not a real date and time"],
    ['every 5 minutes', "schedule expression must be cron(...), rate(...) or at(...), got 'every 5 minutes'"],
    ['0 10 * * ? *', "schedule expression must be cron(...), rate(...) or at(...), got '0 10 * * ? *'"],
  ])('rejects %s', (expr, message) => {
    expect(() => parseScheduleExpression(expr)).toThrow(ScheduleExpressionError);
    expect(() => parseScheduleExpression(expr)).toThrow(message);
  });

  it('keeps the offending expression on the error', () => {
    const err = (() => {
      try {
        parseScheduleExpression('rate(1 minutes)');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ScheduleExpressionError);
    expect(err).toMatchObject({ name: 'ScheduleExpressionError', expression: 'rate(1 minutes)' });
  });
});

describe('AWS Scheduler documentation examples (UTC)', () => {
  it('cron(0 10 * * ? *): 10:00 every day', () => {
    expect(fires('cron(0 10 * * ? *)', { ...UTC, limit: 3 })).toEqual([
      '2026-01-01T10:00:00.000Z',
      '2026-01-02T10:00:00.000Z',
      '2026-01-03T10:00:00.000Z',
    ]);
  });

  it('cron(15 12 * * ? *): 12:15 every day', () => {
    expect(fires('cron(15 12 * * ? *)', { ...UTC, limit: 2 })).toEqual([
      '2026-01-01T12:15:00.000Z',
      '2026-01-02T12:15:00.000Z',
    ]);
  });

  it('cron(0 18 ? * MON-FRI *): 18:00 on weekdays', () => {
    expect(fires('cron(0 18 ? * MON-FRI *)', { ...UTC, limit: 4 })).toEqual([
      '2026-01-01T18:00:00.000Z', // Thu
      '2026-01-02T18:00:00.000Z', // Fri
      '2026-01-05T18:00:00.000Z', // Mon
      '2026-01-06T18:00:00.000Z', // Tue
    ]);
  });

  it('cron(0 8 1 * ? *): 08:00 on the 1st of each month', () => {
    expect(fires('cron(0 8 1 * ? *)', { ...UTC, limit: 3 })).toEqual([
      '2026-01-01T08:00:00.000Z',
      '2026-02-01T08:00:00.000Z',
      '2026-03-01T08:00:00.000Z',
    ]);
  });

  it('cron(0/15 * * * ? *): every 15 minutes', () => {
    expect(fires('cron(0/15 * * * ? *)', { ...UTC, limit: 4 })).toEqual([
      '2026-01-01T00:15:00.000Z',
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T00:45:00.000Z',
      '2026-01-01T01:00:00.000Z',
    ]);
  });

  it('n/step starts at n: cron(5/20 * * * ? *)', () => {
    expect(fires('cron(5/20 * * * ? *)', { ...UTC, limit: 4 })).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:25:00.000Z',
      '2026-01-01T00:45:00.000Z',
      '2026-01-01T01:05:00.000Z',
    ]);
  });

  it('cron(0/10 * ? * MON-FRI *): every 10 minutes on weekdays, over a weekend', () => {
    expect(
      fires('cron(0/10 * ? * MON-FRI *)', { timeZone: 'UTC', after: '2026-01-02T23:40:00Z', limit: 3 }),
    ).toEqual(['2026-01-02T23:50:00.000Z', '2026-01-05T00:00:00.000Z', '2026-01-05T00:10:00.000Z']);
  });

  it('cron(0/5 8-17 ? * MON-FRI *): every 5 minutes 08:00-17:55 on weekdays', () => {
    expect(
      fires('cron(0/5 8-17 ? * MON-FRI *)', { timeZone: 'UTC', after: '2026-01-02T17:50:00Z', limit: 3 }),
    ).toEqual(['2026-01-02T17:55:00.000Z', '2026-01-05T08:00:00.000Z', '2026-01-05T08:05:00.000Z']);
  });

  it('cron(0 9 ? * 2#1 *): 09:00 on the first Monday of the month', () => {
    expect(fires('cron(0 9 ? * 2#1 *)', { ...UTC, limit: 4 })).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-02-02T09:00:00.000Z',
      '2026-03-02T09:00:00.000Z',
      '2026-04-06T09:00:00.000Z',
    ]);
  });

  it('rate(5 minutes): every 5 minutes from `after` by default', () => {
    expect(fires('rate(5 minutes)', { timeZone: 'UTC', after: '2026-01-01T00:02:30Z', limit: 3 })).toEqual([
      '2026-01-01T00:07:30.000Z',
      '2026-01-01T00:12:30.000Z',
      '2026-01-01T00:17:30.000Z',
    ]);
  });

  it('rate(1 hour): keeps the phase of startAnchor', () => {
    expect(
      fires('rate(1 hour)', {
        timeZone: 'UTC',
        after: '2026-01-01T03:00:00Z',
        startAnchor: new Date('2026-01-01T00:20:00Z'),
        limit: 2,
      }),
    ).toEqual(['2026-01-01T03:20:00.000Z', '2026-01-01T04:20:00.000Z']);
  });

  it('rate(): a startAnchor after `after` is itself the first fire; until is inclusive', () => {
    expect(
      fires('rate(30 minutes)', {
        timeZone: 'UTC',
        after: '2026-01-01T00:00:00Z',
        startAnchor: new Date('2026-01-01T06:00:00Z'),
        until: new Date('2026-01-01T07:00:00Z'),
      }),
    ).toEqual(['2026-01-01T06:00:00.000Z', '2026-01-01T06:30:00.000Z', '2026-01-01T07:00:00.000Z']);
  });

  it('rate(1 day) is 24 real hours, so it drifts against local time across DST (as AWS documents)', () => {
    expect(
      fires('rate(1 day)', {
        timeZone: NY,
        after: '2026-03-07T14:00:00Z',
        startAnchor: new Date('2026-03-07T14:00:00Z'),
        limit: 2,
      }),
    ).toEqual(['2026-03-08T14:00:00.000Z', '2026-03-09T14:00:00.000Z']); // 09:00 EST, then 10:00 EDT
  });
});

describe('cron field semantics', () => {
  it('day-of-week 1 is Sunday and 7 is Saturday (AWS numbering, not Unix)', () => {
    expect(fires('cron(0 12 ? * 1 *)', { ...UTC, limit: 2 })).toEqual([
      '2026-01-04T12:00:00.000Z',
      '2026-01-11T12:00:00.000Z',
    ]);
    expect(fires('cron(0 12 ? * 7 *)', { ...UTC, limit: 2 })).toEqual([
      '2026-01-03T12:00:00.000Z',
      '2026-01-10T12:00:00.000Z',
    ]);
    expect(fires('cron(0 12 ? * SUN *)', { ...UTC, limit: 1 })).toEqual(['2026-01-04T12:00:00.000Z']);
  });

  it('names are case-insensitive and month names work', () => {
    expect(fires('cron(0 12 1 jan,Mar ? *)', { ...UTC, limit: 3 })).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-03-01T12:00:00.000Z',
      '2027-01-01T12:00:00.000Z',
    ]);
  });

  it('L in day-of-month is the last day of the month', () => {
    expect(fires('cron(0 12 L * ? *)', { ...UTC, limit: 3 })).toEqual([
      '2026-01-31T12:00:00.000Z',
      '2026-02-28T12:00:00.000Z',
      '2026-03-31T12:00:00.000Z',
    ]);
  });

  it('LW is the last weekday, 15W the weekday nearest the 15th', () => {
    expect(fires('cron(0 12 LW * ? *)', { ...UTC, limit: 2 })).toEqual([
      '2026-01-30T12:00:00.000Z', // 31st is a Saturday
      '2026-02-27T12:00:00.000Z', // 28th is a Saturday
    ]);
    expect(fires('cron(0 12 15W * ? *)', { ...UTC, limit: 2 })).toEqual([
      '2026-01-15T12:00:00.000Z', // Thursday
      '2026-02-16T12:00:00.000Z', // 15th is a Sunday -> Monday
    ]);
  });

  it('6L is the last Friday; L alone in day-of-week is Saturday', () => {
    expect(fires('cron(0 12 ? * 6L *)', { ...UTC, limit: 2 })).toEqual([
      '2026-01-30T12:00:00.000Z',
      '2026-02-27T12:00:00.000Z',
    ]);
    expect(fires('cron(0 12 ? * L *)', { ...UTC, limit: 2 })).toEqual([
      '2026-01-03T12:00:00.000Z',
      '2026-01-10T12:00:00.000Z',
    ]);
  });

  it('year field restricts fires to those years', () => {
    expect(fires('cron(0 10 1 1 ? 2028-2029)', { ...UTC, limit: 5 })).toEqual([
      '2028-01-01T10:00:00.000Z',
      '2029-01-01T10:00:00.000Z',
    ]);
    expect(fires('cron(0 10 1 1 ? 2026/2)', { ...UTC, limit: 3 })).toEqual([
      '2026-01-01T10:00:00.000Z',
      '2028-01-01T10:00:00.000Z',
      '2030-01-01T10:00:00.000Z',
    ]);
    expect(fires('cron(0 10 * * ? 2025)', { ...UTC, limit: 5 })).toEqual([]);
  });

  it('the year is the local year in the schedule time zone', () => {
    expect(fires('cron(30 0 1 1 ? 2027)', { timeZone: NY, after: '2026-06-01T00:00:00Z' })).toEqual([
      '2027-01-01T05:30:00.000Z',
    ]);
    expect(
      fires('cron(30 23 31 12 ? 2026)', { timeZone: 'Asia/Shanghai', after: '2026-06-01T00:00:00Z' }),
    ).toEqual(['2026-12-31T15:30:00.000Z']);
  });

  it('fires strictly after `after`, at most `until` (inclusive) and at most `limit`', () => {
    expect(fires('cron(0 10 * * ? *)', { timeZone: 'UTC', after: '2026-01-01T10:00:00Z', limit: 2 })).toEqual(
      ['2026-01-02T10:00:00.000Z', '2026-01-03T10:00:00.000Z'],
    );
    expect(fires('cron(0 10 * * ? *)', { ...UTC, until: new Date('2026-01-03T10:00:00Z') })).toEqual([
      '2026-01-01T10:00:00.000Z',
      '2026-01-02T10:00:00.000Z',
      '2026-01-03T10:00:00.000Z',
    ]);
    expect(fires('cron(0/1 * * * ? *)', UTC)).toHaveLength(100);
  });

  it('nextFireTime returns the first fire or undefined', () => {
    const daily = parseScheduleExpression('cron(0 10 * * ? *)');
    expect(nextFireTime(daily, { timeZone: 'UTC', after: new Date('2026-01-01T10:00:00Z') })).toEqual(
      new Date('2026-01-02T10:00:00Z'),
    );
    const past = parseScheduleExpression('cron(0 10 * * ? 2025)');
    expect(nextFireTime(past, { timeZone: 'UTC', after: new Date('2026-01-01T00:00:00Z') })).toBeUndefined();
  });

  it('rejects an unknown time zone', () => {
    const daily = parseScheduleExpression('cron(0 10 * * ? *)');
    expect(() => nextFireTimes(daily, { timeZone: 'Mars/Olympus', after: new Date() })).toThrow(
      "unknown time zone 'Mars/Olympus'",
    );
  });
});

describe('time zones without DST', () => {
  it('Asia/Shanghai: cron(0 9 ? * MON *) is 01:00Z every Monday, all year', () => {
    expect(
      fires('cron(0 9 ? * MON *)', { timeZone: 'Asia/Shanghai', after: '2026-03-01T00:00:00Z', limit: 3 }),
    ).toEqual(['2026-03-02T01:00:00.000Z', '2026-03-09T01:00:00.000Z', '2026-03-16T01:00:00.000Z']);
    expect(
      fires('cron(0 9 ? * MON *)', { timeZone: 'Asia/Shanghai', after: '2026-07-01T00:00:00Z', limit: 1 }),
    ).toEqual(['2026-07-06T01:00:00.000Z']);
  });

  it('a Shanghai Monday 07:00 is still Sunday in UTC', () => {
    expect(
      fires('cron(0 7 ? * MON *)', { timeZone: 'Asia/Shanghai', after: '2026-03-01T00:00:00Z', limit: 1 }),
    ).toEqual(['2026-03-01T23:00:00.000Z']);
  });
});

describe('DST: America/New_York (spring forward 2026-03-08 02:00 -> 03:00, fall back 2026-11-01 02:00 -> 01:00)', () => {
  it('a daily 02:30 job fires once on 2026-03-08, at 03:00 EDT (first valid time after the gap)', () => {
    const got = fires('cron(30 2 * * ? *)', { timeZone: NY, after: '2026-03-06T12:00:00Z', limit: 3 });
    expect(got).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
    expect(got.map((d) => localDay(d, NY))).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
  });

  it("dstGap: 'skip' reproduces AWS's documented behaviour: the nonexistent 02:30 is skipped", () => {
    expect(
      fires('cron(30 2 * * ? *)', { timeZone: NY, after: '2026-03-06T12:00:00Z', limit: 2, dstGap: 'skip' }),
    ).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('a daily 01:30 job fires once on 2026-11-01, at the first (EDT) 01:30', () => {
    const got = fires('cron(30 1 * * ? *)', { timeZone: NY, after: '2026-10-30T12:00:00Z', limit: 3 });
    expect(got).toEqual(['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
    expect(got.map((d) => localDay(d, NY))).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
  });

  it('does not fire the repeated 01:30 EST when `after` falls inside the repeated hour', () => {
    expect(fires('cron(30 1 * * ? *)', { timeZone: NY, after: '2026-11-01T06:10:00Z', limit: 1 })).toEqual([
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('09:00 daily stays 09:00 local: 14:00Z in EST, 13:00Z in EDT', () => {
    expect(fires('cron(0 9 * * ? *)', { timeZone: NY, after: '2026-03-06T12:00:00Z', limit: 4 })).toEqual([
      '2026-03-06T14:00:00.000Z',
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
    expect(fires('cron(0 9 * * ? *)', { timeZone: NY, after: '2026-10-30T12:00:00Z', limit: 4 })).toEqual([
      '2026-10-30T13:00:00.000Z',
      '2026-10-31T13:00:00.000Z',
      '2026-11-01T14:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
    ]);
  });

  it('an every-30-minutes job runs each local time once through the repeated hour', () => {
    expect(fires('cron(0/30 * * * ? *)', { timeZone: NY, after: '2026-11-01T04:45:00Z', limit: 5 })).toEqual([
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T05:30:00.000Z', // 01:30 EDT; 01:00 and 01:30 EST are not repeated
      '2026-11-01T07:00:00.000Z', // 02:00 EST
      '2026-11-01T07:30:00.000Z',
      '2026-11-01T08:00:00.000Z',
    ]);
  });

  it('an every-30-minutes job does not pile up fires at the end of the gap', () => {
    const expected = ['2026-03-08T06:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-08T07:30:00.000Z'];
    const opts = { timeZone: NY, after: '2026-03-08T06:15:00Z', limit: 3 };
    expect(fires('cron(0/30 * * * ? *)', opts)).toEqual(expected); // 01:30 EST, 03:00 EDT, 03:30 EDT
    expect(fires('cron(0/30 * * * ? *)', { ...opts, dstGap: 'skip' })).toEqual(expected);
  });

  it('hourly: 23 fires on the short day, 24 (not 25) on the long day', () => {
    const hourly = 'cron(0 * * * ? *)';
    // local midnight to local midnight
    expect(
      fires(hourly, { timeZone: NY, after: '2026-03-08T04:59:59Z', until: new Date('2026-03-09T03:59:59Z') }),
    ).toHaveLength(23);
    expect(
      fires(hourly, { timeZone: NY, after: '2026-11-01T03:59:59Z', until: new Date('2026-11-02T04:59:59Z') }),
    ).toHaveLength(24);
  });
});

describe('DST: Europe/London (2026-03-29 01:00 GMT -> 02:00 BST, 2026-10-25 02:00 BST -> 01:00 GMT)', () => {
  it('a daily 01:30 job fires once per day across spring forward, at 02:00 BST on the gap day', () => {
    const got = fires('cron(30 1 * * ? *)', { timeZone: LONDON, after: '2026-03-27T12:00:00Z', limit: 3 });
    expect(got).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(got.map((d) => localDay(d, LONDON))).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });

  it('a daily 01:30 job fires once on 2026-10-25, at the BST 01:30', () => {
    expect(
      fires('cron(30 1 * * ? *)', { timeZone: LONDON, after: '2026-10-23T12:00:00Z', limit: 3 }),
    ).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('09:00 daily is 09:00Z in GMT and 08:00Z in BST', () => {
    expect(fires('cron(0 9 * * ? *)', { timeZone: LONDON, after: '2026-03-28T00:00:00Z', limit: 2 })).toEqual(
      ['2026-03-28T09:00:00.000Z', '2026-03-29T08:00:00.000Z'],
    );
    expect(fires('cron(0 9 * * ? *)', { timeZone: LONDON, after: '2026-10-24T00:00:00Z', limit: 2 })).toEqual(
      ['2026-10-24T08:00:00.000Z', '2026-10-25T09:00:00.000Z'],
    );
  });
});

describe('at() and local time helpers', () => {
  it('at() fires once at the local wall-clock time in the zone', () => {
    const at = parseScheduleExpression('at(2026-07-01T09:30:00)');
    expect(nextFireTimes(at, { timeZone: NY, after: new Date('2026-06-01T00:00:00Z') })).toEqual([
      new Date('2026-07-01T13:30:00Z'),
    ]);
    expect(nextFireTimes(at, { timeZone: 'Asia/Shanghai', after: new Date('2026-06-01T00:00:00Z') })).toEqual(
      [new Date('2026-07-01T01:30:00Z')],
    );
  });

  it('at() returns nothing once `after` has reached it, or when it is beyond `until`', () => {
    const at = parseScheduleExpression('at(2026-07-01T09:30:00)');
    expect(nextFireTimes(at, { timeZone: NY, after: new Date('2026-07-01T13:30:00Z') })).toEqual([]);
    expect(
      nextFireTimes(at, {
        timeZone: NY,
        after: new Date('2026-06-01T00:00:00Z'),
        until: new Date('2026-07-01T13:29:59Z'),
      }),
    ).toEqual([]);
  });

  it('zonedLocalToUtc: plain, gap (-> end of gap) and overlap (-> first occurrence)', () => {
    expect(zonedLocalToUtc('2026-01-01T00:00:00', 'Asia/Shanghai')).toEqual(new Date('2025-12-31T16:00:00Z'));
    expect(zonedLocalToUtc('2026-01-15T12:00:00', 'Asia/Kolkata')).toEqual(new Date('2026-01-15T06:30:00Z'));
    expect(zonedLocalToUtc('2026-03-08T02:30:00', NY)).toEqual(new Date('2026-03-08T07:00:00Z'));
    expect(zonedLocalToUtc('2026-11-01T01:30:00', NY)).toEqual(new Date('2026-11-01T05:30:00Z'));
    expect(zonedLocalToUtc('2026-03-29T01:15:00', LONDON)).toEqual(new Date('2026-03-29T01:00:00Z'));
  });

  it('zonedLocalToUtc rejects malformed local times', () => {
    expect(() => zonedLocalToUtc('2026-13-01T00:00:00', NY)).toThrow(
      "at(): '2026-13-01T00:00:00' is not a real date and time",
    );
  });

  it('formatAtExpression renders the instant as local wall-clock time in the zone', () => {
    const d = new Date('2026-07-01T13:30:05Z');
    expect(formatAtExpression(d, NY)).toBe('at(2026-07-01T09:30:05)');
    expect(formatAtExpression(d, 'UTC')).toBe('at(2026-07-01T13:30:05)');
    expect(formatAtExpression(d, 'Asia/Kolkata')).toBe('at(2026-07-01T19:00:05)');
    expect(formatAtExpression(new Date('2026-12-31T23:30:00Z'), 'Asia/Shanghai')).toBe(
      'at(2027-01-01T07:30:00)',
    );
  });

  it('formatAtExpression round-trips through parse and nextFireTimes', () => {
    const d = new Date('2026-03-09T06:30:00Z');
    const expr = parseScheduleExpression(formatAtExpression(d, NY));
    expect(expr).toEqual({ kind: 'at', local: '2026-03-09T02:30:00' });
    expect(nextFireTime(expr, { timeZone: NY, after: new Date('2026-03-01T00:00:00Z') })).toEqual(d);
  });
});
