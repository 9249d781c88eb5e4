/**
 * The workflow runner over any implementation of its stores (ledger, enrolments, send counters; records in memory),
 * with recording fakes only at the provider ports (mail, scheduler, chat, CRM writer, consent): the dynalite
 * harness (test/integration/workflows/support.ts) and the in-memory one (memoryHarness below) share it.
 */
import type { TenantConfig } from '../../shared/config/tenant';
import { Ledger, type Performers } from '../../shared/effects/protocol';
import type { MailerPort } from '../../shared/ports';
import type { SendLimits } from '../../shared/store/send-counters';
import type { CrmActivityInput } from '../../shared/sync/crm-writer';
import { compileWorkflows } from '../../shared/workflows/compiled';
import type { EnrolmentsPort, SendCountersPort } from '../../shared/workflows/ports';
import { WorkflowRunner } from '../../shared/workflows/runner';
import { parseWorkflowConfig } from '../../shared/workflows/validate';
import { performersFor, RecordingMailer, RecordingScheduler, TestClock } from './local-aws';
import { MemoryEffectStore, MemoryEnrolments, MemoryRecords, MemorySendCounters } from './memory-ports';

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

export interface HarnessStores<L extends Ledger, E extends EnrolmentsPort> {
  ledger: (performers: Performers, now: () => Date) => L;
  enrolments: (now: () => Date) => E;
  counters: (limits: SendLimits, timeZone: string) => SendCountersPort;
}

export interface HarnessOptions {
  start?: string;
  suppressed?: string[];
  crm?: 'generic';
  /** The mail provider (default: a RecordingMailer). */
  mailer?: MailerPort;
}

/** A runner over the given stores, with recording fakes at the provider ports and a test clock. */
export const runnerHarness = <L extends Ledger, E extends EnrolmentsPort>(
  stores: HarnessStores<L, E>,
  configInput: unknown,
  opts: HarnessOptions = {},
) => {
  const clock = new TestClock(opts.start ?? '2026-03-02T08:00:05.000Z');
  const mailer = new RecordingMailer();
  const scheduler = new RecordingScheduler();
  const chats: { url: string; body: Record<string, unknown> }[] = [];
  const activities: CrmActivityInput[] = [];
  const enrolments = stores.enrolments(clock.now);
  const ledger = stores.ledger(
    {
      ...performersFor(opts.mailer ?? mailer, scheduler),
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
  const tenant =
    opts.crm === 'generic' ? ({ ...TENANT, crm: { provider: 'generic' } } as TenantConfig) : TENANT;
  const runner = new WorkflowRunner({
    tenant,
    workflows,
    effects: ledger,
    enrolments,
    records,
    counters: stores.counters(config.sendLimits, TENANT.timeZone),
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
    fireDue,
    fired,
    suppressed,
  };
};

/** The runner on in-memory stores; pass `stores` to run a second "process" over the same state. */
export const memoryStores = () => {
  const effects = new MemoryEffectStore();
  let enrolments: MemoryEnrolments | undefined;
  let counters: MemorySendCounters | undefined;
  return {
    effects,
    ledger: (performers: Performers, now: () => Date) => new Ledger(effects, performers, now),
    enrolments: (now: () => Date) => {
      enrolments ??= new MemoryEnrolments(now);
      return enrolments;
    },
    counters: (limits: SendLimits, timeZone: string) => {
      counters ??= new MemorySendCounters(limits, timeZone);
      return counters;
    },
  };
};

export const memoryHarness = (
  configInput: unknown,
  opts: HarnessOptions & { stores?: ReturnType<typeof memoryStores> } = {},
) => runnerHarness(opts.stores ?? memoryStores(), configInput, opts);
