import { describe, expect, it } from 'vitest';
import { clockOption, UsageError } from '../../infra/cli/common';

describe('--now', () => {
  it('is the machine clock when absent, and a fixed instant when given with a zone', () => {
    expect(clockOption(undefined)).toBeUndefined();
    expect(clockOption('2026-12-01T02:00:00+08:00')?.().toISOString()).toBe('2026-11-30T18:00:00.000Z');
    expect(clockOption('2026-12-01T02:00:00Z')?.().toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  it('refuses an instant without a zone or that is not a date, naming the option', () => {
    for (const bad of ['2026-12-01T02:00:00', 'yesterday', '2026-13-01T00:00:00Z']) {
      expect(() => clockOption(bad)).toThrow(UsageError);
      expect(() => clockOption(bad)).toThrow(/--now must be an ISO-8601 instant with a zone/);
    }
  });
});
