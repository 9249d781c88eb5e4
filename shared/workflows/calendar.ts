/**
 * Business calendars: which local dates are working days (weekdays, minus holidays, plus make-up working days such
 * as China's 调休 补班 Saturdays), and which local hours mail may go out in. Every computation happens in an IANA
 * zone on local dates, then maps back to an instant, so a DST change moves the instant, never the local time.
 *
 * Local time -> instant goes through zonedLocalToUtc (shared/schedules): a time inside a spring-forward gap maps to
 * the end of the gap, a repeated time to its first occurrence, the same rules the scheduler follows.
 */
import { zonedLocalToUtc } from '../schedules/expression';
import type { CalendarDefinition } from './definition';
import { publicDays } from './holidays';

export interface BusinessCalendar {
  /** ISO weekdays 1 = Monday … 7 = Sunday. */
  readonly businessDays: ReadonlySet<number>;
  /** Minutes after local midnight; the window is [start, end). */
  readonly start: number;
  readonly end: number;
  /** Public holidays and the company's days off. */
  readonly holidays: ReadonlySet<string>;
  /** Make-up working days and the company's extra working days: they win over holidays and weekends. */
  readonly makeUpWorkdays: ReadonlySet<string>;
  /**
   * The last local date the public holidays are known for (undefined: they do not run out). Past it weekdays still
   * count as business days; calendarCoverageWarnings reports a calendar about to run out.
   */
  readonly coveredThrough?: string;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The company's days off beat the public make-up days; its extra working days beat everything. */
export const compileCalendar = (def: CalendarDefinition, id?: string): BusinessCalendar => {
  const pub = publicDays(def, id);
  const daysOff = new Set(def.daysOff);
  const holidays = new Set([...pub.holidays, ...def.daysOff]);
  const makeUpWorkdays = new Set(pub.makeUpWorkdays.filter((d) => !daysOff.has(d)));
  for (const d of def.extraWorkdays) makeUpWorkdays.add(d);
  return {
    businessDays: new Set(def.businessDays),
    start: minutesOf(def.hours.start),
    end: minutesOf(def.hours.end),
    holidays,
    makeUpWorkdays,
    ...(pub.coveredThrough !== undefined ? { coveredThrough: pub.coveredThrough } : {}),
  };
};

/** Monday to Friday, 09:00-18:00, no holidays: what a tenant gets before it configures anything. */
export const DEFAULT_CALENDAR = compileCalendar({
  businessDays: [1, 2, 3, 4, 5],
  hours: { start: '09:00', end: '18:00' },
  holidays: [],
  makeUpWorkdays: [],
  daysOff: [],
  extraWorkdays: [],
});

/** Recipient zones come from CRM data: anything that is not an IANA zone falls back to the tenant's. */
let zones: Set<string> | undefined;
export const isTimeZone = (tz: string): boolean => {
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (zones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

// ---- local dates (yyyy-mm-dd strings; arithmetic in UTC so no zone can shift them) ---------------------------

const DAY_MS = 86_400_000;
const dateMs = (date: string): number =>
  Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
export const addDays = (date: string, days: number): string =>
  new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
export const isoWeekday = (date: string): number => new Date(dateMs(date)).getUTCDay() || 7;

/** A make-up working day wins over everything (it is usually a weekend day); then holidays; then weekdays. */
export const isBusinessDay = (cal: BusinessCalendar, date: string): boolean =>
  cal.makeUpWorkdays.has(date) || (!cal.holidays.has(date) && cal.businessDays.has(isoWeekday(date)));

/** The n-th business day after `date` (n ≥ 1); from a Saturday, 1 business day later is Monday. */
export const businessDaysAfter = (cal: BusinessCalendar, date: string, n: number): string => {
  let d = date;
  for (let counted = 0, guard = 0; counted < n; guard++) {
    if (guard > 3660) throw new Error('calendar has no business days within ten years');
    d = addDays(d, 1);
    if (isBusinessDay(cal, d)) counted++;
  }
  return d;
};

// ---- instants <-> local wall-clock ---------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    const n = 'numeric';
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      ...({ year: n, month: '2-digit', day: '2-digit', hour: n, minute: n, second: n } as const),
    });
    formatters.set(timeZone, f);
  }
  return f;
};

export interface LocalTime {
  date: string;
  /** Minutes after local midnight. */
  minutes: number;
  seconds: number;
}

export const localTime = (instant: Date, timeZone: string): LocalTime => {
  const p: Record<string, string> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(instant)) p[type] = value;
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    minutes: Number(p.hour) * 60 + Number(p.minute),
    seconds: Number(p.second),
  };
};

const pad = (n: number) => String(n).padStart(2, '0');
/** The instant of a local date and time of day (minutes after midnight) in the zone. */
export const instantAt = (date: string, minutes: number, timeZone: string, seconds = 0): Date =>
  zonedLocalToUtc(`${date}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:${pad(seconds)}`, timeZone);

// ---- what the planner asks -------------------------------------------------------------------------------------

/**
 * The first instant at or after `from` inside the send window: a business day, within business hours, in the
 * recipient's zone. Mail never goes out at 03:00 the recipient's time or on their public holiday.
 */
export const nextSendInstant = (cal: BusinessCalendar, timeZone: string, from: Date): Date => {
  const now = localTime(from, timeZone);
  if (isBusinessDay(cal, now.date)) {
    if (now.minutes >= cal.start && now.minutes < cal.end) return from;
    if (now.minutes < cal.start) return instantAt(now.date, cal.start, timeZone);
  }
  return instantAt(businessDaysAfter(cal, now.date, 1), cal.start, timeZone);
};

/**
 * N business days later at the same local time of day (as HubSpot's business-day delay does): Friday 16:00 + 1 is
 * Monday 16:00, whatever DST did over the weekend.
 */
export const addBusinessDays = (cal: BusinessCalendar, timeZone: string, from: Date, n: number): Date => {
  const now = localTime(from, timeZone);
  return instantAt(businessDaysAfter(cal, now.date, n), now.minutes, timeZone, now.seconds);
};

/** "3 days before closeDate at 09:00": calendar days from a local date, at a local time, in the zone. */
export const relativeToDate = (date: string, offsetDays: number, time: string, timeZone: string): Date =>
  instantAt(addDays(date, offsetDays), minutesOf(time), timeZone);

/** Calendar-aware due date for CRM tasks: n business days after the instant's local date (0 = that day). */
export const businessDueDate = (cal: BusinessCalendar, timeZone: string, from: Date, n: number): string => {
  const { date } = localTime(from, timeZone);
  return n === 0 ? date : businessDaysAfter(cal, date, n);
};

/** The period an instant falls in, in the zone: what "once per month" re-enrolment counts by. */
export const periodKey = (
  instant: Date,
  timeZone: string,
  period: 'day' | 'week' | 'month' | 'quarter' | 'year',
): string => {
  const { date } = localTime(instant, timeZone);
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  switch (period) {
    case 'day':
      return date;
    case 'week':
      // ISO weeks start on Monday; naming a week by its Monday avoids ISO week-year edge cases.
      return `W${addDays(date, 1 - isoWeekday(date))}`;
    case 'month':
      return date.slice(0, 7);
    case 'quarter':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'year':
      return year;
  }
};
