/** The recovery sweep: completes effects whose performer died after recording them (see ledger.ts). */
import type { EffectLedger } from './ledger';

export const recoverPendingEffects = async (
  ledger: EffectLedger,
  opts: { maxBatches?: number } = {},
): Promise<{ found: number; recovered: number; failed: number }> => {
  let recovered = 0;
  let failed = 0;
  // A failing effect goes back to pending with its lease released; try it once per sweep, not once per batch.
  const tried = new Set<string>();
  for (let batch = 0; batch < (opts.maxBatches ?? 10); batch++) {
    const pending = (await ledger.expiredPending()).filter((p) => !tried.has(p.key));
    if (pending.length === 0) break;
    for (const p of pending) {
      tried.add(p.key);
      try {
        if (await ledger.recover(p.key, p.leaseUntil, p.payload)) recovered++;
      } catch {
        failed++;
      }
    }
  }
  const found = tried.size;
  return { found, recovered, failed };
};
