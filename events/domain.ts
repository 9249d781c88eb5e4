/**
 * Domain events emitted by sync when a stored record changes. Each has a deterministic id (the same change always
 * yields the same id), so consumers can key their effects on it.
 */

import { defineEvent, eventGroup } from './define';
import { CRM_OBJECTS, canonicalRecordSchema } from './records';
import * as z from './zod';

export const DOMAIN_SOURCE = 'quotaflow.sync';

const base = () => ({
  version: z.literal(1),
  eventId: z.string(),
  tenantId: z.string(),
  object: z.enum(CRM_OBJECTS),
  recordId: z.string(),
  record: canonicalRecordSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string(),
  /**
   * True on the first event of its change (one change can announce several: deal.created and deal.won). A
   * consumer that needs the record once per change, not once per event (goal progress), matches on it.
   */
  firstOfChange: z.optional(z.boolean()),
});

const change = () => z.object({ from: z.nullable(z.string()), to: z.nullable(z.string()) });

const domainEvent = <T extends string, E extends Record<string, z.ZodMiniType>>(
  detailType: T,
  extra: () => E,
) =>
  defineEvent({
    source: DOMAIN_SOURCE,
    detailType,
    version: 1,
    schema: () => z.object({ ...base(), ...extra() }),
  });

export const domainEvents = {
  recordCreated: domainEvent('record.created', () => ({})),
  recordDeleted: domainEvent('record.deleted', () => ({})),
  /**
   * A stored record changed in a way no other event names (its owner, close date, a field): so that every change
   * of a live record is announced once, for consumers that keep figures from records (incremental goal progress).
   */
  recordUpdated: domainEvent('record.updated', () => ({})),
  dealCreated: domainEvent('deal.created', () => ({})),
  dealStageChanged: domainEvent('deal.stage_changed', () => ({ change: change() })),
  dealAmountChanged: domainEvent('deal.amount_changed', () => ({ change: change() })),
  dealWon: domainEvent('deal.won', () => ({})),
  dealLost: domainEvent('deal.lost', () => ({})),
  leadCreated: domainEvent('lead.created', () => ({})),
  /** A lead the source marks converted (canonical `fields.converted: true`), once per transition to converted. */
  leadConverted: domainEvent('lead.converted', () => ({})),
  /** An activity (task, call, meeting, note, follow-up record) seen for the first time. */
  activityLogged: domainEvent('activity.logged', () => ({})),
} as const;

/** Every domain event, for a rule that takes them all (the event archive). */
export const anyDomainEvent = eventGroup(Object.values(domainEvents));

export type DomainEventName = keyof typeof domainEvents;
export type DomainEventDetail = z.infer<(typeof domainEvents)[DomainEventName]['schema']>;

export const MAIL_SOURCE = 'quotaflow.mail';
export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/**
 * An address was newly put on the tenant's suppression list (an unsubscribe, a permanent bounce, a complaint or an
 * operator): stop every sequence mailing it at once. Published once per suppression; its id is deterministic (same
 * address and suppression time, same id), so a repeat after a retry is recognised by consumers.
 */
export const contactSuppressed = defineEvent({
  source: MAIL_SOURCE,
  detailType: 'contact.suppressed',
  version: 1,
  schema: () =>
    z.object({
      version: z.literal(1),
      eventId: z.string(),
      tenantId: z.string(),
      /** Normalised: trimmed and lower-cased. */
      address: z.string().check(z.minLength(3), z.maxLength(254)),
      reason: z.enum(SUPPRESSION_REASONS),
      /** When the address was suppressed (the unsubscribe, or SES's bounce/complaint time). */
      occurredAt: z.iso.datetime({ offset: true }),
      correlationId: z.string(),
    }),
});
