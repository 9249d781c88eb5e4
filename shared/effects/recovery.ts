/** The recovery sweep: completes effects whose performer died after recording them (see ledger.ts). */
import type { EffectLedger } from './ledger';

export const recoverPendingEffects = async (
  ledger: EffectLedger,
  opts: { maxBatches?: number } = {},
): Promise<{ found: number; recovered: number; failed: number }> => {
  let found = 0;
  let recovered = 0;
  let failed = 0;
  for (let batch = 0; batch < (opts.maxBatches ?? 10); batch++) {
    const pending = await ledger.expiredPending();
    if (pending.length === 0) break;
    found += pending.length;
    for (const p of pending) {
      try {
        if (await ledger.recover(p.key, p.leaseUntil, p.payload)) recovered++;
      } catch {
        failed++;
      }
    }
    if (recovered === 0 && failed > 0) break;
  }
  return { found, recovered, failed };
};
