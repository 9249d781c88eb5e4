/**
 * The receipt sweep (on the recovery schedule): a receipt stored but still unapplied a few minutes later was never
 * delivered to sync (the receiver died between the put and the publish, or the event was lost), so its
 * `crm.record.changed` goes out again. Applied is what the receipt or its record says (shared/ingest/applied.ts): the
 * sweep reads the receipts past its cursor and the marks of their records (one batch read), not a write per receipt.
 * Sync skips receipts already applied, so a redrive that races a slow first event publishes nothing downstream
 * twice. Each receipt is redriven at most MAX_REDRIVES times, a grace period apart; a change sync keeps failing on is
 * in sync's DLQ by then, with its own alarm.
 */
import type { EventBusPort } from '../ports';
import type { ReceiptRepository } from '../store/receipts';
import type { RecordRepository } from '../store/records';
import { isApplied, recordMarkKey, recordRefOf } from './applied';
import { recordChangedEntry } from './pipeline';

/** Longer than sync takes for a healthy change, so the sweep never races a live first delivery. */
export const REDRIVE_AFTER_MS = 5 * 60 * 1000;
export const MAX_REDRIVES = 3;

export interface RedriveDeps {
  tenantId: string;
  receipts: Pick<ReceiptRepository, 'unswept' | 'saveSweepCursor' | 'claimRedrive'>;
  records: Pick<RecordRepository, 'marks'>;
  bus: EventBusPort;
  now: Date;
  /** Receipts read per index shard and page (tests make it small). */
  pageSize?: number;
}

/**
 * Pages one sweep reads at most (each up to `pageSize` receipts per shard). Every receipt enters the index and sync
 * marks most on their records, so after a burst the sweep has many applied receipts to read past: it reads on until
 * it has caught up, so a lost receipt behind a burst is not left for later runs. 50 pages of 100 receipts in 4 shards
 * is 20,000 receipts a run (about a minute of 300 webhooks/s), read through the index at 4 KB per read unit.
 */
export const MAX_PAGES_PER_SWEEP = 50;

export const redriveUnappliedReceipts = async (
  deps: RedriveDeps,
): Promise<{ found: number; redriven: number; lastAttempts: number }> => {
  const before = new Date(deps.now.getTime() - REDRIVE_AFTER_MS);
  const total = { found: 0, redriven: 0, lastAttempts: 0 };
  for (let page = 0; page < MAX_PAGES_PER_SWEEP; page++) {
    const { caughtUp, ...counts } = await redrivePage(deps, before);
    total.found += counts.found;
    total.redriven += counts.redriven;
    total.lastAttempts += counts.lastAttempts;
    if (caughtUp) break;
  }
  return total;
};

/** One page of the sweep: the receipts past the cursor, those not applied claimed and republished, the cursor saved. */
const redrivePage = async (deps: RedriveDeps, before: Date) => {
  const swept = await deps.receipts.unswept(before, deps.pageSize);
  const marks =
    swept.found.length > 0
      ? await deps.records.marks(swept.found.map((f) => recordRefOf(f.receipt)))
      : new Map();
  const unapplied = swept.found.filter((f) => !isApplied(f.receipt, marks.get(recordMarkKey(f.receipt))));
  const claimed = [];
  // One at a time: each claim is a conditional write that another sweep (or sync applying it) may win.
  for (const f of unapplied)
    if (await deps.receipts.claimRedrive(f, deps.now, MAX_REDRIVES)) claimed.push(f.receipt);
  if (claimed.length > 0) await deps.bus.publish(claimed.map((r) => recordChangedEntry(deps.tenantId, r)));
  // Past what it read only once each unapplied one is claimed and published: a crash before reads them again.
  await deps.receipts.saveSweepCursor(swept.cursor, swept.found.length > 0);
  const upTo = before.toISOString();
  return {
    caughtUp: swept.cursor.to.every((c) => c === upTo),
    found: unapplied.length,
    redriven: claimed.length,
    lastAttempts: claimed.filter((r) => (r.redrives ?? 0) + 1 >= MAX_REDRIVES).length,
  };
};
