import type { CanonicalRecord, CrmObject } from '../../events';

/**
 * The date a record counts on for goals, as the sort key of the owner index: a deal's close date (deals count on
 * their close date), an activity's `fields.occurredAt` (else its modification time), a lead's `fields.convertedAt`
 * (else its modification time). Instants are UTC ISO strings, close dates local dates: readers query each object
 * with the bounds of its own kind (goals/progress.ts `ownedIn`).
 */
const instant = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/**
 * When the record was created, as a UTC ISO instant: the sort key of the creation index (gsi2, deals and leads).
 * Records stored without one fall back to their modification time (the store fills `createdAt` on write).
 */
export const createdAtOf = (record: CanonicalRecord): string =>
  instant(record.createdAt) ?? instant(record.modifiedAt) ?? record.modifiedAt;

export const goalDateOf = (object: CrmObject, record: CanonicalRecord): string => {
  const modified = instant(record.modifiedAt) ?? record.modifiedAt;
  if (object === 'deal') return record.closeDate ?? modified.slice(0, 10);
  if (object === 'activity') return instant(record.fields.occurredAt) ?? modified;
  if (object === 'lead') return instant(record.fields.convertedAt) ?? modified;
  return modified;
};
