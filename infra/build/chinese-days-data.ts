/**
 * Build-time only: `#chinese-days-data` as Lambda bundles get it. Functions read China's holidays from the
 * `chinese-days` package once per container (shared/workflows/chinese-days-source.ts), and the package answers by
 * walking every day of every year it has, with a date library and lunar-calendar code around its table (about
 * 24 KB minified): some 80 ms of a first invocation, and still about 10 ms with the date library taken out. The answer
 * cannot change inside a bundle, so this writes a module holding it, compact (about 4 KB of dates as MMDD lists per
 * year), expanded on first use. Generated at each build from node_modules, it cannot fall behind the package;
 * test/integration/lambda-bundle.int.test.ts checks that it gives back exactly what the package gives.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHINESE_DAYS_FROM, chineseDaysData } from '../../shared/workflows/chinese-days-source';

/** Per year from the first, as MMDD lists: the named holidays (`h`) and the make-up working days (`w`). */
export const chineseDaysTable = (): {
  from: number;
  lastYear: number | undefined;
  years: { h: string; w: string }[];
} => {
  const data = chineseDaysData();
  const years: { h: string; w: string }[] = [];
  const mmdd = (dates: string[], year: number) =>
    dates
      .filter((d) => d.startsWith(`${year}-`))
      .map((d) => d.slice(5).replace('-', ''))
      .join(',');
  for (let year = CHINESE_DAYS_FROM; data.lastYear !== undefined && year <= data.lastYear; year++)
    years.push({ h: mmdd(data.holidays, year), w: mmdd(data.makeUpWorkdays, year) });
  return { from: CHINESE_DAYS_FROM, lastYear: data.lastYear, years };
};

// The module's code is plain JavaScript in a template: it is loaded only by the bundler, never type-checked.
const moduleSource = (table: ReturnType<typeof chineseDaysTable>) => `
const TABLE = ${JSON.stringify(table)};
export const CHINESE_DAYS_FROM = TABLE.from;
export const chineseDaysData = () => {
  const holidays = [];
  const makeUpWorkdays = [];
  TABLE.years.forEach((row, i) => {
    const year = TABLE.from + i;
    const add = (list, s) => {
      if (s) for (const md of s.split(',')) list.push(\`\${year}-\${md.slice(0, 2)}-\${md.slice(2)}\`);
    };
    add(holidays, row.h);
    add(makeUpWorkdays, row.w);
  });
  return { holidays, makeUpWorkdays, lastYear: TABLE.lastYear ?? undefined };
};
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
