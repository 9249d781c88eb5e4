/**
 * The port automations use to write back to the tenant's CRM: a task, a note or a call on the record an event was
 * about. The effect ledger records each write under a deterministic key before performing it; the implementations
 * also put that key on the CRM record where the CRM allows it, so a write repeated after a crash is found instead
 * of made twice. Implementations: shared/crm/zoho/writer.ts, shared/crm/fxiaoke/writer.ts; wiring:
 * functions/wiring/crm-writer.ts.
 */
import type { CrmObject } from '../../events';
import { requireCrmSettings } from '../crm/registry';
import { RejectedInputError } from '../errors';

export interface CrmActivityInput {
  /** The record the activity is about. */
  object: CrmObject;
  /** The canonical record id (= the CRM's own id of that record). */
  recordId: string;
  activity: 'task' | 'note' | 'call';
  subject: string;
  description?: string;
  /** Canonical owner id (CRM user id). */
  ownerId?: string;
  /** YYYY-MM-DD, tenant-local. */
  dueDate?: string;
  /** Deterministic; put on the CRM record where the CRM allows it. */
  idempotencyKey: string;
}

export interface CrmActivityWriter {
  createActivity(input: CrmActivityInput): Promise<{ id: string }>;
}

/** What no retry can fix: the activity cannot be written as asked (wrong object, malformed date, empty subject). */
export class CrmWriteRejectedError extends RejectedInputError {
  constructor(message: string, details?: unknown) {
    super('invalid_payload', message, details);
  }
}

export type CrmProvider = string;
export type CrmActivityKind = CrmActivityInput['activity'];

/** Why the tenant's CRM would not take this write-back, or undefined when it would. */
export const writeBackRefusal = (
  provider: CrmProvider,
  object: string,
  activity: CrmActivityKind,
): string | undefined => {
  // What each CRM takes is in its descriptor (shared/crm/<provider>/settings.ts), known without connecting to it; the
  // runner and dry-run both ask here before a write-back, so they agree on what happens.
  const crm = requireCrmSettings(provider);
  if (!crm.writeBack) return `the tenant's CRM takes no write-back (${crm.label})`;
  const objects: readonly string[] = crm.writeBack.objects;
  if (!objects.includes(object))
    return `${crm.label} takes a ${activity} on a ${objects.join(', ')} record, not on this ${object}`;
  return undefined;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks shared by every CRM, before any call is made. */
export const checkActivityInput = (input: CrmActivityInput): void => {
  if (!input.recordId.trim()) throw new CrmWriteRejectedError('recordId is empty');
  if (!input.subject.trim()) throw new CrmWriteRejectedError('subject is empty');
  if (!input.idempotencyKey.trim()) throw new CrmWriteRejectedError('idempotencyKey is empty');
  if (input.dueDate !== undefined) {
    const ok = DATE.test(input.dueDate) && !Number.isNaN(Date.parse(`${input.dueDate}T00:00:00Z`));
    if (!ok || new Date(`${input.dueDate}T00:00:00Z`).toISOString().slice(0, 10) !== input.dueDate) {
      throw new CrmWriteRejectedError(`dueDate ${JSON.stringify(input.dueDate)} is not a YYYY-MM-DD date`);
    }
  }
};

/**
 * The line that carries the key in the activity's text, for CRMs (or fields) with no better place. Readable by a
 * person who wonders where the task came from, and searchable by the writer before it writes again.
 */
export const keyLine = (key: string): string => `[Quotaflow ${key}]`;

export const withKeyLine = (text: string | undefined, key: string): string =>
  text?.trim() ? `${text}\n\n${keyLine(key)}` : keyLine(key);
