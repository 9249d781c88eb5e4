/**
 * The receipt sweep (on the recovery schedule): a receipt stored but still unapplied a few minutes later was never
 * delivered to sync (the receiver died between the put and the publish, or the event was lost), so its
 * `crm.record.changed` goes out again. Sync skips receipts already applied, so a redrive that races a slow first
 * event publishes nothing downstream twice. Each receipt is redriven at most MAX_REDRIVES times, a grace period
 * apart; a change sync keeps failing on is in sync's DLQ by then, with its own alarm.
 */
import type { EventBusPort } from '../ports';
import type { ReceiptRepository } from '../store/receipts';
import { recordChangedEntry } from './pipeline';

/** Longer than sync takes for a healthy change, so the sweep never races a live first delivery. */
export const REDRIVE_AFTER_MS = 5 * 60 * 1000;
export const MAX_REDRIVES = 3;

export interface RedriveDeps {
  tenantId: string;
  receipts: Pick<ReceiptRepository, 'unapplied' | 'claimRedrive'>;
  bus: EventBusPort;
  now: Date;
}

export const redriveUnappliedReceipts = async (
  deps: RedriveDeps,
): Promise<{ found: number; redriven: number; lastAttempts: number }> => {
  const found = await deps.receipts.unapplied(new Date(deps.now.getTime() - REDRIVE_AFTER_MS));
  const claimed = [];
  // One at a time: each claim is a conditional write that another sweep (or sync applying it) may win.
  for (const f of found)
    if (await deps.receipts.claimRedrive(f, deps.now, MAX_REDRIVES)) claimed.push(f.receipt);
  if (claimed.length > 0) await deps.bus.publish(claimed.map((r) => recordChangedEntry(deps.tenantId, r)));
  return {
    found: found.length,
    redriven: claimed.length,
    lastAttempts: claimed.filter((r) => (r.redrives ?? 0) + 1 >= MAX_REDRIVES).length,
  };
};
