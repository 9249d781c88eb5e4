import { describe, expect, it } from 'vitest';
import {
  type NormalizeOptions,
  normalizeFxiaokeRecord,
  toDecimalString,
} from '../../../shared/crm/fxiaoke/normalize';
import { canonicalObjectFor, fxiaokeObjectFor } from '../../../shared/crm/fxiaoke/objects';
import { RejectedInputError } from '../../../shared/errors';

const OPTS: NormalizeOptions = {
  opportunityObject: 'NewOpportunityObj',
  stages: { won: ['5'], lost: ['6'], labels: { '3': '方案/报价', '5': '赢单', '6': '输单' } },
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  people: {
    '1001': {
      name: '张伟',
      email: 'zhang.wei@quotaflow-demo.example',
      managerEmail: 'liu.yang@quotaflow-demo.example',
    },
  },
  extraFields: ['probability', 'field_region__c'],
};

// Shaped like a data/get answer (crm-protocols.md §2.3): owner a list, money a string, times epoch ms.
const opportunity = (over: Record<string, unknown> = {}) => ({
  _id: '5f9cd4e6e4400e0001217faa',
  name: '上海云启-CRM 年度订阅',
  owner: ['1001'],
  owner__r: { name: '张伟(API)' },
  last_modified_time: 1772409600123,
  amount: '128000.50',
  sales_stage: '3',
  close_date: 1774972800000, // 2026-04-01 00:00 in Asia/Shanghai
  probability: 60,
  field_region__c: '华东',
  life_status: 'normal',
  ...over,
});

describe('normalizeFxiaokeRecord', () => {
  it('maps an opportunity to a canonical deal', () => {
    const { object, record, deleted } = normalizeFxiaokeRecord('NewOpportunityObj', opportunity(), OPTS);
    expect(object).toBe('deal');
    expect(deleted).toBe(false);
    expect(record).toEqual({
      id: '5f9cd4e6e4400e0001217faa',
      modifiedAt: '2026-03-02T00:00:00.123Z',
      owner: {
        id: '1001',
        name: '张伟',
        email: 'zhang.wei@quotaflow-demo.example',
        managerEmail: 'liu.yang@quotaflow-demo.example',
      },
      name: '上海云启-CRM 年度订阅',
      stage: '方案/报价',
      status: 'open',
      amount: '128000.50',
      currency: 'CNY',
      closeDate: '2026-04-01',
      fields: { fxiaokeObject: 'NewOpportunityObj', probability: 60, field_region__c: '华东' },
    });
  });

  it('carries create_time (epoch ms) as createdAt', () => {
    const { record } = normalizeFxiaokeRecord(
      'NewOpportunityObj',
      opportunity({ create_time: 1772296200000 }),
      OPTS,
    );
    expect(record.createdAt).toBe('2026-02-28T16:30:00.000Z');
  });

  it('derives won and lost from the tenant’s stage mapping', () => {
    expect(
      normalizeFxiaokeRecord('NewOpportunityObj', opportunity({ sales_stage: '5' }), OPTS).record.status,
    ).toBe('won');
    expect(
      normalizeFxiaokeRecord('NewOpportunityObj', opportunity({ sales_stage: '6' }), OPTS).record,
    ).toMatchObject({
      status: 'lost',
      stage: '输单',
    });
    const custom = { ...OPTS, stages: { won: ['closed_won'], lost: [] } };
    expect(
      normalizeFxiaokeRecord('NewOpportunityObj', opportunity({ sales_stage: 'closed_won' }), custom).record
        .status,
    ).toBe('won');
    const noStage = opportunity({ sales_stage: undefined, sales_status: '2' });
    expect(normalizeFxiaokeRecord('NewOpportunityObj', noStage, OPTS).record.status).toBe('won');
  });

  it('keeps amounts exact: strings digit for digit, numbers in shortest form, never rounded', () => {
    expect(toDecimalString('128000.10')).toBe('128000.10');
    expect(toDecimalString(0.1 + 0.2)).toBeUndefined(); // 17 decimals: not an amount we can keep exactly
    expect(toDecimalString('1e3')).toBe('1000');
    expect(toDecimalString(99999.99)).toBe('99999.99');
    expect(toDecimalString('1,250,000.00')).toBe('1250000.00');
    expect(() => normalizeFxiaokeRecord('NewOpportunityObj', opportunity({ amount: 'abc' }), OPTS)).toThrow(
      RejectedInputError,
    );
  });

  it('treats the older OpportunityObj as the deal object when the tenant uses it', () => {
    const opts = { ...OPTS, opportunityObject: 'OpportunityObj' as const };
    expect(normalizeFxiaokeRecord('OpportunityObj', opportunity(), opts).object).toBe('deal');
    expect(() => normalizeFxiaokeRecord('NewOpportunityObj', opportunity(), opts)).toThrow(/not an object/);
    expect(canonicalObjectFor('OpportunityObj', 'NewOpportunityObj')).toBeUndefined();
    expect(fxiaokeObjectFor('deal', 'OpportunityObj')).toBe('OpportunityObj');
    expect(fxiaokeObjectFor('activity', 'OpportunityObj')).toBe('ActiveRecordObj');
  });

  it('marks invalidated (作废) and deleted records as tombstones', () => {
    expect(
      normalizeFxiaokeRecord('NewOpportunityObj', opportunity({ life_status: 'invalid' }), OPTS).deleted,
    ).toBe(true);
    expect(normalizeFxiaokeRecord('NewOpportunityObj', opportunity({ is_deleted: true }), OPTS).deleted).toBe(
      true,
    );
  });

  it('maps leads, accounts and follow-ups without deal fields', () => {
    const lead = normalizeFxiaokeRecord(
      'LeadsObj',
      {
        _id: 'a1',
        name: '官网留资-苏州',
        owner: ['1002'],
        last_modified_time: 1772409600000,
        email: 'x@y.example',
      },
      OPTS,
    );
    expect(lead.object).toBe('lead');
    expect(lead.record).toMatchObject({ name: '官网留资-苏州', email: 'x@y.example', owner: { id: '1002' } });
    expect(lead.record.status).toBeUndefined();
    const activity = normalizeFxiaokeRecord(
      'ActiveRecordObj',
      { _id: 'a2', active_record_content: '电话沟通续约', last_modified_time: '1772409600000' },
      OPTS,
    );
    expect(activity).toMatchObject({ object: 'activity', record: { name: '电话沟通续约' } });
  });

  it('names the field when the record cannot be normalized', () => {
    const missing = (data: Record<string, unknown>) => {
      try {
        normalizeFxiaokeRecord('NewOpportunityObj', data, OPTS);
      } catch (err) {
        return (err as RejectedInputError).details;
      }
      throw new Error('expected a rejection');
    };
    expect(missing(opportunity({ _id: undefined }))).toEqual({ field: '_id' });
    expect(missing(opportunity({ last_modified_time: undefined }))).toEqual({ field: 'last_modified_time' });
  });
});
