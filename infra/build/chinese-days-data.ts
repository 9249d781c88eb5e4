/**
 * Build-time only: the `chinese-days` package as Lambda bundles get it. The package (about 24 KB minified) carries a
 * date library and lunar-calendar code besides its holiday table; functions only ask it two questions, in
 * shared/workflows/holidays.ts: the named holidays of a date range and its working days (weekends included). This
 * writes a small module answering exactly those two from the installed package's own answers, year by year, so the
 * bundle holds the dates (about 4 KB) and nothing else. Generated at each build from node_modules, it cannot fall
 * behind the package; test/integration/lambda-bundle.int.test.ts compares its answers with the package's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chineseDaysPackage from 'chinese-days';

/** The package's first year of data (as in holidays.ts). */
const FROM_YEAR = 2004;

const isWeekend = (date: string): boolean => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 || d === 6;
};

/**
 * Per year, as MMDD lists: the named holidays (`h`), and the working days that are not plain weekdays (`w`: make-up
 * weekend days, and any holiday the package also names a working day). Every other date is a working day exactly when
 * it is a weekday and not a holiday, which is the package's own rule.
 */
export const chineseDaysTable = (): Record<string, { h: string; w: string }> => {
  const table: Record<string, { h: string; w: string }> = {};
  for (let year = FROM_YEAR; ; year++) {
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    const holidays = chineseDaysPackage.getHolidaysInRange(from, to, false);
    if (holidays.length === 0) break;
    const named = new Set(holidays);
    const workdays = chineseDaysPackage
      .getWorkdaysInRange(from, to, true)
      .filter((d) => isWeekend(d) || named.has(d));
    const mmdd = (dates: string[]) => dates.map((d) => d.slice(5).replace('-', '')).join(',');
    table[year] = { h: mmdd(holidays), w: mmdd(workdays) };
  }
  return table;
};

// The module's code is plain JavaScript in a template: it is loaded only by the bundler, never type-checked.
// It walks dates as numbers, not Date objects: a function compiling a chinese-days calendar asks for every year the
// package has (holidays.ts), about 9,000 days each way at its first invocation, and a Date and toISOString per day
// cost about 80 ms of that cold start; holidays come straight from the year's list.
const moduleSource = (table: Record<string, { h: string; w: string }>) => `
const TABLE = ${JSON.stringify(table)};
const sets = {};
const yearSets = (year) => {
  if (!sets[year]) {
    const row = TABLE[year];
    const list = (s) => (row && s ? s.split(',').map((md) => \`\${year}-\${md.slice(0, 2)}-\${md.slice(2)}\`) : []);
    const holidays = list(row?.h);
    sets[year] = { holidayList: holidays, holidays: new Set(holidays), workdays: new Set(list(row?.w)) };
  }
  return sets[year];
};
const checked = (from, to) => {
  if (!/^\\d{4}-\\d{2}-\\d{2}$/.test(from) || !/^\\d{4}-\\d{2}-\\d{2}$/.test(to))
    throw new Error(\`chinese-days (Lambda build): dates must be YYYY-MM-DD, got \${from} and \${to}\`);
};
const pad = (n) => (n < 10 ? \`0\${n}\` : \`\${n}\`);
const monthDays = (y, m) =>
  m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
const only = (name, includeWeekends, supported) => {
  if (includeWeekends !== supported)
    throw new Error(\`chinese-days (Lambda build): \${name} is built for includeWeekends = \${supported} only\`);
};
export const getHolidaysInRange = (from, to, includeWeekends = true) => {
  only('getHolidaysInRange', includeWeekends, false);
  checked(from, to);
  const out = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++)
    for (const d of yearSets(y).holidayList) if (d >= from && d <= to) out.push(d);
  return out;
};
export const getWorkdaysInRange = (from, to, includeWeekends = true) => {
  only('getWorkdaysInRange', includeWeekends, true);
  checked(from, to);
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  let d = Number(from.slice(8, 10));
  let weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  let year = yearSets(y);
  const out = [];
  for (let date = from; date <= to; ) {
    // A working day: named one (make-up days), or a weekday that is no holiday. The package's own rule.
    if (year.workdays.has(date) || (weekday >= 1 && weekday <= 5 && !year.holidays.has(date))) out.push(date);
    weekday = (weekday + 1) % 7;
    if (++d > monthDays(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        year = yearSets(++y);
      }
    }
    date = \`\${y}-\${pad(m)}-\${pad(d)}\`;
  }
  return out;
};
export default { getHolidaysInRange, getWorkdaysInRange };
`;

let written: string | undefined;

/** The generated module's path (written once per process, to a temporary directory). */
export const chineseDaysModule = (): string => {
  if (written) return written;
  const file = join(mkdtempSync(join(tmpdir(), 'qf-chinese-days-')), 'chinese-days.mjs');
  writeFileSync(file, moduleSource(chineseDaysTable()));
  written = file;
  return file;
};
