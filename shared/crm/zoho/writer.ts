/**
 * CrmActivityWriter for Zoho CRM: a task (Tasks), a note (Notes) or a scheduled call (Calls) on a deal, lead,
 * contact or account. The idempotency key goes at the end of the description (Notes: the content), where a person
 * sees where the activity came from. Zoho inserts carry no idempotency key of their own, so a tenant that wants a
 * repeated write to be a no-op names a unique custom text field on Tasks and Calls (`activityKeyField`): the
 * writer then upserts on it, and Zoho updates the first record instead of making a second. Notes have no custom
 * fields; a repeated note write relies on the effect ledger alone.
 */
import { zonedLocalToUtc } from '../../schedules/expression';
import {
  type CrmActivityInput,
  type CrmActivityWriter,
  CrmWriteRejectedError,
  checkActivityInput,
  withKeyLine,
} from '../../sync/crm-writer';
import { noteRecord, type RecordRef, scheduledCallRecord, taskRecord, type ZohoRecords } from './records';

/** The parent modules an activity can hang off; activities on activities are not a Zoho thing. */
const PARENT_MODULES = { deal: 'Deals', lead: 'Leads', contact: 'Contacts', account: 'Accounts' } as const;

/** A call due on a date is scheduled for this local time of day on it (minutes after midnight). */
export const DEFAULT_CALL_MINUTES = 10 * 60;

export interface ZohoWriterOptions {
  records: Pick<ZohoRecords, 'insertOne' | 'upsertOne'>;
  apiVersion: string;
  /** The tenant's zone: due dates are tenant-local. */
  timeZone: string;
  /** API name of a unique ("do not allow duplicates") single-line field on Tasks and Calls. */
  activityKeyField?: string;
  callMinutes?: number;
  now?: () => Date;
}

export class ZohoActivityWriter implements CrmActivityWriter {
  private readonly now: () => Date;

  constructor(private readonly opts: ZohoWriterOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  async createActivity(input: CrmActivityInput): Promise<{ id: string }> {
    checkActivityInput(input);
    if (input.object === 'activity') {
      throw new CrmWriteRejectedError(
        'a Zoho activity is written on a deal, lead, contact or account, not on an activity',
      );
    }
    const parent: RecordRef = { module: PARENT_MODULES[input.object], id: input.recordId };
    const description = withKeyLine(input.description, input.idempotencyKey);
    const owner = input.ownerId ? { ownerId: input.ownerId } : {};
    if (input.activity === 'note') {
      const note = noteRecord(parent, { title: input.subject, content: description }, this.opts.apiVersion);
      return { id: await this.opts.records.insertOne('Notes', note) };
    }
    const [module, record] =
      input.activity === 'task'
        ? [
            'Tasks',
            taskRecord(parent, {
              subject: input.subject,
              description,
              ...owner,
              ...(input.dueDate ? { dueDate: input.dueDate } : {}),
            }),
          ]
        : [
            'Calls',
            scheduledCallRecord(parent, {
              subject: input.subject,
              description,
              startTime: this.callStart(input.dueDate),
              ...owner,
            }),
          ];
    const keyField = this.opts.activityKeyField;
    if (!keyField) return { id: await this.opts.records.insertOne(module, record) };
    const { id } = await this.opts.records.upsertOne(
      module,
      { ...record, [keyField]: input.idempotencyKey },
      [keyField],
    );
    return { id };
  }

  /**
   * On its due date at the configured local time (in the tenant's zone, DST included); without a date, at the next
   * full hour, since Zoho schedules calls in the future.
   */
  private callStart(dueDate: string | undefined): Date {
    if (dueDate) {
      const minutes = this.opts.callMinutes ?? DEFAULT_CALL_MINUTES;
      const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
      const mm = String(minutes % 60).padStart(2, '0');
      return zonedLocalToUtc(`${dueDate}T${hh}:${mm}:00`, this.opts.timeZone);
    }
    const hour = 3_600_000;
    return new Date(Math.floor(this.now().getTime() / hour) * hour + hour);
  }
}
