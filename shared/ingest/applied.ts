/**
 * When is a webhook receipt applied? Sync marks it in the record write it makes anyway: the record item carries the
 * receipt it applied (`appliedReceipt`), so the common path (a change that moves the record) costs no write on the
 * receipt. Only a change that writes no record (stale, unchanged, or a replay of one already written) marks the
 * receipt itself (`appliedAt`, ReceiptRepository.markApplied).
 *
 * A receipt is applied when it says so, or when the record says its change is in the canonical copy:
 * - the record was written by this receipt;
 * - the receipt names the version it brings (the generic webhook carries the record; a delete without one is
 *   versioned by its arrival) and the stored version is at least that: applying it would change nothing;
 * - it carries ids only (Zoho, Fxiaoke: sync reads the CRM's current state) and the record was written by a receipt
 *   received no earlier: that write read the CRM after this change was made.
 * Everything else counts as unapplied (the receipt sweep sends it to sync again, which decides and marks it).
 *
 * "Applied" here means the change reached sync and sync wrote it. Its domain events are published after that write;
 * a crash in between is sync's own retry to finish (the same change again finds the record written by its receipt
 * and publishes the stored events again, with the same ids), then sync's DLQ, as for any failure of sync.
 */

import type { Receipt } from '../store/receipts';
import type { AppliedReceipt, RecordMark } from '../store/records';

export const receiptKey = (r: Pick<Receipt, 'provider' | 'deliveryId'>): string =>
  `${r.provider}#${r.deliveryId}`;

/** The mark a record write applying this receipt carries. */
export const appliedMark = (r: Receipt): AppliedReceipt => ({
  key: receiptKey(r),
  receivedAt: r.receivedAt,
});

/** The record the receipt changes, as RecordRepository.marks keys it. */
export const recordRefOf = (r: Receipt) => ({ object: r.object, id: r.recordId });
export const recordMarkKey = (r: Receipt): string => `${r.object}#${r.recordId}`;

/** The source version applying the receipt would store, when the receipt alone says (see nextState in sync). */
const versionOf = (r: Receipt): number | undefined => {
  if (r.record) return Date.parse(r.record.modifiedAt);
  if (r.action === 'delete') return Date.parse(r.receivedAt);
  return undefined;
};

/** Whether the stored record shows the receipt's change applied (the rule above). */
export const appliedByRecord = (receipt: Receipt, mark: RecordMark | undefined): boolean => {
  if (!mark) return false;
  if (mark.appliedReceipt?.key === receiptKey(receipt)) return true;
  const version = versionOf(receipt);
  if (version !== undefined) return mark.version >= version;
  return (
    mark.appliedReceipt !== undefined &&
    Date.parse(mark.appliedReceipt.receivedAt) >= Date.parse(receipt.receivedAt)
  );
};

/** Whether the receipt is applied, by its own mark or by the record's. */
export const isApplied = (receipt: Receipt, mark: RecordMark | undefined): boolean =>
  receipt.appliedAt !== undefined || appliedByRecord(receipt, mark);
