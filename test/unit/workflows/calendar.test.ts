import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  businessDaysAfter,
  compileCalendar,
  DEFAULT_CALENDAR,
  instantAt,
  isBusinessDay,
  nextSendInstant,
  periodKey,
  relativeToDate,
} from '../../../shared/workflows';
import { demoConfig } from './fixtures';

const demo = demoConfig();
const cn = compileCalendar(demo.calendars.cn ?? (undefined as never));
const us = compileCalendar(demo.calendars.us ?? (undefined as never));
const SH = 'Asia/Shanghai';
const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('China 2026: National Day holiday and its 调休 make-up days', () => {
  it.each([
    ['2026-09-19', false, 'an ordinary Saturday'],
    ['2026-09-20', true, 'Sunday worked before National Day (补班)'],
    ['2026-09-30', true, 'the Wednesday before'],
    ['2026-10-01', false, 'National Day'],
    ['2026-10-05', false, 'a Monday inside the holiday'],
    ['2026-10-07', false, 'the last holiday day, a Wednesday'],
    ['2026-10-08', true, 'back to work'],
    ['2026-10-10', true, 'Saturday worked after National Day (补班)'],
    ['2026-10-11', false, 'the Sunday after'],
  ])('%s is a business day: %s (%s)', (date, expected) => {
    expect(isBusinessDay(cn, date)).toBe(expected);
  });

  it('mail held after hours on the eve of the holiday goes out when work resumes, 09:00 local', () => {
    expect(iso(nextSendInstant(cn, SH, at('2026-09-30T19:00:00+08:00')))).toBe('2026-10-08T01:00:00.000Z');
  });

  it('Friday evening after the holiday: the make-up Saturday is a send day', () => {
    expect(iso(nextSendInstant(cn, SH, at('2026-10-09T18:30:00+08:00')))).toBe('2026-10-10T01:00:00.000Z');
  });

  it('inside the window the instant stands; before opening it moves to opening; the end is exclusive', () => {
    expect(iso(nextSendInstant(cn, SH, at('2026-09-30T10:15:00+08:00')))).toBe('2026-09-30T02:15:00.000Z');
    expect(iso(nextSendInstant(cn, SH, at('2026-09-30T07:00:00+08:00')))).toBe('2026-09-30T01:00:00.000Z');
    expect(iso(nextSendInstant(cn, SH, at('2026-09-30T18:00:00+08:00')))).toBe('2026-10-08T01:00:00.000Z');
  });

  it('business-day waits skip the holiday and count the make-up days, keeping the local time', () => {
    const tue = at('2026-09-29T15:00:00+08:00');
    expect(iso(addBusinessDays(cn, SH, tue, 1))).toBe('2026-09-30T07:00:00.000Z');
    expect(iso(addBusinessDays(cn, SH, tue, 2))).toBe('2026-10-08T07:00:00.000Z');
    expect(iso(addBusinessDays(cn, SH, tue, 4))).toBe('2026-10-10T07:00:00.000Z'); // the make-up Saturday
    expect(iso(addBusinessDays(cn, SH, tue, 5))).toBe('2026-10-12T07:00:00.000Z');
    expect(businessDaysAfter(cn, '2026-09-18', 1)).toBe('2026-09-20'); // Fri -> the make-up Sunday
    expect(businessDaysAfter(cn, '2026-10-03', 1)).toBe('2026-10-08'); // from inside the holiday
  });

  it('Spring Festival: nine days off, make-up Saturdays either side', () => {
    expect(businessDaysAfter(cn, '2026-02-13', 1)).toBe('2026-02-14');
    expect(businessDaysAfter(cn, '2026-02-14', 1)).toBe('2026-02-24');
    expect(isBusinessDay(cn, '2026-02-28')).toBe(true);
  });

  it('a make-up day wins even over a calendar whose business days exclude that weekday', () => {
    const cal = compileCalendar({
      businessDays: [1, 2, 3, 4],
      hours: { start: '10:00', end: '16:00' },
      holidays: [],
      makeUpWorkdays: ['2026-10-10'],
      daysOff: [],
      extraWorkdays: [],
    });
    expect(isBusinessDay(cal, '2026-10-09')).toBe(false); // Friday is not one of its days
    expect(isBusinessDay(cal, '2026-10-10')).toBe(true);
  });
});

describe('America/New_York across DST (2026: clocks spring forward on 8 March, fall back on 1 November)', () => {
  it('Friday 16:00 EST + 1 business day is Monday 16:00 EDT: 71 hours later, same wall clock', () => {
    const fri = at('2026-03-06T21:00:00Z'); // 16:00 EST
    const mon = addBusinessDays(us, NY, fri, 1);
    expect(iso(mon)).toBe('2026-03-09T20:00:00.000Z'); // 16:00 EDT
    expect((mon.getTime() - fri.getTime()) / 3_600_000).toBe(71);
  });

  it('a weekend send is held to Monday 09:00 local, on each side of both changes', () => {
    expect(iso(nextSendInstant(us, NY, at('2026-03-07T17:00:00Z')))).toBe('2026-03-09T13:00:00.000Z');
    expect(iso(nextSendInstant(us, NY, at('2026-10-30T21:30:00Z')))).toBe('2026-11-02T14:00:00.000Z');
  });

  it('US holidays are skipped: the evening before Thanksgiving sends on Friday', () => {
    expect(iso(nextSendInstant(us, NY, at('2026-11-25T23:00:00Z')))).toBe('2026-11-27T14:00:00.000Z');
  });

  it('relative-to-date waits land at the local time on either side of the change', () => {
    expect(iso(relativeToDate('2026-03-10', -3, '09:30', NY))).toBe('2026-03-07T14:30:00.000Z'); // EST
    expect(iso(relativeToDate('2026-03-11', -3, '09:30', NY))).toBe('2026-03-08T13:30:00.000Z'); // EDT
    expect(iso(relativeToDate('2026-10-08', 3, '09:00', SH))).toBe('2026-10-11T01:00:00.000Z');
  });

  it('a local time inside the spring-forward gap maps to the end of the gap, as the scheduler does', () => {
    expect(iso(instantAt('2026-03-08', 2 * 60 + 30, NY))).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
  });
});

describe('periods and defaults', () => {
  it('period keys are local: 23:30 UTC on 31 March is already Q2 in Shanghai', () => {
    const t = at('2026-03-31T23:30:00Z');
    expect(periodKey(t, SH, 'quarter')).toBe('2026-Q2');
    expect(periodKey(t, 'UTC', 'quarter')).toBe('2026-Q1');
    expect(periodKey(t, SH, 'week')).toBe('W2026-03-30');
    expect(periodKey(t, SH, 'month')).toBe('2026-04');
  });

  it('the default calendar is Monday to Friday, 09:00-18:00, no holidays', () => {
    expect(isBusinessDay(DEFAULT_CALENDAR, '2026-10-01')).toBe(true);
    expect(isBusinessDay(DEFAULT_CALENDAR, '2026-10-10')).toBe(false);
  });
});
