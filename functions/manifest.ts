/**
 * The manifest: every function, its entry and its triggers, declared once. The CDK tenant stack (infra/) and the
 * local runtime (infra/local/) both read this list; nothing about which functions exist or what triggers them is
 * written anywhere else.
 */
import { anyDomainEvent, contactSuppressed, crmRecordChanged } from '../events';
import { sesMailFeedback } from '../events/ses-feedback';
import { crmSettings, readingProviders } from '../shared/crm/registry';
import type { TenantDocumentKind } from './wiring/documents';
import type { Access } from './wiring/env-names';

export type HttpMethod = 'GET' | 'POST';

export type Trigger =
  /** An HTTP API route (API Gateway HTTP API, payload format 2.0). */
  | { kind: 'http'; method: HttpMethod; path: string }
  /**
   * An EventBridge rule on the tenant's bus, with EventBridge pattern semantics. `narrowTo: 'workflowEvents'`
   * keeps only the detail-types the tenant's workflows can act on (infra/event-rules.ts); none, no rule.
   */
  | { kind: 'event'; pattern: Record<string, unknown>; narrowTo?: 'workflowEvents' }
  /** A fixed schedule in the tenant's time zone; tenants may override or disable it by name. */
  | { kind: 'schedule'; name: string; defaultExpression: string; description: string }
  /** The target of one-time at() schedules that other functions create through the scheduler port. */
  | { kind: 'oneTime' }
  /** A subscriber of the tenant's alarm topic (SNS, invoked asynchronously); not run locally, which has no alarms. */
  | { kind: 'alarmTopic' };

/** What a function may touch (and the env vars each right brings): functions/wiring/env-names.ts. */
export type { Access };

/** A CRM provider id, as registered in shared/crm/registry.ts. */
export type CrmProvider = string;

export interface FunctionSpec {
  /** Stable id: the Lambda's logical name and the local runtime's function name. */
  id: string;
  /** Path from the repository root to the module exporting `handler`. */
  entry: string;
  description: string;
  triggers: Trigger[];
  access: Access[];
  memoryMb?: number;
  timeoutSeconds?: number;
  /** Deployed only for tenants whose CRM is one of these; every tenant gets it when absent. */
  providers?: readonly CrmProvider[];
  /** Deployed only for tenants with this setting (alarms.chat: a chat webhook for alarms). */
  onlyWith?: 'alarmChat';
  /** Tenant documents (tenants/<kind>/<tenant>.json) shipped with the function; see functions/wiring/documents.ts. */
  documents?: readonly TenantDocumentKind[];
}

const core = (): FunctionSpec[] => [
  {
    id: 'health',
    entry: 'functions/http/health.ts',
    description: 'Liveness of the tenant API',
    triggers: [{ kind: 'http', method: 'GET', path: '/health' }],
    access: [],
    memoryMb: 256,
    timeoutSeconds: 5,
  },
  {
    id: 'ingest-generic',
    entry: 'functions/http/ingest-generic.ts',
    description:
      'Receives Standard-Webhooks-signed record changes, stores the receipt, publishes crm.record.changed',
    triggers: [{ kind: 'http', method: 'POST', path: '/webhooks/generic' }],
    access: ['table:put', 'table:get', 'bus', 'secrets'],
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  {
    id: 'sync-apply',
    entry: 'functions/events/sync-apply.ts',
    description: 'Applies a stored record change to the canonical copy and emits domain events',
    // Changes that carry the whole record (the generic webhook, and any CRM that does not read records back).
    triggers: [
      {
        kind: 'event',
        pattern: crmRecordChanged.pattern({
          provider: crmSettings().flatMap((s) => (s.readsRecords ? [] : [s.id])),
        }),
      },
    ],
    access: ['table', 'bus'],
    timeoutSeconds: 30,
  },
  {
    id: 'sync-crm',
    entry: 'functions/events/sync-crm.ts',
    description:
      'Reads a CRM record named by a change (Zoho, Fxiaoke), applies it to the canonical copy, emits events',
    triggers: [{ kind: 'event', pattern: crmRecordChanged.pattern({ provider: readingProviders() }) }],
    access: ['table', 'bus', 'secrets'],
    timeoutSeconds: 60,
    providers: readingProviders(),
  },
  {
    id: 'workflow-runner',
    entry: 'functions/events/workflow-runner.ts',
    description:
      "Runs the tenant's workflows on each domain event: stops sequences, performs due steps, schedules later ones",
    triggers: [
      // Only the domain events the tenant's workflows and sequences can act on: a field edit costs nothing here.
      { kind: 'event', pattern: anyDomainEvent.pattern(), narrowTo: 'workflowEvents' },
      { kind: 'event', pattern: contactSuppressed.pattern() },
    ],
    access: ['table', 'mail', 'scheduler', 'secrets'],
    documents: ['workflows'],
    timeoutSeconds: 60,
  },
  {
    id: 'scheduled-step',
    entry: 'functions/schedules/scheduled-step.ts',
    description:
      'Runs a delayed workflow or sequence step when its one-time schedule fires, re-checked on fresh data',
    triggers: [{ kind: 'oneTime' }],
    access: ['table', 'mail', 'scheduler', 'secrets'],
    documents: ['workflows'],
    timeoutSeconds: 30,
  },
  {
    id: 'effect-recovery',
    entry: 'functions/schedules/effect-recovery.ts',
    description:
      'Completes effects whose performer crashed after recording them; republishes webhook receipts never applied',
    triggers: [
      {
        kind: 'schedule',
        name: 'effectRecovery',
        defaultExpression: 'rate(5 minutes)',
        description: 'Sweep effects left pending past their lease and receipts left unapplied',
      },
    ],
    // Every kind of effect may need completing: mail, schedules, CRM write-backs (CRM token in the secret), chat;
    // and unapplied receipts go back on the bus as crm.record.changed.
    access: ['table', 'bus', 'mail', 'scheduler', 'secrets'],
    timeoutSeconds: 120,
  },
  {
    id: 'reconcile',
    entry: 'functions/schedules/reconcile.ts',
    description:
      'Pulls what changed in the CRM since the watermark (a lost webhook only delays data); continues imports',
    triggers: [
      {
        kind: 'schedule',
        name: 'reconcile',
        defaultExpression: 'rate(15 minutes)',
        description: 'Apply CRM changes made since the last reconcile',
      },
    ],
    access: ['table', 'bus', 'secrets'],
    timeoutSeconds: 300,
    providers: readingProviders(),
  },
  {
    id: 'unsubscribe',
    entry: 'functions/http/unsubscribe.ts',
    description:
      'One-click unsubscribe (RFC 8058): POST suppresses the signed address; GET shows a confirmation page',
    triggers: [
      { kind: 'http', method: 'POST', path: '/unsubscribe' },
      { kind: 'http', method: 'GET', path: '/unsubscribe' },
    ],
    access: ['table', 'bus', 'secrets'],
    timeoutSeconds: 10,
  },
  {
    id: 'mail-feedback',
    entry: 'functions/events/mail-feedback.ts',
    description: 'Suppresses addresses that SES reports as permanently bounced or complained about',
    // SES publishes to the account's default bus; the mail construct forwards this tenant's events to its bus.
    triggers: [{ kind: 'event', pattern: sesMailFeedback.pattern() }],
    access: ['table', 'bus'],
    timeoutSeconds: 30,
  },
  {
    id: 'goal-progress',
    entry: 'functions/events/goal-progress.ts',
    description:
      "Keeps each goal's totals per period and owner up to date from each record change, once per record version",
    // One event per change is enough: every event of a change carries the same record version.
    triggers: [{ kind: 'event', pattern: anyDomainEvent.pattern({ firstOfChange: [true] }) }],
    // Reads the record's contribution and the CRM users (the org); puts the contribution, updates totals (ADD).
    access: ['table'],
    documents: ['goals', 'incentives'],
    timeoutSeconds: 30,
  },
  {
    id: 'goal-recompute',
    entry: 'functions/schedules/goal-recompute.ts',
    description:
      'Recomputes goal totals from the owner index, logs, counts and corrects any that disagree; resumes by cursor',
    triggers: [
      {
        kind: 'schedule',
        name: 'goalRecompute',
        // Hourly through the night: the first run recomputes; one that nears its deadline leaves a cursor and the next
        // carries on; once the night's run has finished, the later ones cost a read.
        defaultExpression: 'cron(30 1-5 * * ? *)',
        description: 'Nightly, 01:30 to 05:30 local: recompute goal totals, correct the incremental state',
      },
    ],
    access: ['table'],
    documents: ['goals', 'incentives'],
    memoryMb: 1024,
    timeoutSeconds: 900,
  },
  {
    id: 'goal-evaluation',
    entry: 'functions/schedules/goal-evaluation.ts',
    description:
      "Evaluates each rep's goals once a day at their local notify time: pace reminders, recognition, check-ins",
    triggers: [
      {
        kind: 'schedule',
        name: 'goalEvaluation',
        // Hourly at :30, so a notify time of hh:30 (the default 08:30) is met on time in every whole-hour zone.
        defaultExpression: 'cron(30 * * * ? *)',
        description: 'Hourly: evaluate the people whose local notify time (default 08:30) has come today',
      },
    ],
    access: ['table', 'mail'],
    timeoutSeconds: 300,
    documents: ['goals', 'incentives', 'workflows'],
  },
  {
    id: 'incentive-accrual',
    entry: 'functions/schedules/incentive-accrual.ts',
    description: "Saves each rep's incentive accrual for the open period (earned so far, tier, next tier)",
    triggers: [
      {
        kind: 'schedule',
        name: 'incentiveAccrual',
        defaultExpression: 'cron(0 6 * * ? *)',
        description: 'Daily incentive accrual snapshot at 06:00 local time',
      },
    ],
    access: ['table'],
    // The goals document's org section completes the plans' reps and teams (shared/incentives/org.ts).
    documents: ['incentives', 'goals'],
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  {
    id: 'incentive-close',
    entry: 'functions/schedules/incentive-close.ts',
    description:
      'Closes the incentive period that ended (frozen statements with content hashes), mails reps and managers',
    triggers: [
      {
        kind: 'schedule',
        name: 'incentiveClose',
        defaultExpression: 'cron(0 2 1 * ? *)',
        description: 'Close the last incentive period at 02:00 local time on the 1st and mail the statements',
      },
    ],
    access: ['table', 'mail'],
    documents: ['incentives', 'goals'],
    memoryMb: 2048,
    timeoutSeconds: 900,
  },
  {
    id: 'manager-digest',
    entry: 'functions/schedules/manager-digest.ts',
    description:
      "Mails each manager the weekly team digest from Monday 08:00 in the manager's own zone, once per week",
    triggers: [
      {
        kind: 'schedule',
        name: 'managerDigest',
        // Hourly, so every manager's Monday 08:00 comes round in their own zone; a digest already sent costs one
        // read, and a missed hour is caught up by the next (shared/digest/send.ts).
        defaultExpression: 'cron(0 * * * ? *)',
        description: "Send the manager digests that are due (Monday 08:00 in each manager's zone)",
      },
    ],
    access: ['table', 'mail'],
    documents: ['goals', 'incentives'],
    memoryMb: 1024,
    timeoutSeconds: 900,
  },
  {
    id: 'watchdog',
    entry: 'functions/schedules/watchdog.ts',
    description:
      'Alarms on silence: no CRM deliveries in business hours, overdue schedules, expiring Zoho channels, stale reconcile',
    triggers: [
      {
        kind: 'schedule',
        name: 'watchdog',
        defaultExpression: 'rate(15 minutes)',
        description: 'Check what should have happened and did not; each kind is a metric with an alarm',
      },
    ],
    // Reads the marks, channel state and watermarks by key and queries the marks' partition, and puts its report and
    // its own last run there: no update, no delete, no index.
    access: ['table:get', 'table:query', 'table:put'],
    // The calendars the business hours are counted on come with the workflows document.
    documents: ['workflows'],
    memoryMb: 256,
    timeoutSeconds: 60,
  },
  {
    id: 'alarm-chat',
    entry: 'functions/events/alarm-chat.ts',
    description:
      "Posts each alarm state change to the tenant's chat group (alarms.chat: Feishu, DingTalk, WeCom, Slack)",
    triggers: [{ kind: 'alarmTopic' }],
    access: [],
    memoryMb: 256,
    timeoutSeconds: 15,
    onlyWith: 'alarmChat',
  },
];

/** Every function: the core ones and each registered CRM's own (receivers and the like), deployed for its tenants. */
export const allFunctions = (): readonly FunctionSpec[] => [
  ...core(),
  ...crmSettings().flatMap((crm) => crm.functions.map((f) => ({ ...f, providers: [crm.id] }))),
];

/** The functions of the built-in providers (as the registry lists them when this module loads). */
export const functions: readonly FunctionSpec[] = allFunctions();

/**
 * The functions a tenant gets: those without a provider list and those for the tenant's CRM, and those that need a
 * setting only when the tenant has it.
 */
export const functionsFor = (tenant: {
  crm: { provider: CrmProvider };
  alarms?: { chat?: unknown };
}): readonly FunctionSpec[] =>
  allFunctions().filter(
    (f) =>
      (!f.providers || f.providers.includes(tenant.crm.provider)) &&
      (f.onlyWith !== 'alarmChat' || tenant.alarms?.chat !== undefined),
  );

export const scheduleNames = (): string[] =>
  functions.flatMap((f) => f.triggers.flatMap((t) => (t.kind === 'schedule' ? [t.name] : [])));

/** The one function one-time schedules target (the scheduler port needs its ARN). */
export const oneTimeTarget = (): FunctionSpec => {
  const targets = functions.filter((f) => f.triggers.some((t) => t.kind === 'oneTime'));
  if (targets.length !== 1 || !targets[0])
    throw new Error('the manifest must declare exactly one oneTime target');
  return targets[0];
};
