import { describe, expect, it } from 'vitest';
import {
  DigestPeriodError,
  digestPeriodOn,
  isoWeekKey,
  parseDigestPeriod,
  previousDigestPeriod,
} from '../../../shared/digest/period';

describe('digest periods', () => {
  it('reads ISO weeks, days and months as local date ranges', () => {
    expect(parseDigestPeriod('2026-W40')).toEqual({
      key: '2026-W40',
      kind: 'week',
      start: '2026-09-28',
      end: '2026-10-04',
    });
    expect(parseDigestPeriod('2026-10-05')).toEqual({
      key: '2026-10-05',
      kind: 'day',
      start: '2026-10-05',
      end: '2026-10-05',
    });
    expect(parseDigestPeriod('2026-10')).toEqual({
      key: '2026-10',
      kind: 'month',
      start: '2026-10-01',
      end: '2026-10-31',
    });
    expect(parseDigestPeriod('2024-02').end).toBe('2024-02-29');
  });

  it('numbers weeks the ISO way across year ends', () => {
    expect(isoWeekKey('2026-01-01')).toBe('2026-W01');
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
    expect(isoWeekKey('2024-12-30')).toBe('2025-W01');
    expect(parseDigestPeriod('2026-W53').start).toBe('2026-12-28');
    expect(() => parseDigestPeriod('2025-W53')).toThrow(DigestPeriodError);
  });

  it('refuses what is not a period, saying what one looks like', () => {
    for (const bad of ['2026-W00', '2026-13', '2026-02-30', 'last week'])
      expect(() => parseDigestPeriod(bad)).toThrow(/a week such as 2026-W40/);
  });

  it('finds the period of a date and the one before', () => {
    expect(digestPeriodOn('week', '2026-10-05').key).toBe('2026-W41');
    expect(previousDigestPeriod(digestPeriodOn('week', '2026-10-05')).key).toBe('2026-W40');
    expect(previousDigestPeriod(parseDigestPeriod('2026-01')).key).toBe('2025-12');
    expect(previousDigestPeriod(parseDigestPeriod('2026-03-01')).key).toBe('2026-02-28');
  });
});
