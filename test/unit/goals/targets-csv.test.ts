/** The strict CSV reading targets come in through: quoting, line numbers, and refusals instead of guesses. */
import { describe, expect, it } from 'vitest';
import { CsvError, formatCsv, parseCsv } from '../../../shared/goals/targets-csv';

const fails = (text: string) => {
  try {
    parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) return err.problems;
    throw err;
  }
  throw new Error('parsed');
};

describe('CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, numbering rows by their first line', () => {
    const rows = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n\nlast,\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
      { line: 6, fields: ['last', ''] },
    ]);
  });

  it('refuses a stray quote or an unclosed one, by line', () => {
    expect(fails('a,b\nx"y,z\n')).toEqual([{ line: 2, message: 'a quote inside an unquoted field' }]);
    expect(fails('a,b\n"x"y,z\n')).toEqual([{ line: 2, message: 'text after a closing quote' }]);
    expect(fails('a,b\n\n"open,z\n')).toEqual([{ line: 3, message: 'a quoted field is not closed' }]);
  });

  it('writes what it reads', () => {
    const rows = [
      ['person', 'reason'],
      ['u1', 'Q4 plan, "agreed"'],
      ['u2', ''],
    ];
    expect(parseCsv(formatCsv(rows)).map((r) => r.fields)).toEqual(rows);
  });
});
