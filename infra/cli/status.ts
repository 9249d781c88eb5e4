/**
 * `quotaflow status --tenant <id> [--json]`: is the tenant healthy, against its running `npm start`. Last webhook
 * delivery per provider and its age, each DLQ's depth (and the alarm the stack raises on it), pending effects,
 * schedules (next fire of each fixed one, pending one-time ones), holiday-calendar coverage, missing secrets.
 * Exit 1 when unhealthy. On AWS (stack outputs, CloudWatch alarms, SQS depths) it is not available yet.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import type { TenantConfig } from '../../shared/config/tenant';
import { watchdog } from '../../shared/watchdog/absence';
import type { DeadLetter } from '../local/delivery';
import { calendarCoverages, calendarWarnings, tenantBusinessCalendar } from '../tenants';
import { tenantForCli, UsageError } from './common';
import { findLocalRuntime, LOCAL_OPTIONS, type LocalRuntimeRef, localRequest } from './local-runtime';
import { pad } from './table';

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
  now: string;
  healthy: boolean;
  problems: string[];
  deliveries: { provider: string; last: string; ageMinutes: number }[];
  dlq: { name: string; depth: number }[];
  alarms: { name: string; state: 'OK' | 'ALARM' }[];
  effects: { pending: number };
  schedules: { name: string; next: string | null; lastRun: string | null }[];
  oneTimeSchedules: number;
  calendars: { name: string; coversUntil: string | null; short: boolean }[];
  missingSecrets: string[];
  /** What did not happen that should have (shared/watchdog/absence.ts): the same checks the alarms make. */
  absence: string[];
}

/** Business hours without a CRM delivery before `status` (and the alarm) call it silence. */
export const SILENT_BUSINESS_HOURS = 4;

interface Local {
  now: string;
  endpoints: Record<string, string>;
}

const scanAll = async (doc: DynamoDBDocumentClient, table: string, type: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: '#t = :t',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':t': type },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

export const localStatus = async (tenant: TenantConfig, rt: LocalRuntimeRef): Promise<TenantStatus> => {
  const local = await localRequest<Local>(rt, '/_local/status');
  const now = new Date(local.now);
  const aws = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const e = local.endpoints;
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...aws, endpoint: e.AWS_ENDPOINT_URL_DYNAMODB }),
  );
  const table = e.TABLE_NAME ?? `quotaflow-${tenant.id}`;

  const last = new Map<string, string>();
  for (const r of await scanAll(doc, table, 'receipt')) {
    const provider = String(r.provider);
    const at = String(r.receivedAt);
    if (!last.has(provider) || (last.get(provider) ?? '') < at) last.set(provider, at);
  }
  const deliveries = [...last].map(([provider, at]) => ({
    provider,
    last: at,
    ageMinutes: Math.round((now.getTime() - Date.parse(at)) / 60_000),
  }));
  const channels = (await scanAll(doc, table, 'zohoChannels'))[0]?.channels as
    | Record<string, { expiresAt?: string }>
    | undefined;
  const absence = watchdog({
    now,
    timeZone: tenant.timeZone,
    calendar: tenantBusinessCalendar(tenant, now),
    silentBusinessHours: SILENT_BUSINESS_HOURS,
    deliveries: [
      {
        provider: tenant.crm.provider,
        ...(last.has(tenant.crm.provider) ? { lastAt: last.get(tenant.crm.provider) } : {}),
      },
    ],
    ...(channels
      ? {
          zohoChannels: Object.entries(channels).flatMap(([module, c]) =>
            c.expiresAt ? [{ module, expiresAt: c.expiresAt }] : [],
          ),
        }
      : {}),
    // A disabled reconcile never moves its watermark: nothing to alarm on then.
    ...(tenant.schedules.reconcile?.enabled === false
      ? {}
      : {
          watermarks: (await scanAll(doc, table, 'syncState')).flatMap((w) =>
            typeof w.watermark === 'string' ? [{ module: String(w.module), at: w.watermark }] : [],
          ),
        }),
  }).findings;
  const pending = (await scanAll(doc, table, 'effect')).filter((i) => i.status === 'pending').length;

  const letters = await localRequest<DeadLetter[]>(rt, '/_local/dlq');
  const depth = new Map<string, number>();
  for (const d of letters) depth.set(d.target, (depth.get(d.target) ?? 0) + 1);
  const dlq = [...depth].map(([name, n]) => ({ name, depth: n }));
  // The alarm the stack raises on each function's DLQ (infra/constructs/observability.ts), in the same terms.
  const alarms = dlq.map((q) => ({ name: `${q.name} dead letters`, state: 'ALARM' as const }));

  const snapshot = await localRequest<{ fixed: { name: string; next: string | null }[]; oneTime: unknown[] }>(
    rt,
    '/_local/schedules',
  );
  const schedules = snapshot.fixed.map((f) => ({ name: f.name, next: f.next, lastRun: null }));
  const short = new Set(calendarWarnings(tenant, now).map((w) => w.calendar));
  const calendars = calendarCoverages(tenant, now).map((c) => ({ ...c, short: short.has(c.name) }));

  const secrets = new SecretsManagerClient({ ...aws, endpoint: e.AWS_ENDPOINT_URL_SECRETS_MANAGER });
  const value = await secrets.send(new GetSecretValueCommand({ SecretId: `quotaflow/${tenant.id}/app` }));
  const stored = JSON.parse(value.SecretString ?? '{}') as Record<string, unknown>;
  const missingSecrets = REQUIRED_SECRETS[tenant.crm.provider].filter((k) => !stored[k]);

  const problems = [
    ...dlq.map((q) => `${q.depth} dead letter(s) in ${q.name}`),
    ...calendars
      .filter((c) => c.short)
      .map((c) => `calendar ${c.name} runs out of holiday data on ${c.coversUntil}`),
    ...missingSecrets.map((k) => `secret ${k} is missing`),
    ...absence,
  ];
  return {
    tenant: tenant.id,
    now: local.now,
    healthy: problems.length === 0,
    problems,
    deliveries,
    dlq,
    alarms,
    effects: { pending },
    schedules,
    oneTimeSchedules: snapshot.oneTime.length,
    calendars,
    missingSecrets,
    absence,
  };
};

export const formatStatus = (s: TenantStatus): string[] => [
  `tenant ${s.tenant}  ${s.healthy ? 'HEALTHY' : 'UNHEALTHY'}  (as of ${s.now})`,
  ...s.problems.map((p) => `  ! ${p}`),
  'deliveries',
  ...(s.deliveries.length
    ? s.deliveries.map((d) => `  ${pad(d.provider, 10)} last ${d.last}  (${d.ageMinutes} min ago)`)
    : ['  none yet']),
  `dead letters  ${s.dlq.length ? s.dlq.map((q) => `${q.name} ${q.depth}`).join(', ') : 'none'}`,
  `alarms        ${s.alarms.length ? s.alarms.map((a) => `${a.name}: ${a.state}`).join(', ') : 'none in ALARM'}`,
  `effects       ${s.effects.pending} pending`,
  `schedules     ${s.oneTimeSchedules} one-time pending`,
  ...s.schedules.map((x) => `  ${pad(x.name, 20)} next ${x.next ?? '-'}`),
  'calendars',
  ...(s.calendars.length
    ? s.calendars.map(
        (c) =>
          `  ${pad(c.name, 10)} covers until ${c.coversUntil ?? '(rules, no end)'}${c.short ? '  SHORT' : ''}`,
      )
    : ['  none']),
  `secrets       ${s.missingSecrets.length ? `missing ${s.missingSecrets.join(', ')}` : 'complete'}`,
  `absence       ${s.absence.length ? s.absence.join('; ') : 'nothing missing (deliveries, channels, reconcile)'}`,
];

export const registerStatus = (program: Command): void => {
  const cmd = program
    .command('status')
    .description(
      "a tenant's health (local runtime): deliveries, DLQs, alarms, effects, schedules, calendars, secrets",
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print JSON (healthy, deliveries, dlq, alarms, schedules, calendars, ...)');
  for (const [flag, text] of LOCAL_OPTIONS) cmd.option(flag, text);
  cmd
    .addHelpText(
      'after',
      '\nExit codes: 0 healthy, 1 unhealthy, 2 bad arguments or no runtime.\nExample:\n  npm run quotaflow -- status --tenant acme --json',
    )
    .action(async (opts: { tenant: string; json?: boolean; url?: string; dataDir?: string }) => {
      try {
        const tenant = tenantForCli(opts.tenant);
        const status = await localStatus(tenant, findLocalRuntime(opts.tenant, opts));
        console.log(opts.json ? JSON.stringify(status, null, 2) : formatStatus(status).join('\n'));
        if (!status.healthy) process.exitCode = 1;
      } catch (err) {
        console.error((err as Error).message);
        process.exitCode = err instanceof UsageError ? 2 : 1;
      }
    });
};
