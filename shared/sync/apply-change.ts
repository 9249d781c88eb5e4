/**
 * Sync: apply one stored record change to the canonical copy and publish the domain events it produces.
 * Safe to run any number of times for the same change (see RecordRepository.upsert). The record write carries the
 * receipt it applies (shared/ingest/applied.ts), so the common path writes nothing on the receipt. A later copy of the
 * change (sync's retry after a crash, a duplicate delivery) finds the record written by its receipt: no CRM read,
 * and the stored events are published again with the same ids (the first run may have died before publishing them),
 * then the receipt is marked applied itself, so any further copy does nothing at all. A change that writes no record
 * (stale, unchanged) marks its receipt the same way.
 * Receipts from the generic webhook carry the record; Zoho and Fxiaoke receipts carry ids only, so the record is
 * read from the CRM through the injected CrmReader (the CRM's current state: a later change that arrives first
 * makes the earlier notification 'unchanged', which republishes the same events with the same ids).
 */
import type * as z from 'zod';
import { type crmRecordChanged, domainEvents } from '../../events';
import { appliedMark, receiptKey } from '../ingest/applied';
import type { BusEntry, EventBusPort } from '../ports';
import type { Receipt, ReceiptRepository } from '../store/receipts';
import type { RecordRepository, StoredRecord, UpsertOptions } from '../store/records';
import { type CrmReader, CrmRecordNotFoundError } from './crm-reader';
import { type DomainEventOut, domainEventId, domainEventsFor } from './domain-events';

export interface ApplyChangeDeps {
  receipts: ReceiptRepository;
  records: RecordRepository;
  bus: EventBusPort;
  now: Date;
  /** The tenant's CRM, for receipts that carry no record; generic tenants have none. */
  crm?: CrmReader | undefined;
}

export type ApplyChangeResult =
  | { outcome: 'applied' | 'republished'; events: string[] }
  | { outcome: 'stale' | 'receipt-missing' | 'already-applied'; events: [] };

/**
 * What the canonical copy should become. Deletes never need the CRM (a deleted record cannot be fetched): without
 * a tombstone of the provider's own, the receipt's time is the tombstone's version. Anything the CRM cannot
 * answer is thrown, so the bus retries and finally dead-letters the event; nothing is dropped here.
 */
const nextState = async (receipt: Receipt, crm: CrmReader | undefined): Promise<StoredRecord> => {
  const deleted = receipt.action === 'delete';
  const stored = (record: NonNullable<Receipt['record']>, isDeleted: boolean): StoredRecord => ({
    object: receipt.object,
    record,
    version: Date.parse(record.modifiedAt),
    deleted: isDeleted,
  });
  if (receipt.record) return stored(receipt.record, deleted);
  if (deleted) return stored({ id: receipt.recordId, modifiedAt: receipt.receivedAt, fields: {} }, true);
  if (!crm) {
    throw new Error(
      `receipt ${receipt.provider}/${receipt.deliveryId} carries no record and no CRM reader is configured`,
    );
  }
  const found = (
    await crm.read(receipt.object, [receipt.recordId], { since: new Date(receipt.receivedAt) })
  ).get(receipt.recordId);
  if (!found) throw new CrmRecordNotFoundError(receipt.object, receipt.recordId);
  return stored(found.record, found.deleted);
};

/** Who is applying a record, for the events it produces. */
export interface ApplyContext {
  tenantId: string;
  correlationId: string;
  /**
   * Epoch ms. A record never stored before whose version is older than this is history (an initial import):
   * stored without domain events, so importing a year of deals does not announce a year of wins. A record
   * changed after the import began, or one already stored, produces events as usual.
   */
  historyBefore?: number;
}

export type ApplyOutcome = ApplyChangeResult['outcome'];

export interface PreparedApply {
  outcome: Exclude<ApplyOutcome, 'receipt-missing' | 'already-applied'>;
  /** The events to publish (empty when stale); `applied` and `republished` outcomes both publish. */
  entries: BusEntry[];
  events: string[];
}

/**
 * The versioned upsert, and the bus entries for the events it produced, without publishing them: batch callers
 * (reconcile) publish a page of records at once. An 'unchanged' result gives back the stored events, so a retry
 * after a crash between the write and the publish publishes the same events with the same ids.
 */
export const upsertCanonical = async (
  next: StoredRecord,
  ctx: ApplyContext,
  records: RecordRepository,
  opts: UpsertOptions = {},
): Promise<PreparedApply> => {
  const result = await records.upsert<DomainEventOut>(
    next,
    (previous) =>
      !previous && ctx.historyBefore !== undefined && next.version < ctx.historyBefore
        ? []
        : domainEventsFor(previous, next),
    opts,
  );
  if (!result.applied && result.reason === 'stale') return { outcome: 'stale', entries: [], events: [] };
  const current = result.current;
  return {
    outcome: result.applied ? 'applied' : 'republished',
    entries: result.events.map((e, i) => {
      const contract = domainEvents[e.name];
      return {
        source: contract.source,
        detailType: contract.detailType,
        detail: {
          version: 1,
          eventId: domainEventId(ctx.tenantId, current, e.name),
          tenantId: ctx.tenantId,
          object: current.object,
          recordId: current.record.id,
          record: current.record,
          occurredAt: current.record.modifiedAt,
          correlationId: ctx.correlationId,
          ...(e.change ? { change: e.change } : {}),
          ...(i === 0 ? { firstOfChange: true } : {}),
        },
      };
    }),
    events: result.events.map((e) => domainEvents[e.name].detailType),
  };
};

/** One record through the versioned upsert, then its domain events on the bus (webhook sync and reconcile). */
export const applyCanonical = async (
  next: StoredRecord,
  ctx: ApplyContext,
  deps: { records: RecordRepository; bus: EventBusPort },
  opts: UpsertOptions = {},
): Promise<ApplyChangeResult> => {
  const prepared = await upsertCanonical(next, ctx, deps.records, opts);
  if (prepared.outcome === 'stale') return { outcome: 'stale', events: [] };
  await deps.bus.publish(prepared.entries);
  return { outcome: prepared.outcome, events: prepared.events };
};

export const applyRecordChange = async (
  change: z.infer<typeof crmRecordChanged.schema>,
  deps: ApplyChangeDeps,
): Promise<ApplyChangeResult> => {
  const receipt = await deps.receipts.get(change.provider, change.deliveryId, deps.now, {
    includeExpired: true,
  });
  if (!receipt) return { outcome: 'receipt-missing', events: [] };
  if (receipt.appliedAt) return { outcome: 'already-applied', events: [] };

  const ctx = { tenantId: change.tenantId, correlationId: change.correlationId };
  const item = await deps.records.getItem(receipt.object, receipt.recordId);
  const seen = { item };
  // Written by this receipt before: the same version again ('republished', the stored events), no CRM read.
  const writtenByIt = item?.appliedReceipt?.key === receiptKey(receipt);
  const next = writtenByIt && item ? item.data : await nextState(receipt, deps.crm);
  const result = await applyCanonical(next, ctx, deps, { seen, mark: appliedMark(receipt) });
  // The record write carried the mark; anything else (stale: newer data is already in the canonical copy;
  // unchanged; a replay) marks the receipt itself.
  if (result.outcome !== 'applied')
    await deps.receipts.markApplied(receipt.provider, receipt.deliveryId, deps.now);
  return result;
};
