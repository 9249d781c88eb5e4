/**
 * Where a calendar's public holidays come from, and how far they reach.
 *
 * - `chinese-days`: the maintained npm package with China's State Council arrangements (holidays and 调休 make-up
 *   working days). It only knows a year once the arrangement is published (usually in November for the next year),
 *   so it covers through the end of the last year it has holidays for.
 * - `date-holidays`: country (and state) rules, computed for any year. The package is large (about 1.5 MB bundled),
 *   so it is never loaded here: tooling resolves such calendars into explicit dates (country-holidays.ts) before a
 *   document reaches a function, and what reaches a function is an ordinary calendar of listed dates.
 * - no source: only the dates listed in the calendar.
 *
 * A calendar's own `holidays` / `makeUpWorkdays` add to its source (next year's dates before the package has them),
 * and extend its coverage to the end of the latest year they name. `daysOff` / `extraWorkdays` are the company's own
 * and do not count as coverage. Past its coverage a calendar still counts weekdays and the company's days, but the
 * public holidays are unknown there: calendarCoverageWarnings says so before that happens.
 */
import { chineseDaysData } from '#chinese-days-data';
import { codedError } from '../errors';
import type { CalendarDefinition } from './definition';

export interface PublicDays {
  holidays: readonly string[];
  makeUpWorkdays: readonly string[];
  /** The last local date the data covers; undefined when it does not run out. */
  coveredThrough: string | undefined;
}

let chinese: PublicDays | undefined;
/** China's holidays and make-up days, every year the package has, read once per container (chinese-days-source.ts). */
export const chineseDays = (): PublicDays => {
  if (chinese) return chinese;
  const { holidays, makeUpWorkdays, lastYear } = chineseDaysData();
  chinese = {
    holidays,
    makeUpWorkdays,
    coveredThrough: lastYear === undefined ? undefined : `${lastYear}-12-31`,
  };
  return chinese;
};

const lastYearNamed = (dates: readonly string[]): number | undefined =>
  dates.length ? Math.max(...dates.map((d) => Number(d.slice(0, 4)))) : undefined;

const later = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b;

export class UnresolvedCalendarError extends codedError('invalid_config') {
  override readonly name = 'UnresolvedCalendarError';
}

/**
 * A calendar's public days: its source's plus the dates it lists. A date-holidays calendar must have been resolved
 * first (country-holidays.ts): reaching one here is a packaging mistake, and the cold start says so.
 */
export const publicDays = (def: CalendarDefinition, id = 'calendar'): PublicDays => {
  const listed = [...def.holidays, ...def.makeUpWorkdays];
  const listedYear = lastYearNamed(listed);
  const listedThrough = listedYear === undefined ? undefined : `${listedYear}-12-31`;
  switch (def.source) {
    case 'chinese-days': {
      const cn = chineseDays();
      return {
        holidays: [...cn.holidays, ...def.holidays],
        makeUpWorkdays: [...cn.makeUpWorkdays, ...def.makeUpWorkdays],
        coveredThrough: later(cn.coveredThrough, listedThrough),
      };
    }
    case 'date-holidays':
      throw new UnresolvedCalendarError(
        `calendar ${id} (date-holidays ${def.country ?? '?'}) was not resolved into dates before loading`,
      );
    case undefined:
      // Only listed dates: they reach the end of the latest year named; a calendar listing none has no holidays to
      // run out of (weekdays only, like the default).
      return { holidays: def.holidays, makeUpWorkdays: def.makeUpWorkdays, coveredThrough: listedThrough };
  }
};
