/**
 * Targets in and out as CSV: a header `person,goal,period,target` (optionally `,reason`), then one target a line.
 * An import is all or nothing: every row is checked first, and any bad row refuses the file with each problem's
 * line number (the header is line 1) and reason.
 *
 * The parser is a strict reading of the RFC 4180 subset we need, written here because no CSV library is installed
 * and the format is small: comma separators, CRLF or LF line ends, fields optionally in double quotes with "" for
 * a quote (a quoted field may hold commas and line breaks). Anything else (a stray quote) is an error, not a guess.
 */

import { DomainError } from '../errors';
import type { TargetEntry } from '../store/goal-targets';
import { goalPeriodOfKey } from './periods';
import type { CompiledGoals } from './validate';

export interface CsvRow {
  /** Line number where the row starts (1-based). */
  line: number;
  fields: string[];
}

export class CsvError extends DomainError {
  override readonly name = 'CsvError';
  constructor(readonly problems: { line: number; message: string }[]) {
    super('invalid_csv', problems.map((p) => `line ${p.line}: ${p.message}`).join('\n'), problems);
  }
}

export const parseCsv = (text: string): CsvRow[] => {
  const rows: CsvRow[] = [];
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (s[i] === '"') {
        i++;
        for (;;) {
          if (i >= s.length) throw new CsvError([{ line: start, message: 'a quoted field is not closed' }]);
          if (s[i] === '"') {
            if (s[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (s[i] === '\n') line++;
          value += s[i];
          i++;
        }
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r')
          throw new CsvError([{ line, message: 'text after a closing quote' }]);
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          if (s[i] === '"') throw new CsvError([{ line, message: 'a quote inside an unquoted field' }]);
          value += s[i];
          i++;
        }
      }
      fields.push(value);
      if (s[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (s[i] === '\r') i++;
    if (s[i] === '\n') i++;
    line++;
    // Blank lines (a trailing newline) carry no row.
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: start, fields });
  }
  return rows;
};

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export const formatCsv = (rows: readonly (readonly string[])[]): string =>
  rows.map((r) => `${r.map(csvField).join(',')}\r\n`).join('');

export const TARGET_HEADER = ['person', 'goal', 'period', 'target', 'reason'] as const;
const TARGET = /^\d{1,15}(\.\d{1,6})?$/;

/**
 * Who may own a target of a goal, the check `goals set` and `goals import` share: why the id is not an owner of
 * this kind, or undefined when it is.
 */
export type OwnerCheck = (kind: 'rep' | 'team' | 'tenant', id: string) => string | undefined;

/** One target, or why it cannot be set. */
export const checkTarget = (
  goals: CompiledGoals,
  isOwner: OwnerCheck,
  entry: { person: string; goal: string; period: string; target: string; reason?: string },
): TargetEntry | string => {
  const goal = goals.goal(entry.goal);
  if (!goal)
    return `goal "${entry.goal}" is not one of ${goals.doc.goals.map((g) => g.id).join(', ') || '(none)'}`;
  if (goal.target.source !== 'targets')
    return `goal "${goal.id}" takes its target from ${goal.target.source === 'members' ? 'its members’ targets' : 'the incentive quota'}; it is not set here`;
  const who = isOwner(goal.owner, entry.person);
  if (who) return who;
  const period = goalPeriodOfKey(goal.period, entry.period);
  if ('error' in period) return `period "${entry.period}" ${period.error}`;
  if (!TARGET.test(entry.target))
    return `target "${entry.target}" must be a non-negative decimal such as 180000.00`;
  if (entry.reason !== undefined && entry.reason.length > 500) return 'reason is longer than 500 characters';
  return {
    goal: goal.id,
    period: period.key,
    owner: entry.person,
    target: entry.target,
    ...(entry.reason ? { reason: entry.reason } : {}),
  };
};

/** Every row checked; a CsvError lists every bad row. */
export const parseTargetsCsv = (text: string, goals: CompiledGoals, isOwner: OwnerCheck): TargetEntry[] => {
  const rows = parseCsv(text);
  const header = rows[0];
  const expected = TARGET_HEADER.slice(0, 4).join(',');
  const names = header?.fields.map((f) => f.trim());
  if (!header || !(names?.join(',') === expected || names?.join(',') === TARGET_HEADER.join(',')))
    throw new CsvError([
      {
        line: 1,
        message: `the header must be "${expected}" or "${TARGET_HEADER.join(',')}", got "${names?.join(',') ?? ''}"`,
      },
    ]);
  const width = header.fields.length;
  const problems: { line: number; message: string }[] = [];
  const entries: TargetEntry[] = [];
  const seen = new Map<string, number>();
  for (const row of rows.slice(1)) {
    if (row.fields.length !== width) {
      problems.push({ line: row.line, message: `has ${row.fields.length} fields; the header has ${width}` });
      continue;
    }
    const [person = '', goal = '', period = '', target = '', reason] = row.fields.map((f) => f.trim());
    const out = checkTarget(goals, isOwner, { person, goal, period, target, ...(reason ? { reason } : {}) });
    if (typeof out === 'string') {
      problems.push({ line: row.line, message: out });
      continue;
    }
    const key = `${out.goal}|${out.period}|${out.owner}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({
        line: row.line,
        message: `repeats line ${earlier} (${out.owner}, ${out.goal}, ${out.period})`,
      });
      continue;
    }
    seen.set(key, row.line);
    entries.push(out);
  }
  if (problems.length) throw new CsvError(problems);
  return entries;
};
