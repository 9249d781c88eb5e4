/**
 * Absence of a fixed schedule's run: a fire due after the last completed run that has not completed within the
 * margin is overdue; rate() counts from the last run; a schedule never run counts from when watching began. Fixed
 * instants, in Shanghai and in a DST zone (New York).
 */
import { describe, expect, it } from 'vitest';
import { scheduleOverdueSince, watchdog } from '../../../shared/watchdog/absence';
import { DEFAULT_CALENDAR } from '../../../shared/workflows/calendar';

const MARGIN = 20 * 60_000;
const daily = (lastRun?: string) => ({
  expression: 'cron(0 6 * * ? *)',
  since: '2026-10-01T00:00:00Z',
  marginMs: MARGIN,
  ...(lastRun ? { lastRun } : {}),
});

describe('a fixed schedule overdue', () => {
  it('daily 06:00 Shanghai: due 06:00, overdue only once the margin has passed without a run', () => {
    const tz = 'Asia/Shanghai';
    const ranYesterday = daily('2026-10-04T22:00:30Z'); // 06:00:30 on the 5th, local
    // The 6th 06:00 local (22:00Z on the 5th) plus 20 minutes.
    expect(scheduleOverdueSince(ranYesterday, tz, new Date('2026-10-05T22:19:00Z'))).toBeUndefined();
    expect(scheduleOverdueSince(ranYesterday, tz, new Date('2026-10-05T22:20:00Z'))?.toISOString()).toBe(
      '2026-10-05T22:00:00.000Z',
    );
    // Completed today: nothing due until tomorrow.
    expect(scheduleOverdueSince(daily('2026-10-05T22:05:00Z'), tz, new Date('2026-10-06T12:00:00Z'))).toBe(
      undefined,
    );
  });

  it('New York across the fall-back night: 06:00 EST is 11:00Z, not 10:00Z', () => {
    const tz = 'America/New_York';
    const s = daily('2026-10-31T10:00:10Z'); // Sat 06:00 EDT
    // Sun 2026-11-01 06:00 is EST (UTC-5): due 11:00Z.
    expect(scheduleOverdueSince(s, tz, new Date('2026-11-01T10:30:00Z'))).toBeUndefined();
    expect(scheduleOverdueSince(s, tz, new Date('2026-11-01T11:20:00Z'))?.toISOString()).toBe(
      '2026-11-01T11:00:00.000Z',
    );
  });

  it('rate(): counts from the last completed run; never run: from when watching began', () => {
    const tz = 'Asia/Shanghai';
    const rate = { expression: 'rate(15 minutes)', since: '2026-10-05T00:00:00Z', marginMs: MARGIN };
    const last = { ...rate, lastRun: '2026-10-05T01:00:00Z' };
    expect(scheduleOverdueSince(last, tz, new Date('2026-10-05T01:34:59Z'))).toBeUndefined();
    expect(scheduleOverdueSince(last, tz, new Date('2026-10-05T01:35:00Z'))?.toISOString()).toBe(
      '2026-10-05T01:15:00.000Z',
    );
    expect(scheduleOverdueSince(rate, tz, new Date('2026-10-05T00:35:00Z'))?.toISOString()).toBe(
      '2026-10-05T00:15:00.000Z',
    );
  });

  it('a monthly close a new tenant has not reached yet is not overdue', () => {
    const close = { expression: 'cron(0 2 1 * ? *)', since: '2026-10-05T00:00:00Z', marginMs: MARGIN };
    expect(scheduleOverdueSince(close, 'Asia/Shanghai', new Date('2026-10-31T00:00:00Z'))).toBeUndefined();
    expect(
      scheduleOverdueSince(close, 'Asia/Shanghai', new Date('2026-10-31T18:30:00Z'))?.toISOString(),
    ).toBe('2026-10-31T18:00:00.000Z');
  });

  it('the watchdog counts overdue schedules in one metric and names each', () => {
    const r = watchdog({
      now: new Date('2026-10-05T22:30:00Z'),
      timeZone: 'Asia/Shanghai',
      calendar: DEFAULT_CALENDAR,
      silentBusinessHours: 4,
      deliveries: [],
      schedules: [
        { name: 'incentiveAccrual', ...daily('2026-10-04T22:00:30Z') },
        {
          name: 'effectRecovery',
          expression: 'rate(5 minutes)',
          since: '2026-10-01T00:00:00Z',
          marginMs: MARGIN,
          lastRun: '2026-10-05T22:25:00Z',
        },
      ],
      calendarsShort: [{ name: 'cn', coversUntil: '2026-12-31' }],
    });
    expect(r.metrics).toEqual([
      { name: 'SchedulesOverdue', value: 1, unit: 'Count' },
      { name: 'CalendarCoverageShort', value: 1, unit: 'Count' },
    ]);
    expect(r.findings).toEqual([
      'schedule incentiveAccrual was due at 2026-10-05T22:00:00.000Z and has not completed since (last run 2026-10-04T22:00:30Z)',
      'calendar cn runs out of holiday data on 2026-12-31',
    ]);
  });
});
