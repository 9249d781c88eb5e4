import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditOrder } from '../../../shared/incentives/credit';
import { sortByCreditOrder } from '../../../shared/incentives/order';
import { dateNumber, periodKeyOf } from '../../../shared/incentives/periods';

/** Few dates and ids, so that equal dates, equal ids and long same-day runs all occur. */
const item = fc.record({
  date: fc.constantFrom('2025-01-01', '2025-01-02', '2025-01-10', '2025-02-28', '2024-12-31', '2025-02-30'),
  dealId: fc.oneof(
    fc.constantFrom('D1', 'D10', 'D2', 'd1', 'Ä', '', 'D1 '),
    fc.integer({ min: 0, max: 500 }).map((n) => `D${n}`),
  ),
  tag: fc.nat(),
});

describe('sortByCreditOrder', () => {
  it('orders exactly as a stable sort by creditOrder, for any dates and ids', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 300 }), (list) => {
        const expected = [...list].sort(creditOrder);
        expect(sortByCreditOrder(list)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('handles a long run of one day (the built-in sort path) and leaves the input as it was', () => {
    const list = Array.from({ length: 1000 }, (_, i) => ({
      date: i % 2 ? '2025-03-01' : '2025-01-15',
      dealId: `D${(i * 7919) % 1000}`,
    }));
    const copy = list.map((x) => ({ ...x }));
    const sorted = sortByCreditOrder(list);
    expect(sorted).toEqual([...list].sort(creditOrder));
    expect(list).toEqual(copy);
    expect(sorted[0]).toEqual({ date: '2025-01-15', dealId: 'D0' });
  });
});

describe('dateNumber', () => {
  it('orders ISO dates as their strings do, and refuses anything else', () => {
    const dates = ['2024-12-31', '2025-01-01', '2025-02-30', '2025-10-01', '0999-01-01', '9999-12-31'];
    const byString = [...dates].sort();
    const byNumber = [...dates].sort((a, b) => dateNumber(a) - dateNumber(b));
    expect(byNumber).toEqual(byString);
    expect(dateNumber('2025-03-31')).toBe(20250331);
    for (const bad of ['2025-3-31', '2025/03/31', '2025-03-3a', '2025-03-31T00:00:00Z', ''])
      expect(dateNumber(bad)).toBeNaN();
  });

  it('a list with a date that is not yyyy-mm-dd, or dates years apart, still sorts exactly', () => {
    const odd = [
      { date: '2025-03-01', dealId: 'b' },
      { date: '2025-3-1', dealId: 'a' },
      { date: '2025-01-01', dealId: 'c' },
    ];
    expect(sortByCreditOrder(odd)).toEqual([...odd].sort(creditOrder));
    const wide = [
      { date: '2999-01-01', dealId: 'a' },
      { date: '2025-01-01', dealId: 'b' },
      { date: '1999-01-01', dealId: 'c' },
    ];
    expect(sortByCreditOrder(wide).map((x) => x.dealId)).toEqual(['c', 'b', 'a']);
  });
});

describe('periodKeyOf', () => {
  it('gives the month and quarter keys, the same on every call, for dates of any year', () => {
    const cases: [string, string, string][] = [
      ['2025-01-01', '2025-01', '2025-Q1'],
      ['2025-03-31', '2025-03', '2025-Q1'],
      ['2025-04-01', '2025-04', '2025-Q2'],
      ['2024-12-31', '2024-12', '2024-Q4'],
      ['0999-07-15', '0999-07', '0999-Q3'],
    ];
    for (let round = 0; round < 2; round++)
      for (const [date, month, quarter] of cases) {
        expect(periodKeyOf(date, 'month')).toBe(month);
        expect(periodKeyOf(date, 'quarter')).toBe(quarter);
      }
    // Not yyyy-mm-dd: read as before, by position.
    expect(periodKeyOf('2025-03-31T00:00', 'quarter')).toBe('2025-Q1');
  });
});
