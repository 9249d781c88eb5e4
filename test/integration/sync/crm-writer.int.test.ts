/**
 * Write-back through the tenant's CrmActivityWriter, built as the runtime builds it (tokens in the DynamoDB cache),
 * against both simulators: what lands in the CRM, exactly once per idempotency key, and refusals surfaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCrmWriter } from '../../../functions/wiring/crm-writer';
import { type FxiaokeSimulator, startFxiaokeSimulator } from '../../../infra/local/simulators/fxiaoke';
import { startZohoSimulator, USERS, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { ZohoRecordError } from '../../../shared/crm/zoho/errors';
import { RejectedInputError } from '../../../shared/errors';
import type { CrmActivityWriter } from '../../../shared/sync/crm-writer';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { secretsOf, tenantOn } from './support';

const now = Date.parse('2026-03-02T01:00:00Z');
let table: LocalTable;
let zoho: ZohoSimulator;
let fx: FxiaokeSimulator;

beforeAll(async () => {
  [table, zoho, fx] = await Promise.all([
    startLocalTable(),
    startZohoSimulator({ seed: { deals: 8, leads: 3, contacts: 3 }, now: () => now }),
    startFxiaokeSimulator({ now: () => now }),
  ]);
});

afterAll(async () => {
  await Promise.all([zoho?.stop(), fx?.stop(), table?.stop()]);
});

const zohoWriter = async (crm: Record<string, unknown> = {}, timeZone = 'Asia/Shanghai') => {
  const tenant = {
    ...tenantOn('acme', { provider: 'zoho', dataCenter: 'com.cn', accountsUrl: zoho.url, ...crm }),
  };
  const w = await buildCrmWriter({
    tenant: { ...tenant, timeZone },
    secrets: secretsOf({
      zohoClientId: zoho.clientId,
      zohoClientSecret: zoho.clientSecret,
      zohoRefreshToken: zoho.issueRefreshToken(),
    }),
    tokenTable: { doc: table.doc, tableName: table.tableName },
    now: () => new Date(now),
  });
  if (!w) throw new Error('a Zoho tenant has a writer');
  return w;
};

const fxWriter = async (crm: Record<string, unknown> = {}) => {
  const w = await buildCrmWriter({
    tenant: tenantOn('acme-fx', {
      provider: 'fxiaoke',
      apiBaseUrl: fx.url,
      apiUserId: fx.app.userId,
      ...crm,
    }),
    secrets: secretsOf({
      fxiaokeAppId: fx.app.appId,
      fxiaokeAppSecret: fx.app.appSecret,
      fxiaokePermanentCode: fx.app.permanentCode,
    }),
    tokenTable: { doc: table.doc, tableName: table.tableName },
    now: () => new Date(now),
  });
  if (!w) throw new Error('an Fxiaoke tenant has a writer');
  return w;
};

const zohoId = (module: string, i: number) => zoho.store.all(module)[i]?.id ?? '';
const created = (module: string) => zoho.created[module] ?? 0;

describe('Zoho write-back', () => {
  let writer: CrmActivityWriter;
  beforeAll(async () => {
    writer = await zohoWriter();
  });

  it('creates a task on a deal with owner, due date, description and the key', async () => {
    const deal = zohoId('Deals', 0);
    const owner = USERS[1]?.id ?? '';
    const before = created('Tasks');
    const { id } = await writer.createActivity({
      object: 'deal',
      recordId: deal,
      activity: 'task',
      subject: '发送合同',
      description: 'Contract for 王伟',
      ownerId: owner,
      dueDate: '2026-03-09',
      idempotencyKey: 'wf:won:deal-1:actions[0]',
    });
    expect(created('Tasks')).toBe(before + 1);
    expect(zoho.store.get('Tasks', id)?.fields).toEqual({
      Subject: '发送合同',
      Due_Date: '2026-03-09',
      Owner: { id: owner },
      Description: 'Contract for 王伟\n\n[Quotaflow wf:won:deal-1:actions[0]]',
      What_Id: { id: deal },
      $se_module: 'Deals',
    });
  });

  it('links a contact through Who_Id and a lead through What_Id', async () => {
    const contact = zohoId('Contacts', 0);
    const lead = zohoId('Leads', 0);
    const a = await writer.createActivity({
      object: 'contact',
      recordId: contact,
      activity: 'task',
      subject: 'Intro',
      idempotencyKey: 'k-contact',
    });
    const b = await writer.createActivity({
      object: 'lead',
      recordId: lead,
      activity: 'task',
      subject: 'Qualify',
      idempotencyKey: 'k-lead',
    });
    expect(zoho.store.get('Tasks', a.id)?.fields).toMatchObject({ Who_Id: { id: contact } });
    expect(zoho.store.get('Tasks', b.id)?.fields).toMatchObject({
      What_Id: { id: lead },
      $se_module: 'Leads',
    });
  });

  it('writes a note in the v8 shape, the key in its content', async () => {
    const account = zohoId('Accounts', 0);
    const before = created('Notes');
    const { id } = await writer.createActivity({
      object: 'account',
      recordId: account,
      activity: 'note',
      subject: 'Won',
      description: 'Signed today',
      idempotencyKey: 'k-note',
    });
    expect(created('Notes')).toBe(before + 1);
    expect(zoho.store.get('Notes', id)?.fields).toEqual({
      Note_Title: 'Won',
      Note_Content: 'Signed today\n\n[Quotaflow k-note]',
      Parent_Id: { module: { api_name: 'Accounts' }, id: account },
    });
  });

  it('schedules a call at 10:00 tenant-local on its due date (Asia/Shanghai and across a DST change)', async () => {
    const deal = zohoId('Deals', 1);
    const call = (w: CrmActivityWriter, dueDate: string, key: string) =>
      w.createActivity({
        object: 'deal',
        recordId: deal,
        activity: 'call',
        subject: 'Check in',
        dueDate,
        idempotencyKey: key,
      });
    const sh = await call(writer, '2026-03-10', 'k-call-sh');
    expect(zoho.store.get('Calls', sh.id)?.fields).toMatchObject({
      Call_Type: 'Outbound',
      Outbound_Call_Status: 'Scheduled',
      Call_Start_Time: '2026-03-10T02:00:00+00:00',
      What_Id: { id: deal },
      $se_module: 'Deals',
    });
    const ny = await zohoWriter({}, 'America/New_York');
    // 2026-03-08 is the US spring-forward day: 10:00 is EDT (UTC-4); the day before, EST (UTC-5).
    const after = await call(ny, '2026-03-08', 'k-call-ny1');
    const before = await call(ny, '2026-03-07', 'k-call-ny2');
    expect(zoho.store.get('Calls', after.id)?.fields.Call_Start_Time).toBe('2026-03-08T14:00:00+00:00');
    expect(zoho.store.get('Calls', before.id)?.fields.Call_Start_Time).toBe('2026-03-07T15:00:00+00:00');
  });

  it('with a key field, a repeated write upserts: exactly one task, the same id', async () => {
    const keyed = await zohoWriter({ activityKeyField: 'Quotaflow_Key__c' });
    const input = {
      object: 'deal' as const,
      recordId: zohoId('Deals', 2),
      activity: 'task' as const,
      subject: 'Follow up',
      idempotencyKey: 'wf:x:deal-2:actions[1]',
    };
    const before = created('Tasks');
    const first = await keyed.createActivity(input);
    const second = await keyed.createActivity(input);
    expect(second.id).toBe(first.id);
    expect(created('Tasks')).toBe(before + 1);
    expect(zoho.store.get('Tasks', first.id)?.fields.Quotaflow_Key__c).toBe(input.idempotencyKey);
    expect(zoho.requests.filter((r) => r.path === '/crm/v8/Tasks/upsert')).toHaveLength(2);
  });

  it('surfaces a per-record error of the answer (a parent that does not exist) and creates nothing', async () => {
    const before = created('Tasks');
    const err = await writer
      .createActivity({
        object: 'deal',
        recordId: '5725767099999999999',
        activity: 'task',
        subject: 'x',
        idempotencyKey: 'k-bad',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoRecordError);
    expect(err).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'What_Id' } });
    expect(created('Tasks')).toBe(before);
  });

  it('refuses what no retry can fix before calling Zoho', async () => {
    const calls = zoho.requests.length;
    const base = {
      object: 'deal' as const,
      recordId: zohoId('Deals', 0),
      activity: 'task' as const,
      idempotencyKey: 'k',
    };
    await expect(writer.createActivity({ ...base, subject: ' ' })).rejects.toThrow('subject is empty');
    await expect(writer.createActivity({ ...base, subject: 'a', dueDate: '2026-02-30' })).rejects.toThrow(
      'is not a YYYY-MM-DD date',
    );
    await expect(writer.createActivity({ ...base, subject: 'a', object: 'activity' })).rejects.toBeInstanceOf(
      RejectedInputError,
    );
    expect(zoho.requests.length).toBe(calls);
  });
});

describe('Fxiaoke write-back', () => {
  const deal = () => fx.records.list('NewOpportunityObj')[0]?._id ?? '';
  const createdFollowUps = () => fx.stats.created.ActiveRecordObj ?? 0;

  it('creates a follow-up related to the deal, owned by the owner, with the key; a repeat finds it', async () => {
    const writer = await fxWriter();
    const input = {
      object: 'deal' as const,
      recordId: deal(),
      activity: 'task' as const,
      subject: '回访客户',
      description: '确认合同细节',
      ownerId: '1001',
      dueDate: '2026-03-09',
      idempotencyKey: 'wf:won:fx-1:actions[0]',
    };
    const before = createdFollowUps();
    const first = await writer.createActivity(input);
    const second = await writer.createActivity(input);
    expect(second.id).toBe(first.id);
    expect(createdFollowUps()).toBe(before + 1);
    expect(fx.records.get('ActiveRecordObj', first.id)).toMatchObject({
      active_record_content:
        '【任务】回访客户\n\n确认合同细节\n\n截止日期: 2026-03-09\n\n[Quotaflow wf:won:fx-1:actions[0]]',
      related_object_data: [{ describe_api_name: 'NewOpportunityObj', id: deal() }],
      owner: ['1001'],
    });
  });

  it('writes the key into a configured custom field instead of the content', async () => {
    const writer = await fxWriter({ activityKeyField: 'field_qf_key__c' });
    const account = fx.records.list('AccountObj')[0]?._id ?? '';
    const input = {
      object: 'account' as const,
      recordId: account,
      activity: 'call' as const,
      subject: '电话回访',
      idempotencyKey: 'k-fx-call',
    };
    const before = createdFollowUps();
    const { id } = await writer.createActivity(input);
    await writer.createActivity(input);
    expect(createdFollowUps()).toBe(before + 1);
    expect(fx.records.get('ActiveRecordObj', id)).toMatchObject({
      active_record_content: '【电话】电话回访',
      field_qf_key__c: 'k-fx-call',
      related_object_data: [{ describe_api_name: 'AccountObj', id: account }],
    });
  });

  it('surfaces the refusal of a follow-up on a record that does not exist', async () => {
    const writer = await fxWriter();
    const before = createdFollowUps();
    await expect(
      writer.createActivity({
        object: 'deal',
        recordId: 'nope',
        activity: 'note',
        subject: 'x',
        idempotencyKey: 'k-fx-bad',
      }),
    ).rejects.toMatchObject({ errorCode: 10001 });
    expect(createdFollowUps()).toBe(before);
  });
});
