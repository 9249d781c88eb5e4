/**
 * The workflow runner on a real tenant table (dynalite): real ledger, enrolments and send counters; recording fakes
 * only at the ports (mail, scheduler, chat, CRM writer, consent), where the provider is not what is under test.
 */
import type { CanonicalRecord, CrmObject } from '../../../events';
import type { TenantConfig } from '../../../shared/config/tenant';
import { EffectLedger } from '../../../shared/effects/ledger';
import { EnrolmentRepository } from '../../../shared/store/enrolments';
import type { StoredRecord } from '../../../shared/store/records';
import { SendCounters } from '../../../shared/store/send-counters';
import type { CrmActivityInput } from '../../../shared/sync/crm-writer';
import { compileWorkflows } from '../../../shared/workflows/compiled';
import { WorkflowRunner } from '../../../shared/workflows/runner';
import { parseWorkflowConfig } from '../../../shared/workflows/validate';
import {
  countWrites,
  type LocalTable,
  performersFor,
  RecordingMailer,
  RecordingScheduler,
  TestClock,
} from '../../support/local-aws';

export const TENANT: TenantConfig = {
  id: 'demo',
  displayName: '示例科技',
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN',
  currency: 'CNY',
  mail: { sender: 'noreply@demo.quotaflow.dev', senderName: 'Quotaflow Demo' },
  // A CRM that takes write-backs (the fake writer below records them); `crm: 'generic'` for one that does not.
  crm: { provider: 'zoho', dataCenter: 'com.cn' },
  schedules: {},
  aws: {},
} as TenantConfig;

export class MemoryRecords {
  readonly map = new Map<string, StoredRecord>();
  put(object: CrmObject, record: CanonicalRecord, deleted = false) {
    this.map.set(`${object}#${record.id}`, {
      object,
      record,
      version: Date.parse(record.modifiedAt),
      deleted,
    });
  }
  async get(object: CrmObject, id: string) {
    return this.map.get(`${object}#${id}`);
  }
}

/** One write counter per client (the SDK refuses a second middleware of the same name). */
const counters = new WeakMap<object, ReturnType<typeof countWrites>>();

export const harness = (
  table: LocalTable,
  configInput: unknown,
  opts: { start?: string; suppressed?: string[]; crm?: 'generic' } = {},
) => {
  const clock = new TestClock(opts.start ?? '2026-03-02T08:00:05.000Z');
  const mailer = new RecordingMailer();
  const scheduler = new RecordingScheduler();
  const chats: { url: string; body: Record<string, unknown> }[] = [];
  const activities: CrmActivityInput[] = [];
  const enrolments = new EnrolmentRepository(table.doc, table.tableName, clock.now);
  const ledger = new EffectLedger(
    table.doc,
    table.tableName,
    {
      ...performersFor(mailer, scheduler),
      chat: async (p) => {
        chats.push({ url: p.url, body: p.body });
        return 'chat 200';
      },
      crm_activity: async ({ activity }) => {
        activities.push(activity);
        return `${activity.activity} CRM-${activities.length}`;
      },
      enrol: async ({ enrolment }) =>
        (await enrolments.start(enrolment)).started ? 'enrolled' : 'already enrolled',
    },
    clock.now,
  );
  const config = parseWorkflowConfig(configInput, 'test config');
  const workflows = compileWorkflows(config, TENANT.currency);
  const records = new MemoryRecords();
  const suppressed = new Set(opts.suppressed ?? []);
  const writes = counters.get(table.doc) ?? countWrites(table.doc);
  counters.set(table.doc, writes);
  const tenant =
    opts.crm === 'generic' ? ({ ...TENANT, crm: { provider: 'generic' } } as TenantConfig) : TENANT;
  const runner = new WorkflowRunner({
    tenant,
    workflows,
    effects: ledger,
    enrolments,
    records,
    counters: new SendCounters(table.doc, table.tableName, config.sendLimits, TENANT.timeZone),
    scheduler,
    consent: {
      isSuppressed: async (a) => (suppressed.has(a.toLowerCase()) ? { reason: 'unsubscribed' } : undefined),
      unsubscribeHeaders: async (a) => ({
        'List-Unsubscribe': `<https://api.example.test/unsubscribe?address=${encodeURIComponent(a)}&token=t>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      }),
    },
    crm: async () => ({
      createActivity: async (a: CrmActivityInput) => {
        activities.push(a);
        return { id: `CRM-${activities.length}` };
      },
    }),
    now: clock.now,
  });
  /** Fires every recorded schedule due by `until`, in time order with the clock at each one's time, as Scheduler would. */
  const fireDue = async (until: Date = clock.now()) => {
    const results = [];
    for (;;) {
      const due = [...scheduler.scheduled.values()]
        .filter((s) => Date.parse(s.at) <= until.getTime())
        .sort((a, b) => a.at.localeCompare(b.at));
      const next = due[0];
      if (!next) break;
      scheduler.scheduled.delete(next.name);
      fired.push(next);
      clock.advance(new Date(next.at));
      results.push(await runner.onStep(next.payload as never));
    }
    clock.advance(until);
    return results;
  };
  const fired: { name: string; at: string; payload: Record<string, unknown> }[] = [];
  return {
    clock,
    mailer,
    scheduler,
    chats,
    activities,
    ledger,
    enrolments,
    runner,
    records,
    writes,
    fireDue,
    fired,
    suppressed,
  };
};
