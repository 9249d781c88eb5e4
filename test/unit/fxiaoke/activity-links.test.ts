/** A Fxiaoke follow-up record (ActiveRecordObj) carries its links as canonical fields, as the writer sends them. */
import { describe, expect, it } from 'vitest';
import { normalizeFxiaokeRecord } from '../../../shared/crm/fxiaoke/normalize';

const OPTS = {
  opportunityObject: 'NewOpportunityObj' as const,
  stages: { won: ['5'], lost: ['6'] },
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
};

describe('Fxiaoke follow-up links', () => {
  it('reads the deal and contact a follow-up is related to', () => {
    const { record } = normalizeFxiaokeRecord(
      'ActiveRecordObj',
      {
        _id: '65a0000000000000000000a1',
        owner: ['1001'],
        last_modified_time: 1772409600123,
        active_record_content: '电话沟通报价',
        related_object_data: [
          { describe_api_name: 'NewOpportunityObj', id: '5f9cd4e6e4400e0001217faa' },
          { describe_api_name: 'ContactObj', id: '5f9cd4e6e4400e0001217fbb' },
          { describe_api_name: 'UnknownObj', id: 'x' },
        ],
      },
      OPTS,
    );
    expect(record.fields).toMatchObject({
      dealId: '5f9cd4e6e4400e0001217faa',
      contactId: '5f9cd4e6e4400e0001217fbb',
    });
    expect(Object.keys(record.fields).sort()).toEqual(['contactId', 'dealId', 'fxiaokeObject']);
  });

  it('reads a lead, and nothing from a record without links', () => {
    const lead = normalizeFxiaokeRecord(
      'ActiveRecordObj',
      {
        _id: '65a0000000000000000000a2',
        last_modified_time: 1772409600123,
        related_object_data: [{ describe_api_name: 'LeadsObj', id: '5f9cd4e6e4400e0001217fcc' }],
      },
      OPTS,
    );
    expect(lead.record.fields.leadId).toBe('5f9cd4e6e4400e0001217fcc');
    const none = normalizeFxiaokeRecord(
      'ActiveRecordObj',
      { _id: '65a0000000000000000000a3', last_modified_time: 1772409600123 },
      OPTS,
    );
    expect(none.record.fields).toEqual({ fxiaokeObject: 'ActiveRecordObj' });
  });
});
