import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, CrmObject, DomainEventName } from '../../events';
import type { StoredRecord } from '../../shared/store/records';
import { domainEventId, domainEventsFor } from '../../shared/sync/domain-events';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');

const stored = (
  object: CrmObject,
  record: Partial<CanonicalRecord>,
  opts: { version?: number; deleted?: boolean } = {},
): StoredRecord => {
  const version = opts.version ?? T0;
  return {
    object,
    record: {
      id: 'D-1001',
      modifiedAt: new Date(version).toISOString(),
      fields: {},
      ...record,
    },
    version,
    deleted: opts.deleted ?? false,
  };
};

const openDeal = stored('deal', {
  name: 'Acme renewal',
  stage: 'Negotiation',
  status: 'open',
  amount: '128000.00',
  currency: 'CNY',
});

/** The next version of a stored record with some fields changed. */
const next = (prev: StoredRecord, changes: Partial<CanonicalRecord>, opts: { deleted?: boolean } = {}) =>
  stored(prev.object, { ...prev.record, ...changes }, { version: prev.version + 60_000, ...opts });

const names = (events: ReturnType<typeof domainEventsFor>) => events.map((e) => e.name);

describe('domainEventsFor: deals', () => {
  it('a new open deal is record.created + deal.created, nothing else', () => {
    expect(domainEventsFor(undefined, openDeal)).toEqual([
      { name: 'recordCreated' },
      { name: 'dealCreated' },
    ]);
  });

  it('a deal first seen already won also emits deal.won', () => {
    const wonOnArrival = stored('deal', { ...openDeal.record, stage: 'Closed Won', status: 'won' });
    expect(names(domainEventsFor(undefined, wonOnArrival))).toEqual([
      'recordCreated',
      'dealCreated',
      'dealWon',
    ]);
  });

  it('a deal first seen already lost emits deal.lost, not deal.won', () => {
    const lost = stored('deal', { ...openDeal.record, status: 'lost' });
    expect(names(domainEventsFor(undefined, lost))).toEqual(['recordCreated', 'dealCreated', 'dealLost']);
  });

  it('a stage change carries from and to', () => {
    const moved = next(openDeal, { stage: 'Proposal' });
    expect(domainEventsFor(openDeal, moved)).toEqual([
      { name: 'dealStageChanged', change: { from: 'Negotiation', to: 'Proposal' } },
    ]);
  });

  it('a stage set for the first time changes from null', () => {
    const noStage = stored('deal', { name: 'x', status: 'open' });
    expect(domainEventsFor(noStage, next(noStage, { stage: 'Qualification' }))).toEqual([
      { name: 'dealStageChanged', change: { from: null, to: 'Qualification' } },
    ]);
  });

  it('an amount change carries the decimal strings from and to', () => {
    const bigger = next(openDeal, { amount: '150000.00' });
    expect(domainEventsFor(openDeal, bigger)).toEqual([
      { name: 'dealAmountChanged', change: { from: '128000.00', to: '150000.00' } },
    ]);
  });

  it('open -> won emits deal.won exactly once, beside the stage change', () => {
    const won = next(openDeal, { stage: 'Closed Won', status: 'won' });
    const events = domainEventsFor(openDeal, won);
    expect(names(events)).toEqual(['dealStageChanged', 'dealWon']);
    expect(events.filter((e) => e.name === 'dealWon')).toHaveLength(1);
  });

  it('won -> won with another field changed says nothing about winning', () => {
    const won = next(openDeal, { stage: 'Closed Won', status: 'won' });
    const renamed = next(won, { name: 'Acme renewal (3y)', amount: '130000.00' });
    expect(domainEventsFor(won, renamed)).toEqual([
      { name: 'dealAmountChanged', change: { from: '128000.00', to: '130000.00' } },
    ]);
  });

  it('won -> won with only a field changed emits record.updated alone', () => {
    const won = next(openDeal, { stage: 'Closed Won', status: 'won' });
    expect(domainEventsFor(won, next(won, { fields: { note: 'x' } }))).toEqual([{ name: 'recordUpdated' }]);
  });

  it('a deal given to another owner emits record.updated (goal progress moves with it)', () => {
    const won = next(openDeal, { stage: 'Closed Won', status: 'won' });
    expect(domainEventsFor(won, next(won, { owner: { id: 'u9' } }))).toEqual([{ name: 'recordUpdated' }]);
  });

  it('won -> lost emits deal.lost and no deal.won', () => {
    const won = next(openDeal, { stage: 'Closed Won', status: 'won' });
    const lost = next(won, { stage: 'Closed Lost', status: 'lost' });
    expect(domainEventsFor(won, lost)).toEqual([
      { name: 'dealStageChanged', change: { from: 'Closed Won', to: 'Closed Lost' } },
      { name: 'dealLost' },
    ]);
  });

  it('replaying the same change (previous == next) emits nothing', () => {
    const won = next(openDeal, { status: 'won' });
    expect(domainEventsFor(won, won)).toEqual([]);
  });
});

describe('domainEventsFor: deletes', () => {
  it('deleting a live record emits record.deleted only', () => {
    const tombstone = next(openDeal, {}, { deleted: true });
    expect(domainEventsFor(openDeal, tombstone)).toEqual([{ name: 'recordDeleted' }]);
  });

  it('a tombstone after a tombstone emits nothing', () => {
    const tombstone = next(openDeal, {}, { deleted: true });
    const again = next(tombstone, {}, { deleted: true });
    expect(domainEventsFor(tombstone, again)).toEqual([]);
  });

  it('a delete for a record never seen emits nothing', () => {
    expect(domainEventsFor(undefined, stored('deal', {}, { deleted: true }))).toEqual([]);
  });

  it('a record that comes back after a tombstone is created again', () => {
    const tombstone = next(openDeal, {}, { deleted: true });
    const back = next(tombstone, {}, { deleted: false });
    expect(names(domainEventsFor(tombstone, back))).toEqual(['recordCreated', 'dealCreated']);
  });
});

describe('domainEventsFor: other objects', () => {
  it('a new lead is record.created + lead.created', () => {
    const lead = stored('lead', { id: 'L-1', name: 'Wang Fang', email: 'wang.fang@example.cn' });
    expect(domainEventsFor(undefined, lead)).toEqual([{ name: 'recordCreated' }, { name: 'leadCreated' }]);
  });

  it('an updated lead emits no creation events', () => {
    const lead = stored('lead', { id: 'L-1', name: 'Wang Fang' });
    expect(domainEventsFor(lead, next(lead, { name: 'Wang Fang (CFO)' }))).toEqual([
      { name: 'recordUpdated' },
    ]);
  });

  it('a new contact is record.created only, with no deal events even if it carries deal-like fields', () => {
    const contact = stored('contact', { id: 'C-1', stage: 'x', status: 'won', amount: '1.00' });
    expect(domainEventsFor(undefined, contact)).toEqual([{ name: 'recordCreated' }]);
  });
});

describe('domainEventId', () => {
  const won = next(openDeal, { status: 'won' });

  it('is deterministic: the same change always has the same id', () => {
    const copy = structuredClone(won);
    expect(domainEventId('acme', won, 'dealWon')).toBe(domainEventId('acme', copy, 'dealWon'));
    // Pinned: a change to how ids are derived would re-send every effect keyed by them.
    expect(domainEventId('acme', won, 'dealWon')).toBe('59376afd8024a7f7fb65fc402ef30f07');
    expect(domainEventId('acme', won, 'dealWon')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs by version', () => {
    const later = next(won, { name: 'renamed' });
    expect(domainEventId('acme', won, 'dealWon')).not.toBe(domainEventId('acme', later, 'dealWon'));
  });

  it('differs by event type for the same change', () => {
    const eventNames: DomainEventName[] = ['dealWon', 'dealStageChanged', 'recordCreated', 'dealCreated'];
    const ids = eventNames.map((n) => domainEventId('acme', won, n));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('differs by tenant and by record', () => {
    const other = stored('deal', { ...won.record, id: 'D-1002' }, { version: won.version });
    expect(domainEventId('acme', won, 'dealWon')).not.toBe(domainEventId('globex', won, 'dealWon'));
    expect(domainEventId('acme', won, 'dealWon')).not.toBe(domainEventId('acme', other, 'dealWon'));
  });

  it('does not depend on fields outside the identity (same version, other content)', () => {
    const sameVersion = { ...won, record: { ...won.record, name: 'edited in place' } };
    expect(domainEventId('acme', won, 'dealWon')).toBe(domainEventId('acme', sameVersion, 'dealWon'));
  });
});
