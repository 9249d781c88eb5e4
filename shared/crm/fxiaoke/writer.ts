/**
 * CrmActivityWriter for Fxiaoke: every activity (task, note, call) becomes a follow-up record (销售记录,
 * ActiveRecordObj) related to the deal, account, lead or contact, owned by the record's owner. Fxiaoke creates carry
 * no idempotency key and a create repeated after an unclear failure makes a second record, so the key is written
 * on the follow-up (a tenant's custom text field if it names one, otherwise the last line of the content) and
 * looked up before every create: a write repeated after a crash finds the first record and returns its id.
 */
import {
  type CrmActivityInput,
  type CrmActivityWriter,
  CrmWriteRejectedError,
  checkActivityInput,
  keyLine,
} from '../../sync/crm-writer';
import type { FxiaokeClient, QueryFilter } from './client';
import { fxiaokeObjectFor, type OpportunityObject } from './objects';

export const FOLLOW_UP_OBJECT = 'ActiveRecordObj';

export interface FxiaokeWriterOptions {
  client: Pick<FxiaokeClient, 'createFollowUp' | 'query'>;
  opportunityObject: OpportunityObject;
  locale: 'zh-CN' | 'en';
  /** API name of a custom text field on ActiveRecordObj (`field_xxx__c`) that holds the key. */
  activityKeyField?: string;
}

const LABELS = {
  'zh-CN': { task: '任务', note: '备注', call: '电话', due: '截止日期' },
  en: { task: 'Task', note: 'Note', call: 'Call', due: 'Due' },
} as const;

export class FxiaokeActivityWriter implements CrmActivityWriter {
  constructor(private readonly opts: FxiaokeWriterOptions) {}

  async createActivity(input: CrmActivityInput): Promise<{ id: string }> {
    checkActivityInput(input);
    if (input.object === 'activity') {
      throw new CrmWriteRejectedError(
        'a follow-up is written on a deal, account, lead or contact, not on an activity',
      );
    }
    const related = {
      apiName: fxiaokeObjectFor(input.object, this.opts.opportunityObject),
      id: input.recordId,
    };
    const existing = await this.find(input.idempotencyKey);
    if (existing) return { id: existing };
    const keyField = this.opts.activityKeyField;
    const { dataId } = await this.opts.client.createFollowUp({
      content: this.content(input, !keyField),
      related,
      ...(input.ownerId ? { ownerId: input.ownerId } : {}),
      ...(keyField ? { extra: { [keyField]: input.idempotencyKey } } : {}),
    });
    return { id: dataId };
  }

  /** `【任务】subject`, the description, the due date, and (without a key field) the key line. */
  private content(input: CrmActivityInput, withKey: boolean): string {
    const l = LABELS[this.opts.locale];
    const parts = [`【${l[input.activity]}】${input.subject}`];
    if (input.description?.trim()) parts.push(input.description.trim());
    if (input.dueDate) parts.push(`${l.due}: ${input.dueDate}`);
    if (withKey) parts.push(keyLine(input.idempotencyKey));
    return parts.join('\n\n');
  }

  private async find(key: string): Promise<string | undefined> {
    const keyField = this.opts.activityKeyField;
    const filter: QueryFilter = keyField
      ? { field_name: keyField, operator: 'EQ', field_values: [key] }
      : { field_name: 'active_record_content', operator: 'LIKE', field_values: [keyLine(key)] };
    const page = await this.opts.client.query(FOLLOW_UP_OBJECT, {
      limit: 1,
      offset: 0,
      filters: [filter],
      fieldProjection: ['_id'],
    });
    const id = page.dataList[0]?._id;
    return typeof id === 'string' ? id : undefined;
  }
}
