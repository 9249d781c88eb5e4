/**
 * Domain events emitted by sync when a stored record changes. Each has a deterministic id (the same change always
 * yields the same id), so consumers can key their effects on it.
 */

import { defineEvent } from './define';
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

export type DomainEventName = keyof typeof domainEvents;
export type DomainEventDetail = z.infer<(typeof domainEvents)[DomainEventName]['schema']>;
