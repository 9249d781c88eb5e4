/**
 * Calendars from maintained data (chinese-days, date-holidays), the tenant's additions, and how far each reaches.
 * Instants are fixed; facts about a package are checked against the installed data, not restated by hand, where a
 * package update would change them.
 */
import { describe, expect, it } from 'vitest';
import {
  businessDaysAfter,
  type CalendarDefinition,
  calendarCoverage,
  calendarCoverageWarnings,
  chineseDays,
  compileCalendar,
  isBusinessDay,
  parseWorkflowConfig,
  type WorkflowConfigError,
} from '../../../shared/workflows';
import { countryHolidays, resolveCountryCalendars } from '../../../shared/workflows/country-holidays';
import { config, demoConfig } from './fixtures';

const calendar = (over: Partial<CalendarDefinition>): CalendarDefinition => ({
  businessDays: [1, 2, 3, 4, 5],
  hours: { start: '09:00', end: '18:00' },
  holidays: [],
  makeUpWorkdays: [],
  daysOff: [],
  extraWorkdays: [],
  ...over,
});
const china = calendar({ source: 'chinese-days' });
const CN_END = chineseDays().coveredThrough as string;

describe('chinese-days: China 2026 from the package', () => {
  const cn = compileCalendar(china);

  it('National Day 1-7 Oct off, the 调休 make-up days 20 Sep (Sun) and 10 Oct (Sat) worked', () => {
    expect(['2026-09-20', '2026-10-10'].map((d) => isBusinessDay(cn, d))).toEqual([true, true]);
    expect(['2026-10-01', '2026-10-05', '2026-10-07'].map((d) => isBusinessDay(cn, d))).toEqual([
      false,
      false,
      false,
    ]);
    expect(['2026-09-19', '2026-10-11'].map((d) => isBusinessDay(cn, d))).toEqual([false, false]);
    expect(businessDaysAfter(cn, '2026-09-30', 1)).toBe('2026-10-08');
  });

  it('covers through the end of the last year the package has (2026 in chinese-days 1.5.7)', () => {
    expect(CN_END).toMatch(/^\d{4}-12-31$/);
    expect(CN_END >= '2026-12-31').toBe(true);
    expect(calendarCoverage(china)).toBe(CN_END);
  });

  it("next year's dates added by hand extend the coverage to the end of their year and count", () => {
    const year = Number(CN_END.slice(0, 4)) + 1;
    const cal = calendar({
      source: 'chinese-days',
      holidays: [`${year}-02-08`],
      makeUpWorkdays: [`${year}-02-20`],
    });
    expect(calendarCoverage(cal)).toBe(`${year}-12-31`);
    const c = compileCalendar(cal);
    expect(isBusinessDay(c, `${year}-02-08`)).toBe(false);
    expect(isBusinessDay(c, `${year}-02-20`)).toBe(true); // a Saturday
  });

  it('past its coverage a calendar counts weekdays only', () => {
    const after = Number(CN_END.slice(0, 4)) + 2;
    const cn2 = compileCalendar(china);
    expect(isBusinessDay(cn2, `${after}-01-05`)).toBe(
      new Date(`${after}-01-05T00:00:00Z`).getUTCDay() % 6 !== 0,
    );
  });
});

describe("the company's own days", () => {
  it('a day off beats a make-up day, an extra working day beats a holiday; neither extends coverage', () => {
    const cal = calendar({
      source: 'chinese-days',
      daysOff: ['2026-10-10', '2030-06-03'],
      extraWorkdays: ['2026-10-02'],
    });
    const c = compileCalendar(cal);
    expect(isBusinessDay(c, '2026-10-10')).toBe(false);
    expect(isBusinessDay(c, '2026-10-02')).toBe(true);
    expect(calendarCoverage(cal)).toBe(CN_END);
  });

  it('the two lists may not name the same date', () => {
    try {
      parseWorkflowConfig(
        config({ calendars: { co: { daysOff: ['2026-12-24'], extraWorkdays: ['2026-12-24'] } } }),
        't.json',
      );
      expect.unreachable();
    } catch (err) {
      expect((err as WorkflowConfigError).problems).toContainEqual({
        path: 'calendars.co.extraWorkdays[0]',
        message: '2026-12-24 is also listed as a day off',
      });
    }
  });
});

describe('date-holidays: country rules, resolved into dates before a function gets them', () => {
  it('US public holidays 2026 are the ones the demo used to list by hand (observed days included)', () => {
    expect(countryHolidays('US', undefined, 2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-07-04',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
    expect(countryHolidays('US', 'NY', 2026)).toContain('2026-02-12'); // Lincoln's Birthday, New York only
  });

  it('resolving lists five years ahead plus the tenant dates, and covers through the last of them', () => {
    const doc = resolveCountryCalendars(
      config({ calendars: { us: { source: 'date-holidays', country: 'US', holidays: ['2026-12-24'] } } }),
      2026,
    );
    const us = parseWorkflowConfig(doc, 't.json').calendars.us as CalendarDefinition;
    expect(us.source).toBeUndefined();
    expect(us.holidays).toContain('2026-12-24');
    expect(us.holidays).toContain('2031-11-27'); // Thanksgiving 2031
    expect(calendarCoverage(us)).toBe('2031-12-31');
    expect(isBusinessDay(compileCalendar(us), '2027-11-25')).toBe(false); // Thanksgiving 2027
  });

  it('before resolving it does not run out; country is required and only for date-holidays', () => {
    expect(calendarCoverage(calendar({ source: 'date-holidays', country: 'US' }))).toBeUndefined();
    const problems = (calendars: unknown) => {
      try {
        parseWorkflowConfig(config({ calendars }), 't.json');
        return [];
      } catch (err) {
        return (err as WorkflowConfigError).problems.map((p) => p.path);
      }
    };
    expect(problems({ us: { source: 'date-holidays' } })).toEqual(['calendars.us.country']);
    expect(problems({ cn: { source: 'chinese-days', country: 'CN' } })).toEqual(['calendars.cn.country']);
  });
});

describe('calendarCoverageWarnings: calendars in use that run out within the horizon', () => {
  const withCalendars = (calendars: Record<string, unknown>, byZone: Record<string, string> = {}) =>
    parseWorkflowConfig(
      config({ calendars, sendWindow: { calendar: 'cn', calendarByTimeZone: byZone } }),
      't.json',
    );

  it('on 6 Dec a calendar with holidays through 31 Dec warns, naming the first date without', () => {
    const cfg = withCalendars({ cn: { holidays: ['2026-10-01'] } });
    expect(calendarCoverageWarnings(cfg, new Date('2026-12-06T02:00:00Z'), 60)).toEqual([
      expect.objectContaining({ calendar: 'cn', coveredThrough: '2026-12-31', firstUncovered: '2027-01-01' }),
    ]);
    expect(calendarCoverageWarnings(cfg, new Date('2026-10-01T02:00:00Z'), 60)).toEqual([]);
  });

  it("the demo's China calendar warns 60 days before chinese-days runs out, unless next year is added", () => {
    const cfg = demoConfig();
    const end = new Date(`${CN_END}T00:00:00Z`);
    const before = new Date(end.getTime() - 55 * 86_400_000);
    expect(calendarCoverageWarnings(cfg, before).map((w) => [w.calendar, w.firstUncovered])).toEqual([
      ['cn', `${Number(CN_END.slice(0, 4)) + 1}-01-01`],
    ]);
    const next = Number(CN_END.slice(0, 4)) + 1;
    const added = {
      ...cfg,
      calendars: { ...cfg.calendars, cn: { ...china, holidays: [`${next}-01-01`] } },
    };
    expect(calendarCoverageWarnings(added, before)).toEqual([]);
  });

  it('calendars not in use, weekday-only calendars and resolved-ahead ones stay quiet', () => {
    const cfg = withCalendars(
      { cn: {}, old: { holidays: ['2020-01-01'] }, us: { holidays: ['2031-12-25'] } },
      { 'America/New_York': 'us' },
    );
    expect(calendarCoverageWarnings(cfg, new Date('2026-12-06T00:00:00Z'))).toEqual([]);
    expect(calendarCoverageWarnings(cfg, new Date('2031-11-15T00:00:00Z')).map((w) => w.calendar)).toEqual([
      'us',
    ]);
  });
});
