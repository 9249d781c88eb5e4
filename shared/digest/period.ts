/**
 * Digest periods as local date ranges in the manager's zone: a day ("2026-10-05"), an ISO week ("2026-W40", Monday
 * to Sunday, the week that holds the year's first Thursday is week 1) or a month ("2026-10"). Weekly is the default.
 */

import { codedError } from '../errors';
import { addDays, dateOfDayNumber, dayNumber } from '../incentives/periods';

export type DigestPeriodKind = 'day' | 'week' | 'month';

export interface DigestPeriod {
  key: string;
  kind: DigestPeriodKind;
  /** Inclusive local dates. */
  start: string;
  end: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** 1 = Monday … 7 = Sunday. */
const weekday = (date: string) => ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;

/** Monday of ISO week 1 of the ISO year. */
const weekOneMonday = (year: number): string => {
  const jan4 = `${String(year).padStart(4, '0')}-01-04`;
  return addDays(jan4, 1 - weekday(jan4));
};

const validDate = (date: string): boolean => {
  const m = DAY.exec(date);
  return !!m && dateOfDayNumber(dayNumber(date)) === date;
};

export const isoWeekKey = (date: string): string => {
  const thursday = addDays(date, 4 - weekday(date));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((dayNumber(thursday) - dayNumber(weekOneMonday(year))) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};

export class DigestPeriodError extends codedError('invalid_period') {
  override readonly name = 'DigestPeriodError';
}

/** The period a key names; throws DigestPeriodError saying what a key looks like. */
export const parseDigestPeriod = (key: string): DigestPeriod => {
  const bad = () =>
    new DigestPeriodError(
      `period must be a week such as 2026-W40, a day such as 2026-10-05 or a month such as 2026-10; got ${JSON.stringify(key)}`,
    );
  const w = WEEK.exec(key);
  if (w) {
    const year = Number(w[1]);
    const week = Number(w[2]);
    const start = addDays(weekOneMonday(year), (week - 1) * 7);
    if (week < 1 || isoWeekKey(start) !== key) throw bad();
    return { key, kind: 'week', start, end: addDays(start, 6) };
  }
  if (DAY.test(key)) {
    if (!validDate(key)) throw bad();
    return { key, kind: 'day', start: key, end: key };
  }
  const m = MONTH.exec(key);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw bad();
    const start = `${key}-01`;
    const next =
      month === 12 ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(month + 1).padStart(2, '0')}-01`;
    return { key, kind: 'month', start, end: addDays(next, -1) };
  }
  throw bad();
};

/** The period of a kind that holds the local date. */
export const digestPeriodOn = (kind: DigestPeriodKind, date: string): DigestPeriod =>
  parseDigestPeriod(kind === 'day' ? date : kind === 'week' ? isoWeekKey(date) : date.slice(0, 7));

/** The period just before this one (what a Monday digest covers is the week before). */
export const previousDigestPeriod = (p: DigestPeriod): DigestPeriod =>
  digestPeriodOn(p.kind, addDays(p.start, -1));
