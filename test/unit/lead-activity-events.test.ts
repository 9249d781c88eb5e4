import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, CrmObject } from '../../events';
import { domainEvents } from '../../events';
import { normalizeFxiaokeRecord } from '../../shared/crm/fxiaoke/normalize';
import { normalizeZohoRecord } from '../../shared/crm/zoho/normalize';
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
    record: { id: 'X-1', modifiedAt: new Date(version).toISOString(), fields: {}, ...record },
    version,
    deleted: opts.deleted ?? false,
  };
};

const next = (prev: StoredRecord, changes: Partial<CanonicalRecord>, opts: { deleted?: boolean } = {}) =>
  stored(prev.object, { ...prev.record, ...changes }, { version: prev.version + 60_000, ...opts });

const names = (events: ReturnType<typeof domainEventsFor>) => events.map((e) => e.name);

describe('domainEventsFor: lead.converted', () => {
  const lead = stored('lead', { id: 'L-1', name: 'Wang Fang', fields: { source: 'web' } });
  const converted = next(lead, { fields: { source: 'web', converted: true } });

  it('an open lead becoming converted emits lead.converted only', () => {
    expect(domainEventsFor(lead, converted)).toEqual([{ name: 'leadConverted' }]);
  });

  it('a lead first seen already converted is created and converted', () => {
    const fresh = stored('lead', { id: 'L-2', fields: { converted: true } });
    expect(names(domainEventsFor(undefined, fresh))).toEqual([
      'recordCreated',
      'leadCreated',
      'leadConverted',
    ]);
  });

  it('a converted lead updated again does not emit lead.converted again', () => {
    const renamed = next(converted, { name: 'Wang Fang (CFO)' });
    expect(domainEventsFor(converted, renamed)).toEqual([{ name: 'recordUpdated' }]);
    expect(domainEventsFor(converted, converted)).toEqual([]);
  });

  it('only the boolean true counts as converted', () => {
    expect(domainEventsFor(lead, next(lead, { fields: { converted: 'true' } }))).toEqual([
      { name: 'recordUpdated' },
    ]);
    expect(domainEventsFor(lead, next(lead, { fields: { converted: false } }))).toEqual([
      { name: 'recordUpdated' },
    ]);
  });

  it('a non-lead carrying fields.converted emits no lead.converted', () => {
    const contact = stored('contact', { id: 'C-1' });
    expect(domainEventsFor(contact, next(contact, { fields: { converted: true } }))).toEqual([
      { name: 'recordUpdated' },
    ]);
  });

  it('a tombstone of a converted lead is record.deleted only', () => {
    expect(domainEventsFor(converted, next(converted, {}, { deleted: true }))).toEqual([
      { name: 'recordDeleted' },
    ]);
    expect(
      domainEventsFor(undefined, stored('lead', { fields: { converted: true } }, { deleted: true })),
    ).toEqual([]);
  });

  it('has a deterministic id distinct from lead.created', () => {
    const copy = structuredClone(converted);
    expect(domainEventId('acme', converted, 'leadConverted')).toBe(
      domainEventId('acme', copy, 'leadConverted'),
    );
    expect(domainEventId('acme', converted, 'leadConverted')).not.toBe(
      domainEventId('acme', converted, 'leadCreated'),
    );
  });
});

describe('domainEventsFor: activity.logged', () => {
  const call = stored('activity', { id: 'A-1', name: 'Call about renewal' });

  it('a new activity is record.created + activity.logged', () => {
    expect(domainEventsFor(undefined, call)).toEqual([{ name: 'recordCreated' }, { name: 'activityLogged' }]);
  });

  it('an updated activity emits record.updated only', () => {
    expect(domainEventsFor(call, next(call, { name: 'Call about renewal (done)' }))).toEqual([
      { name: 'recordUpdated' },
    ]);
    expect(domainEventsFor(call, call)).toEqual([]);
  });

  it('a tombstone of an activity is record.deleted only; a delete never seen emits nothing', () => {
    expect(domainEventsFor(call, next(call, {}, { deleted: true }))).toEqual([{ name: 'recordDeleted' }]);
    expect(domainEventsFor(undefined, stored('activity', {}, { deleted: true }))).toEqual([]);
  });

  it('other objects never emit activity.logged', () => {
    expect(names(domainEventsFor(undefined, stored('contact', {})))).toEqual(['recordCreated']);
  });
});

describe('contracts', () => {
  it('lead.converted and activity.logged are sync domain events', () => {
    expect(domainEvents.leadConverted.detailType).toBe('lead.converted');
    expect(domainEvents.activityLogged.detailType).toBe('activity.logged');
    expect(domainEvents.activityLogged.source).toBe(domainEvents.leadCreated.source);
  });
});

describe('normalizers: fields.converted', () => {
  const zohoLead = { id: '900001', Last_Name: 'Li', Modified_Time: '2026-03-02T09:15:30+08:00' };

  it('zoho: Converted__s or $converted true marks a lead converted', () => {
    expect(normalizeZohoRecord('Leads', { ...zohoLead, Converted__s: true }).record.fields).toEqual({
      converted: true,
    });
    expect(normalizeZohoRecord('Leads', { ...zohoLead, $converted: true }).record.fields).toEqual({
      converted: true,
    });
  });

  it('zoho: an unconverted lead, or another module, has no converted flag', () => {
    expect(normalizeZohoRecord('Leads', { ...zohoLead, $converted: false }).record.fields).toEqual({});
    expect(normalizeZohoRecord('Leads', zohoLead).record.fields).toEqual({});
    expect(normalizeZohoRecord('Contacts', { ...zohoLead, $converted: true }).record.fields).toEqual({});
  });

  const opts = {
    opportunityObject: 'NewOpportunityObj',
    stages: { won: ['5'], lost: ['6'] },
    timeZone: 'Asia/Shanghai',
  } as const;
  const fxLead = (over: Record<string, unknown> = {}) => ({
    _id: '65f0000000000000000000a1',
    name: '官网留资-苏州某制造企业',
    last_modified_time: 1772409600123,
    life_status: 'normal',
    ...over,
  });

  it('fxiaoke: biz_status "transformed" marks a lead converted', () => {
    const { record, deleted } = normalizeFxiaokeRecord(
      'LeadsObj',
      fxLead({ biz_status: 'transformed' }),
      opts,
    );
    expect(record.fields).toEqual({ fxiaokeObject: 'LeadsObj', converted: true });
    expect(deleted).toBe(false);
  });

  it('fxiaoke: seed-shaped leads (no biz_status) and other statuses are not converted', () => {
    expect(normalizeFxiaokeRecord('LeadsObj', fxLead(), opts).record.fields).toEqual({
      fxiaokeObject: 'LeadsObj',
    });
    expect(
      normalizeFxiaokeRecord('LeadsObj', fxLead({ biz_status: 'processed' }), opts).record.fields.converted,
    ).toBeUndefined();
    expect(
      normalizeFxiaokeRecord('AccountObj', fxLead({ biz_status: 'transformed' }), opts).record.fields
        .converted,
    ).toBeUndefined();
  });
});
