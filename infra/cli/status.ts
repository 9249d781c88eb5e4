/**
 * `quotaflow status --tenant <id> [--json]`: is the tenant healthy, against its running `npm start` or its deployed
 * stack, through the same SDK calls (status-sources.ts reads the stack's queues and alarms; only SES's account is
 * read on AWS alone). Last delivery per provider and its age, each DLQ's depth, alarms in ALARM, pending effects,
 * each fixed schedule's next fire and last run, pending one-time schedules, holiday-calendar coverage, missing
 * secrets, and what should have happened and did not (the watchdog's checks, made afresh, and its last stored
 * report). Exit 1 when unhealthy.
 */
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import type { TenantConfig } from '../../shared/config/tenant';
import { nextFireTime, parseScheduleExpression } from '../../shared/schedules/expression';
import { keys, TABLE } from '../../shared/store/table-design';
import { WatchRepository } from '../../shared/store/watch';
import { checkTenant, tableSources } from '../../shared/watchdog/check';
import { watchPlan } from '../../shared/watchdog/plan';
import { calendarCoverages, calendarWarnings, tenantBusinessCalendar } from '../tenants';
import { pendingOneTimeSchedules } from './aws-operations';
import { tenantForCli, UsageError } from './common';
import { type Alarm, awsClients, type StatusSources, stackSources } from './status-sources';
import { pad } from './table';
import {
  resolveTenantTarget,
  type TargetOptions,
  type TenantTarget,
  withTargetOptions,
} from './tenant-target';
import { cliRoot } from './wiring/root';

/** The secrets each CRM needs before anything works (shared/config/secrets.ts). */
const REQUIRED_SECRETS: Record<TenantConfig['crm']['provider'], string[]> = {
  generic: ['genericWebhookSigningSecret', 'unsubscribeSigningSecret'],
  zoho: [
    'genericWebhookSigningSecret',
    'unsubscribeSigningSecret',
    'zohoClientId',
    'zohoClientSecret',
    'zohoRefreshToken',
    'zohoChannelToken',
  ],
  fxiaoke: [
    'genericWebhookSigningSecret',
    'unsubscribeSigningSecret',
    'fxiaokeAppId',
    'fxiaokeAppSecret',
    'fxiaokePermanentCode',
    'fxiaokeCallbackAesKey',
  ],
};

export interface TenantStatus {
  tenant: string;
  /** "npm start at http://127.0.0.1:3000" or "stack Quotaflow-acme (eu-central-1)". */
  where: string;
  now: string;
  healthy: boolean;
  problems: string[];
  deliveries: { provider: string; last: string; ageMinutes: number }[];
  dlq: { name: string; depth: number }[];
  alarms: Alarm[];
  effects: { pending: number };
  schedules: { name: string; next: string | null; lastRun: string | null }[];
  oneTimeSchedules: number;
  calendars: { name: string; coversUntil: string | null; short: boolean }[];
  missingSecrets: string[];
  /** What did not happen that should have (shared/watchdog): the watchdog's checks, made now. */
  absence: string[];
  /** The watchdog's last stored check, what the alarms saw (null: it has not run yet). */
  watchdog: { lastCheck: string | null; findings: string[] };
  /** The SES account in the stack's region (null against npm start, whose stand-in has none). */
  mail: { sandbox: boolean; sendingEnabled: boolean; sentLast24Hours: number; max24HourSend: number } | null;
}

/** The clients status reads the target with (tests hand in their own). */
export interface StatusClients {
  doc: DynamoDBDocumentClient;
  secrets: SecretsManagerClient;
  scheduler: SchedulerClient;
  sesv2: SESv2Client;
}

/** SES GetAccount in the stack's region: sandbox, paused sending, the day's quota. */
const sesAccount = async (ses: SESv2Client): Promise<TenantStatus['mail']> => {
  const a = await ses.send(new GetAccountCommand({}));
  return {
    sandbox: a.ProductionAccessEnabled !== true,
    sendingEnabled: a.SendingEnabled === true,
    sentLast24Hours: a.SendQuota?.SentLast24Hours ?? 0,
    max24HourSend: a.SendQuota?.Max24HourSend ?? 0,
  };
};

const pendingEffects = async (doc: DynamoDBDocumentClient, table: string): Promise<number> => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: TABLE.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': keys.pendingEffects },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};

const nextOf = (expression: string, timeZone: string, now: Date, lastRun: string | undefined) =>
  nextFireTime(parseScheduleExpression(expression), {
    timeZone,
    after: now,
    startAnchor: lastRun ? new Date(lastRun) : now,
  })?.toISOString() ?? null;

export const collectStatus = async (
  tenant: TenantConfig,
  target: TenantTarget,
  sources: StatusSources,
  c: StatusClients,
): Promise<TenantStatus> => {
  const now = await sources.now();
  const table = target.tableName;
  const watch = new WatchRepository(c.doc, table);
  const plan = watchPlan(tenant);
  const shortWarnings = calendarWarnings(tenant, now);
  const short = new Set(shortWarnings.map((w) => w.calendar));
  const calendars = calendarCoverages(tenant, now).map((x) => ({ ...x, short: short.has(x.name) }));

  const [fresh, report, delivered, runs, pending, dlq, nextFires] = await Promise.all([
    checkTenant(tenant, now, {
      ...tableSources(c.doc, table, watch),
      calendar: tenantBusinessCalendar(tenant, now),
      calendarsShort: shortWarnings.map((w) => ({ name: w.calendar, coversUntil: w.coveredThrough })),
    }),
    watch.report(),
    watch.lastDeliveries(),
    watch.lastRuns(),
    pendingEffects(c.doc, table),
    sources.deadLetters(),
    sources.nextFires(),
  ]);
  // npm start's SES stand-in has no account to tell of.
  const mail = target.where === 'aws' ? await sesAccount(c.sesv2) : null;
  const alarms = await sources.alarms();
  const oneTimeSchedules = target.scheduleGroupName
    ? await pendingOneTimeSchedules(
        c.scheduler,
        target.scheduleGroupName,
        target.where === 'aws' ? plan.schedules.length : 0,
      )
    : 0;

  const deliveries = delivered.map((d) => ({
    provider: d.provider,
    last: d.lastAt,
    ageMinutes: Math.round((now.getTime() - Date.parse(d.lastAt)) / 60_000),
  }));
  const schedules = plan.schedules.map((s) => {
    const lastRun = runs.find((r) => r.schedule === s.name)?.at;
    return {
      name: s.name,
      next: nextFires ? (nextFires[s.name] ?? null) : nextOf(s.expression, tenant.timeZone, now, lastRun),
      lastRun: lastRun ?? null,
    };
  });

  const value = await c.secrets.send(new GetSecretValueCommand({ SecretId: target.secretId }));
  const stored = JSON.parse(value.SecretString ?? '{}') as Record<string, unknown>;
  const missingSecrets = REQUIRED_SECRETS[tenant.crm.provider].filter((k) => !stored[k]);

  // Calendar coverage is part of the absence findings (the watchdog alarms on it).
  const problems = [
    ...dlq.filter((q) => q.depth > 0).map((q) => `${q.depth} dead letter(s) in ${q.name}`),
    ...missingSecrets.map((k) => `secret ${k} is missing`),
    ...(mail && !mail.sendingEnabled ? ['SES sending is paused for the account (see the SES console)'] : []),
    ...(mail?.sandbox
      ? ['SES account is in the sandbox: mail reaches only verified addresses (request production access)']
      : []),
    ...fresh.findings,
    ...alarms.map((a) => `alarm ${a.name} is in ALARM${a.reason ? `: ${a.reason}` : ''}`),
  ];
  return {
    tenant: tenant.id,
    where: target.label,
    now: now.toISOString(),
    healthy: problems.length === 0,
    problems,
    deliveries,
    dlq,
    alarms,
    effects: { pending },
    schedules,
    oneTimeSchedules,
    calendars,
    missingSecrets,
    absence: fresh.findings,
    watchdog: { lastCheck: report?.at ?? null, findings: report?.findings ?? [] },
    mail,
  };
};

/** Status of the tenant wherever it is found (tenant-target.ts), with the clients that reach it. */
export const tenantStatus = async (tenant: TenantConfig, opts: TargetOptions): Promise<TenantStatus> => {
  const target = await resolveTenantTarget(tenant, opts);
  if (target.where === 'environment')
    throw new UsageError(
      'status needs a running npm start (runtime.json or --url) or the deployed stack, not stand-ins named by hand',
    );
  const root = cliRoot(target);
  const sources = stackSources(target, awsClients(target, root));
  const clients: StatusClients = {
    doc: root.doc(),
    secrets: root.secretsClient(),
    scheduler: root.scheduler(),
    sesv2: root.sesv2(),
  };
  try {
    return await collectStatus(tenant, target, sources, clients);
  } finally {
    // Every client, the stack sources' included, is the root's to release.
    root.destroy();
  }
};

export const formatStatus = (s: TenantStatus): string[] => [
  `tenant ${s.tenant}  ${s.healthy ? 'HEALTHY' : 'UNHEALTHY'}  (${s.where}, as of ${s.now})`,
  ...s.problems.map((p) => `  ! ${p}`),
  'deliveries',
  ...(s.deliveries.length
    ? s.deliveries.map((d) => `  ${pad(d.provider, 10)} last ${d.last}  (${d.ageMinutes} min ago)`)
    : ['  none yet']),
  `dead letters  ${
    s.dlq.some((q) => q.depth > 0)
      ? s.dlq
          .filter((q) => q.depth > 0)
          .map((q) => `${q.name} ${q.depth}`)
          .join(', ')
      : `none (${s.dlq.length} DLQs empty)`
  }`,
  `alarms        ${s.alarms.length ? s.alarms.map((a) => `${a.name}: ${a.state}`).join(', ') : 'none in ALARM'}`,
  `effects       ${s.effects.pending} pending`,
  `schedules     ${s.oneTimeSchedules} one-time pending`,
  ...s.schedules.map((x) => `  ${pad(x.name, 20)} next ${x.next ?? '-'}  last run ${x.lastRun ?? 'never'}`),
  'calendars',
  ...(s.calendars.length
    ? s.calendars.map(
        (c) =>
          `  ${pad(c.name, 10)} covers until ${c.coversUntil ?? '(rules, no end)'}${c.short ? '  SHORT' : ''}`,
      )
    : ['  none']),
  `secrets       ${s.missingSecrets.length ? `missing ${s.missingSecrets.join(', ')}` : 'complete'}`,
  `absence       ${s.absence.length ? s.absence.join('; ') : 'nothing missing (deliveries, schedules, channels, reconcile, calendars)'}`,
  `watchdog      ${s.watchdog.lastCheck ? `last check ${s.watchdog.lastCheck}` : 'has not checked yet'}`,
  `mail (SES)    ${
    s.mail
      ? `${s.mail.sandbox ? 'sandbox' : 'production'}, sending ${s.mail.sendingEnabled ? 'enabled' : 'PAUSED'}, ${s.mail.sentLast24Hours} of ${s.mail.max24HourSend} sent in 24 h`
      : 'not reported here (npm start)'
  }`,
];

export const registerStatus = (program: Command): void => {
  const cmd = program
    .command('status')
    .description(
      "a tenant's health (npm start or the deployed stack): deliveries, DLQs, alarms, effects, schedules, calendars, secrets, absences",
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print JSON (healthy, deliveries, dlq, alarms, schedules, calendars, ...)');
  withTargetOptions(cmd)
    .addHelpText(
      'after',
      '\nExit codes: 0 healthy, 1 unhealthy, 2 bad arguments or no tenant found.\nExamples:\n  npm run quotaflow -- status --tenant acme\n  npm run quotaflow -- status --tenant acme --aws --json',
    )
    .action(async (opts: { tenant: string; json?: boolean } & TargetOptions) => {
      try {
        const status = await tenantStatus(tenantForCli(opts.tenant), opts);
        console.log(opts.json ? JSON.stringify(status, null, 2) : formatStatus(status).join('\n'));
        process.exitCode = status.healthy ? 0 : 1;
      } catch (err) {
        console.error((err as Error).message);
        process.exitCode = err instanceof UsageError ? 2 : 1;
      }
    });
};
