/**
 * `npm start [-- --tenant <id>|tenants/<id>.json] [--port N] [--in-memory] [--data-dir DIR] [--clock <ISO-8601>]`:
 * runs one tenant locally.
 * `npm start` enters through start.ts, which checks the Node.js version before this file's imports load.
 */
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TenantConfigError } from '../../shared/config/tenant';
import { parseInstant } from '../cli/common';
import { calendarWarnings } from '../tenants';
import { useReadableConsole } from './console-log';
import { REPO_ROOT, startLocalRuntime } from './runtime';

const USAGE = `usage: npm start -- [--tenant <id> | tenants/<id>.json] [--port <n>] [--in-memory] [--data-dir <dir>]
                    [--clock <ISO-8601>] [--log-level <level>] [--log-format text|json] [--no-metrics] [--real-crm]
                    [--workers <n>]
  --tenant     tenant to run: an id (tenants/<id>.json) or a config file (default demo)
  --port       gateway port (default $PORT or 3000)
  --in-memory  keep nothing between runs (default: persist under .local/<tenant>)
  --data-dir   where to persist data (one runtime per folder)
  --clock      start the runtime's clock at this instant, e.g. 2026-11-27T09:00:00+08:00 (default: where the
               data folder's clock stopped, else the machine's time); it then runs on in real time
  --log-level  DEBUG, INFO (default), WARN, ERROR or SILENT
  --log-format text (default: a short readable line per request and per log entry) or json (the JSON lines
               Lambda writes to CloudWatch, metrics included)
  --no-metrics do not print Powertools metric (EMF) lines
  --real-crm   use the tenant's real Zoho/Fxiaoke endpoints instead of the built-in simulator
  --workers    worker threads that run event-bus and schedule deliveries off the gateway's thread, e.g.
               --workers 2 (default 0: everything on one thread)

example: npm start -- --tenant tenants/demo-zoho.json --clock 2026-11-27T09:00:00+08:00 --in-memory`;

const main = async () => {
  let args: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  const options = {
    tenant: { type: 'string' },
    port: { type: 'string' },
    'in-memory': { type: 'boolean' },
    'data-dir': { type: 'string' },
    'log-level': { type: 'string' },
    'no-metrics': { type: 'boolean' },
    'real-crm': { type: 'boolean' },
    clock: { type: 'string' },
    'log-format': { type: 'string' },
    workers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  try {
    args = parseArgs({ options, strict: true }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const portText = args.port ?? process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number 0-65535, got ${JSON.stringify(portText)}`);
    process.exit(2);
  }
  const logLevel = (args['log-level'] ?? 'INFO').toUpperCase();
  if (!['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'].includes(logLevel)) {
    console.error(
      `--log-level must be DEBUG, INFO, WARN, ERROR or SILENT, got ${JSON.stringify(args['log-level'])}`,
    );
    process.exit(2);
  }
  const clock = args.clock === undefined ? undefined : parseInstant(args.clock);
  if (args.clock !== undefined && !clock) {
    console.error(
      `--clock must be an ISO-8601 date-time with a zone, e.g. 2026-11-27T09:00:00+08:00, got ${JSON.stringify(args.clock)}`,
    );
    process.exit(2);
  }
  const logFormat = args['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') {
    console.error(`--log-format must be text or json, got ${JSON.stringify(logFormat)}`);
    process.exit(2);
  }
  const workersText = args.workers ?? '0';
  const workers = Number(workersText);
  if (!/^\d+$/.test(workersText) || workers > 16) {
    console.error(`--workers must be a whole number 0-16, got ${JSON.stringify(workersText)}`);
    process.exit(2);
  }
  if (logFormat === 'text') useReadableConsole();
  // `--tenant acme` is tenants/acme.json; a path (with a slash or .json) is taken as it is.
  const tenantArg = args.tenant ?? 'demo';
  const tenantFile = /[/\\]|\.json$/.test(tenantArg)
    ? resolve(tenantArg)
    : resolve(REPO_ROOT, 'tenants', `${tenantArg}.json`);
  const runtime = await startLocalRuntime({
    tenantFile,
    port,
    inMemory: args['in-memory'] ?? false,
    ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}),
    logLevel: logLevel as 'INFO',
    metrics: !args['no-metrics'],
    realCrm: args['real-crm'] ?? false,
    ...(clock ? { clock } : {}),
    logFormat,
    workers,
  });
  const banner = [
    '',
    `Quotaflow is running tenant "${runtime.tenant.id}" (${runtime.tenant.displayName}) in ${runtime.tenant.timeZone}`,
    `  API        ${runtime.url}   (GET /health, POST /webhooks/generic)`,
    `  mailbox    ${runtime.url}/_local/mailbox`,
    `  emails     ${runtime.url}/_local/emails`,
    `  chat       ${runtime.url}/_local/chat    (what workflows posted to Feishu/DingTalk/WeCom/Slack groups)`,
    `  clock      ${runtime.url}/_local/clock   (POST {"now": "<ISO-8601>"} to move it forward)`,
    `  schedules  ${runtime.url}/_local/schedules     dead letters ${runtime.url}/_local/dlq`,
    `  data       ${runtime.dataDir ?? 'in memory (nothing kept after exit)'}`,
    `  now        ${runtime.clock.now().toISOString()} (the runtime clock)`,
    ...(runtime.crm
      ? [
          `  CRM        ${runtime.crm.provider} simulator at ${runtime.crm.url}   (POST /_local/crm/change to change a record)`,
        ]
      : []),
    ...calendarWarnings(runtime.tenant, runtime.clock.now(), 60, resolve(dirname(tenantFile), '..')).map(
      (w) => `  warning    ${w.message}`,
    ),
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stderr.write(`${banner.join('\n')}\n`);
  const shutdown = async () => {
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
};

main().catch((err) => {
  if (err instanceof TenantConfigError) console.error(err.message);
  else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `the port is already in use; choose another with --port or PORT (${(err as Error).message})`,
    );
  } else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
