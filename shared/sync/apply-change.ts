/**
 * Sync: apply one stored record change to the canonical copy and publish the domain events it produces.
 * Safe to run any number of times for the same change (see RecordRepository.upsert).
 * Receipts from the generic webhook carry the record; Zoho and Fxiaoke receipts carry ids only, so the record is
 * read from the CRM through the injected CrmReader (the CRM's current state: a later change that arrives first
 * makes the earlier notification 'unchanged', which republishes the same events with the same ids).
 */
import type * as z from 'zod';
import { type crmRecordChanged, domainEvents } from '../../events';
import type { EventBusPort } from '../ports';
import type { Receipt, ReceiptRepository } from '../store/receipts';
import type { RecordRepository, StoredRecord } from '../store/records';
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
  | { outcome: 'stale' | 'receipt-missing'; events: [] };

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

export const applyRecordChange = async (
  change: z.infer<typeof crmRecordChanged.schema>,
  deps: ApplyChangeDeps,
): Promise<ApplyChangeResult> => {
  const receipt = await deps.receipts.get(change.provider, change.deliveryId, deps.now, {
    includeExpired: true,
  });
  if (!receipt) return { outcome: 'receipt-missing', events: [] };

  const next = await nextState(receipt, deps.crm);
  const result = await deps.records.upsert<DomainEventOut>(next, (previous) =>
    domainEventsFor(previous, next),
  );
  if (!result.applied && result.reason === 'stale') return { outcome: 'stale', events: [] };

  const current = result.current;
  await deps.bus.publish(
    result.events.map((e) => {
      const contract = domainEvents[e.name];
      return {
        source: contract.source,
        detailType: contract.detailType,
        detail: {
          version: 1,
          eventId: domainEventId(change.tenantId, current, e.name),
          tenantId: change.tenantId,
          object: current.object,
          recordId: current.record.id,
          record: current.record,
          occurredAt: current.record.modifiedAt,
          correlationId: change.correlationId,
          ...(e.change ? { change: e.change } : {}),
        },
      };
    }),
  );
  return {
    outcome: result.applied ? 'applied' : 'republished',
    events: result.events.map((e) => domainEvents[e.name].detailType),
  };
};
