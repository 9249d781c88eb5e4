/**
 * Commission periods (monthly or quarterly) in the crediting time zone. A period is a range of local calendar
 * dates; instants (won at 2025-03-31T16:30Z) are first turned into the local date they happened on in that zone,
 * so a Shanghai deal won at 00:30 on 1 April belongs to April even though it is still March in UTC.
 */
export type PeriodKind = 'month' | 'quarter';

export interface Period {
  /** "2025-03" (month) or "2025-Q1" (quarter). */
  key: string;
  kind: PeriodKind;
  /** First and last local dates, inclusive ("2025-03-01", "2025-03-31"). */
  start: string;
  end: string;
  days: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for a local calendar date: time-zone free arithmetic on dates. */
export const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;

export const dateOfDayNumber = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => dateOfDayNumber(dayNumber(date) + days);

/** Inclusive number of days from `from` to `to`. */
export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from) + 1;

const lastDayOfMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};

/** yyyymmdd for "yyyy-mm-dd" (a number that orders exactly as the string does: fixed width, digits), else NaN. */
export const dateNumber = (s: string): number => {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  return (
    digit(s, 0) * 10_000_000 +
    digit(s, 1) * 1_000_000 +
    digit(s, 2) * 100_000 +
    digit(s, 3) * 10_000 +
    digit(s, 5) * 1000 +
    digit(s, 6) * 100 +
    digit(s, 8) * 10 +
    digit(s, 9)
  );
};

const periodKeyOfText = (date: string, kind: PeriodKind): string =>
  kind === 'month'
    ? date.slice(0, 7)
    : `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;

/** Keys by yyyymm, per kind: the key depends only on a date's first seven characters, which yyyymm captures. */
const monthKeys = new Map<number, string>();
const quarterKeys = new Map<number, string>();

/** The key of the period holding the date; once per month seen, not three strings per credit. */
export const periodKeyOf = (date: string, kind: PeriodKind): string => {
  const n = dateNumber(date);
  if (Number.isNaN(n)) return periodKeyOfText(date, kind);
  const month = Math.floor(n / 100);
  const keys = kind === 'month' ? monthKeys : quarterKeys; // as periodKeyOfText tells them apart
  let key = keys.get(month);
  if (key === undefined) {
    key = periodKeyOfText(date, kind);
    keys.set(month, key);
  }
  return key;
};

const KEY = /^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$/;

export const parsePeriodKey = (key: string): Period => {
  const m = KEY.exec(key);
  if (!m) throw new RangeError(`"${key}" is not a period key such as 2025-03 or 2025-Q1`);
  const year = Number(m[1]);
  const kind: PeriodKind = m[2] ? 'month' : 'quarter';
  const firstMonth = m[2] ? Number(m[2]) : (Number(m[3]) - 1) * 3 + 1;
  const lastMonth = kind === 'month' ? firstMonth : firstMonth + 2;
  const start = `${year}-${pad(firstMonth)}-01`;
  const end = `${year}-${pad(lastMonth)}-${pad(lastDayOfMonth(year, lastMonth))}`;
  return { key, kind, start, end, days: daysBetween(start, end) };
};

export const periodOf = (date: string, kind: PeriodKind): Period => parsePeriodKey(periodKeyOf(date, kind));

export const nextPeriod = (period: Period): Period => periodOf(addDays(period.end, 1), period.kind);
export const previousPeriod = (period: Period): Period => periodOf(addDays(period.start, -1), period.kind);

/** Zone offsets only change on quarter-hour boundaries, so caching per 15-minute bucket is exact and cheap. */
const offsetCache = new Map<string, Map<number, number>>();
const partsFormats = new Map<string, Intl.DateTimeFormat>();
const BUCKET_MS = 900_000;

const zoneFormat = (timeZone: string) => {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, f);
  }
  return f;
};

/** Offset of the zone from UTC in ms at the instant (Asia/Shanghai: +8 h). */
export const zoneOffsetMs = (epochMs: number, timeZone: string): number => {
  let byBucket = offsetCache.get(timeZone);
  if (!byBucket) {
    byBucket = new Map();
    offsetCache.set(timeZone, byBucket);
  }
  const bucket = Math.floor(epochMs / BUCKET_MS);
  const cached = byBucket.get(bucket);
  if (cached !== undefined) return cached;
  const at = bucket * BUCKET_MS;
  const p: Record<string, number> = {};
  for (const part of zoneFormat(timeZone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const local = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  const offset = local - at;
  byBucket.set(bucket, offset);
  return offset;
};

const dates = new Map<string, string>();
/**
 * One string object per distinct date: the close keeps 200,000 credits but they fall on a few dozen dates, so
 * credits share them. Sorting and calculating a rep's credits read each credit's date; shared, the dates stay in
 * the CPU's cache instead of costing a memory read each. Same text, so nothing else can tell.
 */
export const sharedDate = (date: string): string => {
  const known = dates.get(date);
  if (known !== undefined) return known;
  if (dates.size >= 100_000) dates.clear(); // a bound, far above any real close's distinct dates
  dates.set(date, date);
  return date;
};

/** The local calendar date of an instant ("2025-03-31T16:30:00Z" in Asia/Shanghai → "2025-04-01"). */
export const localDate = (instant: string, timeZone: string): string => {
  // A bare date is already local: the CRM meant that day.
  if (instant.length === 10) return instant;
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`"${instant}" is not an ISO date or date-time`);
  return new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString().slice(0, 10);
};

/** UTC instant of local midnight starting `date` in the zone (DST-aware: probe the offset twice). */
export const startOfLocalDay = (date: string, timeZone: string): Date => {
  const guess = dayNumber(date) * DAY_MS;
  let t = guess - zoneOffsetMs(guess, timeZone);
  t = guess - zoneOffsetMs(t, timeZone);
  return new Date(t);
};

/** The period as UTC instants [start, end): what a scheduler needs to fire the close after the period ends. */
export const periodBounds = (period: Period, timeZone: string): { start: Date; end: Date } => ({
  start: startOfLocalDay(period.start, timeZone),
  end: startOfLocalDay(addDays(period.end, 1), timeZone),
});
