/** Which week is due for a manager, in their zone, and exactly-once sending through the ledger's key. */
import { describe, expect, it } from 'vitest';
import { digestEffectKey, dueWeeklyPeriod, sendDigestOnce } from '../../../shared/digest/send';
import type { Effect } from '../../../shared/effects/ledger';

describe('weekly digest due', () => {
  it('is the week before from Monday 08:00 in the manager’s zone', () => {
    // Monday 12 October 2026, 07:59 and 08:00 in Shanghai.
    expect(dueWeeklyPeriod(new Date('2026-10-12T07:59:00+08:00'), 'Asia/Shanghai').key).toBe('2026-W40');
    expect(dueWeeklyPeriod(new Date('2026-10-12T08:00:00+08:00'), 'Asia/Shanghai').key).toBe('2026-W41');
    // Still W41 for the rest of the week: a missed Monday run is caught up by the next one.
    expect(dueWeeklyPeriod(new Date('2026-10-18T23:00:00+08:00'), 'Asia/Shanghai').key).toBe('2026-W41');
  });

  it('follows each manager’s own zone', () => {
    // 08:30 Monday in Shanghai is still Sunday evening in New York.
    const at = new Date('2026-10-12T08:30:00+08:00');
    expect(dueWeeklyPeriod(at, 'Asia/Shanghai').key).toBe('2026-W41');
    expect(dueWeeklyPeriod(at, 'America/New_York').key).toBe('2026-W40');
    // Monday 08:00 in New York after the DST change (EST, UTC−5).
    expect(dueWeeklyPeriod(new Date('2026-11-02T13:00:00Z'), 'America/New_York').key).toBe('2026-W44');
    expect(dueWeeklyPeriod(new Date('2026-11-02T12:59:00Z'), 'America/New_York').key).toBe('2026-W43');
  });
});

describe('sending once', () => {
  it('keys the email by manager and period', async () => {
    const seen: Effect[] = [];
    const ledger = {
      run: async (e: Effect) => {
        const dup = seen.some((s) => s.key === e.key);
        seen.push(e);
        return dup ? { outcome: 'duplicate' as const } : { outcome: 'performed' as const, result: 'm-1' };
      },
    };
    const email = {
      kind: 'manager-digest' as const,
      from: 'a@x.example',
      to: ['m@x.example'],
      subject: 's',
      html: 'h',
      text: 't',
    };
    expect((await sendDigestOnce(ledger, 'm1', '2026-W41', email)).outcome).toBe('performed');
    expect((await sendDigestOnce(ledger, 'm1', '2026-W41', email)).outcome).toBe('duplicate');
    expect(seen[0]?.key).toBe(digestEffectKey('m1', '2026-W41'));
    expect(seen[0]?.key).toBe('digest#m1#2026-W41');
  });
});
