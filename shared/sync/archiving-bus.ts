/**
 * The event archive, written where domain events are made: every publish of a sync path (webhook sync, CRM sync,
 * reconcile, import) stores its domain events in the archive before they go on the bus. The archive used to be a
 * function of its own on a rule for every domain event: one more Lambda invocation per event (three for a won deal)
 * to make the same conditional put.
 *
 * Nothing is weaker: an event reaches the bus only once it is archived (before, an event could be on the bus and in
 * no archive until its rule delivered it). A crash between the archive and the bus leaves the event unpublished; the
 * retry republishes it with the same id (apply-change.ts) and the archive's put-if-absent makes the second put a
 * no-op, as a redelivery to the old function was.
 */
import { DOMAIN_SOURCE, type DomainEventDetail } from '../../events';
import type { BusEntry, EventBusPort } from '../ports';
import type { EventArchive } from '../store/event-archive';

export class ArchivingBus implements EventBusPort {
  constructor(
    private readonly bus: EventBusPort,
    private readonly archive: Pick<EventArchive, 'put'>,
  ) {}

  async publish(entries: readonly BusEntry[]): Promise<void> {
    await Promise.all(
      entries
        .filter((e) => e.source === DOMAIN_SOURCE)
        .map((e) => this.archive.put({ type: e.detailType, detail: e.detail as DomainEventDetail })),
    );
    await this.bus.publish(entries);
  }
}
