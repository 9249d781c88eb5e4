/**
 * Which domain events a record change produces: a pure function of the previous and the new stored record, so
 * replays and duplicates produce exactly the same events with the same ids.
 */
import { createHash } from 'node:crypto';
import { type DomainEventName, domainEvents } from '../../events';
import type { StoredRecord } from '../store/records';

export interface DomainEventOut {
  name: DomainEventName;
  change?: { from: string | null; to: string | null };
}

export const domainEventId = (tenantId: string, next: StoredRecord, name: DomainEventName): string =>
  createHash('sha256')
    .update(`${tenantId}|${next.object}|${next.record.id}|${next.version}|${domainEvents[name].detailType}`)
    .digest('hex')
    .slice(0, 32);

const changed = (
  from: string | undefined,
  to: string | undefined,
  same = (a?: string, b?: string) => a === b,
) => (same(from, to) ? undefined : { from: from ?? null, to: to ?? null });

/** "128000.00" and "128000.0" are the same amount: compare decimal strings by value, exactly (no floats). */
const canonicalDecimal = (d: string): string => {
  const [int = '0', frac = ''] = d.replace(/^(-?)0+(?=\d)/, '$1').split('.');
  const f = frac.replace(/0+$/, '');
  const value = f ? `${int}.${f}` : int;
  return value === '-0' ? '0' : value;
};
const sameAmount = (a?: string, b?: string) =>
  a === b || (a !== undefined && b !== undefined && canonicalDecimal(a) === canonicalDecimal(b));

/** Normalizers set `fields.converted: true` on a lead the source marks converted. */
const isConverted = (r: StoredRecord['record'] | undefined): boolean => r?.fields.converted === true;

/** The record's content apart from its modification time: a new version with the same content changes nothing. */
const sameContent = (a: StoredRecord['record'], b: StoredRecord['record']): boolean =>
  JSON.stringify({ ...a, modifiedAt: '' }) === JSON.stringify({ ...b, modifiedAt: '' });

export const domainEventsFor = (previous: StoredRecord | undefined, next: StoredRecord): DomainEventOut[] => {
  const events: DomainEventOut[] = [];
  if (next.deleted) return previous && !previous.deleted ? [{ name: 'recordDeleted' }] : [];
  const isNew = !previous || previous.deleted;
  if (isNew) events.push({ name: 'recordCreated' });

  if (next.object === 'lead') {
    if (isNew) events.push({ name: 'leadCreated' });
    if (isConverted(next.record) && !isConverted(isNew ? undefined : previous?.record))
      events.push({ name: 'leadConverted' });
  }
  if (next.object === 'activity' && isNew) events.push({ name: 'activityLogged' });
  if (next.object === 'deal') {
    const before = isNew ? undefined : previous?.record;
    const now = next.record;
    if (isNew) events.push({ name: 'dealCreated' });
    const stage = changed(before?.stage, now.stage);
    if (stage && !isNew) events.push({ name: 'dealStageChanged', change: stage });
    const amount = changed(before?.amount, now.amount, sameAmount);
    if (amount && !isNew) events.push({ name: 'dealAmountChanged', change: amount });
    if (now.status === 'won' && before?.status !== 'won') events.push({ name: 'dealWon' });
    if (now.status === 'lost' && before?.status !== 'lost') events.push({ name: 'dealLost' });
  }
  // Any other change of a live record (an owner, a close date, a field) is still announced, once.
  if (!events.length && previous && !sameContent(previous.record, next.record))
    events.push({ name: 'recordUpdated' });
  return events;
};
