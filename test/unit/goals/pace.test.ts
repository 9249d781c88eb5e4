/**
 * Pace on business days in the owner's zone: China's National Day 2026 with its make-up Saturdays, and New York
 * across the start of daylight saving time. Fixed instants only.
 */
import { describe, expect, it } from 'vitest';
import { businessDays, coverage, pace } from '../../../shared/goals/pace';
import { Dec } from '../../../shared/incentives/money';
import { compileCalendar } from '../../../shared/workflows/calendar';

const calendar = (over: Record<string, unknown> = {}) =>
  compileCalendar({
    businessDays: [1, 2, 3, 4, 5],
    hours: { start: '09:00', end: '18:00' },
    holidays: [],
    makeUpWorkdays: [],
    daysOff: [],
    extraWorkdays: [],
    ...over,
  } as never);
const CN = calendar({ source: 'chinese-days' });
const OCTOBER = { start: '2026-10-01', end: '2026-10-31' };
const SHANGHAI = 'Asia/Shanghai';
const NEW_YORK = 'America/New_York';
const d = (s: string) => new Dec(s);

describe('business days on the owner’s calendar', () => {
  it('October 2026 in China: National Day off, the make-up Saturday 10 October counts', () => {
    const at = (iso: string) => businessDays(CN, SHANGHAI, OCTOBER, new Date(iso));
    // 22 weekdays − 1, 2, 5, 6, 7 October + Saturday 10 October.
    expect(at('2026-10-01T09:00:00+08:00')).toEqual({ total: 18, elapsed: 0, remaining: 18, ended: false });
    // The holiday week elapses nothing; Thursday 8 October counts once it has ended.
    expect(at('2026-10-08T23:59:00+08:00').elapsed).toBe(0);
    expect(at('2026-10-09T00:00:00+08:00').elapsed).toBe(1);
    // Midnight starting Sunday 11 October: 8, 9 and the make-up Saturday 10 have ended.
    expect(at('2026-10-11T00:00:00+08:00').elapsed).toBe(3);
    // 2026-10-10T16:30Z is already Sunday 00:30 in Shanghai (still Saturday in UTC).
    expect(at('2026-10-10T16:30:00Z').elapsed).toBe(3);
    expect(at('2026-11-01T00:00:00+08:00')).toEqual({ total: 18, elapsed: 18, remaining: 0, ended: true });
  });

  it('the make-up Sunday 20 September 2026 counts in September', () => {
    const sep = businessDays(
      CN,
      SHANGHAI,
      { start: '2026-09-01', end: '2026-09-30' },
      new Date('2026-09-21T00:00:00+08:00'),
    );
    // 1–18 September: 14 weekdays; plus Sunday 20.
    expect(sep.elapsed).toBe(15);
    // 22 weekdays − Mid-Autumn Friday 25 September + Sunday 20 September.
    expect(sep.total).toBe(22);
  });

  it('New York: a day ends at local midnight, before and after the clocks go forward on 8 March 2026', () => {
    const march = { start: '2026-03-01', end: '2026-03-31' };
    const at = (iso: string) => businessDays(calendar(), NEW_YORK, march, new Date(iso)).elapsed;
    // EST (UTC−5): Monday 2 March ends at 05:00Z.
    expect(at('2026-03-03T04:59:00Z')).toBe(0);
    expect(at('2026-03-03T05:00:00Z')).toBe(1);
    // EDT (UTC−4): Monday 9 March ends at 04:00Z, an hour earlier in UTC.
    expect(at('2026-03-10T03:59:00Z')).toBe(5);
    expect(at('2026-03-10T04:00:00Z')).toBe(6);
  });
});

describe('pace', () => {
  const october = (iso: string) => businessDays(CN, SHANGHAI, OCTOBER, new Date(iso));

  it('expected, gap, needed per week and projection, exactly', () => {
    // Saturday 17 October 00:00: 8, 9, 10, 12–16 have ended (8 of 18).
    const p = pace({ target: d('180000'), actual: d('50000'), days: october('2026-10-17T00:00:00+08:00') });
    expect(p.expected.toFixed()).toBe('80000');
    expect(p.gap.toFixed()).toBe('30000');
    expect(p.neededPerDay?.toFixed()).toBe('13000');
    expect(p.neededPerWeek?.toFixed()).toBe('65000');
    expect(p.projected?.toFixed()).toBe('112500');
    expect(p.attainment?.toFixed(4)).toBe('0.2778');
    expect(p.status).toBe('behind');
  });

  it('decimals, not floats: 0.1 + 0.2 is 0.3 and a third of a period rounds only when shown', () => {
    const days = { total: 3, elapsed: 1, remaining: 2, ended: false };
    const p = pace({ target: d('100.00'), actual: d('0.1').plus(d('0.2')), days });
    expect(p.expected.toFixed(2)).toBe('33.33');
    expect(p.gap.toFixed(2)).toBe('33.03');
    expect(p.neededPerDay?.toFixed()).toBe('49.85');
  });

  it('status: on track, at risk, behind (not before three days), met early, missed at the end', () => {
    const days = (elapsed: number, total = 20) => ({
      total,
      elapsed,
      remaining: total - elapsed,
      ended: false,
    });
    const status = (actual: string, elapsed: number) =>
      pace({ target: d('100'), actual: d(actual), days: days(elapsed) }).status;
    expect(status('50', 10)).toBe('on_track');
    // gap 5 of expected 50: within 10%, but the run rate ends at 90.
    expect(status('45', 10)).toBe('at_risk');
    expect(status('40', 10)).toBe('behind');
    // The same shortfall on day two is only at risk.
    expect(status('0', 2)).toBe('at_risk');
    expect(status('100', 3)).toBe('met');
    const ended = { total: 20, elapsed: 20, remaining: 0, ended: true };
    expect(pace({ target: d('100'), actual: d('99.99'), days: ended }).status).toBe('missed');
    expect(pace({ target: d('100'), actual: d('99.99'), days: ended }).neededPerWeek).toBeUndefined();
  });

  it('lower is better: the target is a ceiling', () => {
    const days = { total: 20, elapsed: 10, remaining: 10, ended: false };
    const at = (actual: string, over = {}) =>
      pace({ target: d('60'), actual: d(actual), days: { ...days, ...over }, better: 'lower' });
    expect(at('45').status).toBe('on_track');
    expect(at('45').gap.toFixed()).toBe('-15');
    expect(at('64').status).toBe('at_risk');
    expect(at('90').status).toBe('behind');
    expect(at('60', { elapsed: 20, remaining: 0, ended: true }).status).toBe('met');
    expect(at('61', { elapsed: 20, remaining: 0, ended: true }).status).toBe('missed');
  });

  it('coverage: weighted open pipeline over what is left of the target', () => {
    expect(coverage(d('130000'), d('180000'), d('50000'))?.toFixed()).toBe('1');
    expect(coverage(d('1'), d('100'), d('100'))).toBeUndefined();
  });
});
