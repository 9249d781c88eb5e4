/** The recovery sweep: completes effects whose performer died after recording them (see protocol.ts). */
import { logger } from '../observability/logger';
import type { Ledger } from './protocol';

/** What the sweep needs of the ledger: the expired pending effects, and a takeover of one. */
export type RecoverableLedger = Pick<Ledger, 'expiredPending' | 'recover'>;

/** By default each effect not recovered is logged with its key and its error (the cause included). */
const logFailure = (key: string, error: unknown): void => {
  logger.error('effect not recovered; the next sweep tries it again', {
    effectKey: key,
    error: error instanceof Error ? error : new Error(String(error)),
  });
};

export const recoverPendingEffects = async (
  ledger: RecoverableLedger,
  opts: { maxBatches?: number; onFailure?: (key: string, error: unknown) => void } = {},
): Promise<{ found: number; recovered: number; failed: number }> => {
  const onFailure = opts.onFailure ?? logFailure;
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
      } catch (err) {
        failed++;
        onFailure(p.key, err);
      }
    }
  }
  const found = tried.size;
  return { found, recovered, failed };
};
