/**
 * Suppressing an address and telling the rest of the product: the entry is written first (the guarantee: never
 * mailed again), then contact.suppressed is published so running sequences stop at once, then the entry is marked
 * announced. A crash or a failed publish in between leaves the entry unannounced, and the retry (or the next
 * suppression of the same address) publishes it: an event may go out twice, never not at all, and its id is
 * deterministic so consumers recognise the repeat.
 */
import { createHash } from 'node:crypto';
import { contactSuppressed, type SuppressionReason } from '../../events/domain';
import type { EventBusPort } from '../ports';
import type { SuppressionEntry, SuppressionRepository } from '../store/suppression';

export interface SuppressDeps {
  tenantId: string;
  suppression: Pick<SuppressionRepository, 'suppress' | 'markAnnounced'>;
  bus: EventBusPort;
}

export interface SuppressResult {
  address: string;
  /** False when the address was on the list already (its first reason is kept). */
  added: boolean;
  reason: SuppressionReason;
  /** Whether this call published contact.suppressed. */
  announced: boolean;
}

export const suppressedEventId = (
  tenantId: string,
  entry: Pick<SuppressionEntry, 'address' | 'at'>,
): string =>
  createHash('sha256')
    .update(`${tenantId}|contact.suppressed|${entry.address}|${entry.at}`)
    .digest('hex')
    .slice(0, 32);

export const suppressAndAnnounce = async (
  deps: SuppressDeps,
  address: string,
  reason: SuppressionReason,
  detail: { source?: string; at?: string; correlationId?: string } = {},
): Promise<SuppressResult> => {
  const { added, entry } = await deps.suppression.suppress(address, reason, {
    ...(detail.source ? { source: detail.source } : {}),
    ...(detail.at ? { at: detail.at } : {}),
  });
  if (entry.announcedAt) return { address: entry.address, added, reason: entry.reason, announced: false };
  const eventId = suppressedEventId(deps.tenantId, entry);
  await deps.bus.publish([
    {
      source: contactSuppressed.source,
      detailType: contactSuppressed.detailType,
      detail: {
        version: 1,
        eventId,
        tenantId: deps.tenantId,
        address: entry.address,
        reason: entry.reason,
        occurredAt: entry.at,
        correlationId: detail.correlationId ?? eventId,
      },
    },
  ]);
  await deps.suppression.markAnnounced(entry.address);
  return { address: entry.address, added, reason: entry.reason, announced: true };
};
