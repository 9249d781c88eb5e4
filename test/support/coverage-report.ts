/**
 * Prints the coverage figure of the last `vitest run --coverage` (coverage/coverage-summary.json, written by the
 * json-summary reporter) and every file whose line coverage is under 60 %, lowest first: where tests are missing.
 * It sets no threshold and never fails the run.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

type Metric = { total: number; covered: number; pct: number };
type Summary = Record<string, { lines: Metric; statements: Metric; functions: Metric; branches: Metric }>;

const ROOT = join(import.meta.dirname, '..', '..');
const LOW = 60;

const summary = JSON.parse(readFileSync(join(ROOT, 'coverage', 'coverage-summary.json'), 'utf8')) as Summary;
const { total, ...files } = summary;
if (!total) throw new Error('coverage/coverage-summary.json has no total: run vitest with --coverage first');

const pct = (m: Metric) => `${m.pct.toFixed(1)} %`;
const low = Object.entries(files)
  .filter(([, f]) => f.lines.total > 0 && f.lines.pct < LOW)
  .sort(([a, x], [b, y]) => x.lines.pct - y.lines.pct || a.localeCompare(b));

const lines = [
  `Coverage of the tiers run with --coverage: lines ${pct(total.lines)}, statements ${pct(total.statements)}, ` +
    `functions ${pct(total.functions)}, branches ${pct(total.branches)} (${Object.keys(files).length} files)`,
  low.length === 0 ? `No file under ${LOW} % of lines.` : `${low.length} files under ${LOW} % of lines:`,
  ...low.map(([file, f]) => `  ${pct(f.lines).padStart(7)}  ${relative(ROOT, file)}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
