/** Exactly-once sending through the ledger's key. */
import { describe, expect, it } from 'vitest';
import { digestEffectKey, sendDigestOnce } from '../../../shared/digest/send';
import type { Effect } from '../../../shared/effects/ledger';

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
