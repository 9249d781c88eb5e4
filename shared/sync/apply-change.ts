/**
 * Sync: apply one stored record change to the canonical copy and publish the domain events it produces.
 * Safe to run any number of times for the same change (see RecordRepository.upsert).
 */
import type * as z from 'zod';
import { type crmRecordChanged, domainEvents } from '../../events';
import type { EventBusPort } from '../ports';
import type { ReceiptRepository } from '../store/receipts';
import type { RecordRepository, StoredRecord } from '../store/records';
import { type DomainEventOut, domainEventId, domainEventsFor } from './domain-events';

export interface ApplyChangeDeps {
  receipts: ReceiptRepository;
  records: RecordRepository;
  bus: EventBusPort;
  now: Date;
}

export type ApplyChangeResult =
  | { outcome: 'applied' | 'republished'; events: string[] }
  | { outcome: 'stale' | 'receipt-missing'; events: [] };

export const applyRecordChange = async (
  change: z.infer<typeof crmRecordChanged.schema>,
  deps: ApplyChangeDeps,
): Promise<ApplyChangeResult> => {
  const receipt = await deps.receipts.get(change.provider, change.deliveryId, deps.now, {
    includeExpired: true,
  });
  if (!receipt?.record) return { outcome: 'receipt-missing', events: [] };

  const next: StoredRecord = {
    object: receipt.object,
    record: receipt.record,
    version: Date.parse(receipt.record.modifiedAt),
    deleted: receipt.action === 'delete',
  };
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
