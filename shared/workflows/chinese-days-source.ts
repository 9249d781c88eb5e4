/**
 * China's public holidays and 调休 make-up working days as the maintained `chinese-days` package has them, every year
 * it knows. Reached as `#chinese-days-data` (package.json imports): Lambda bundles get instead a module generated at
 * build time from this very answer (infra/build/chinese-days-data.ts), because asking the package takes a walk over
 * every day of some twenty years, about 10 ms of a first invocation even without its date library, and the answer
 * cannot change inside a bundle.
 */
// The default export: the package is CommonJS for Node, whose named exports Node's ESM loader cannot see.
import chineseDaysPackage from 'chinese-days';

export interface ChineseDaysData {
  /** The holidays the arrangements name (not every weekend), in date order. */
  holidays: string[];
  /** The weekend days the arrangements make working days, in date order. */
  makeUpWorkdays: string[];
  /** The last year the package has arrangements for; undefined if it has none. */
  lastYear: number | undefined;
}

/** The package's first year of data. */
export const CHINESE_DAYS_FROM = 2004;

const weekend = (date: string): boolean => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 || d === 6;
};

export const chineseDaysData = (): ChineseDaysData => {
  const holidays: string[] = [];
  const makeUpWorkdays: string[] = [];
  let lastYear: number | undefined;
  for (let year = CHINESE_DAYS_FROM; ; year++) {
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    // Without weekends: the days the arrangement names as holidays, not every Saturday and Sunday.
    const named = chineseDaysPackage.getHolidaysInRange(from, to, false);
    if (named.length === 0) break;
    lastYear = year;
    holidays.push(...named);
    // The working days that fall on a weekend are the 补班 make-up days.
    makeUpWorkdays.push(...chineseDaysPackage.getWorkdaysInRange(from, to, true).filter(weekend));
  }
  return { holidays, makeUpWorkdays, lastYear };
};
