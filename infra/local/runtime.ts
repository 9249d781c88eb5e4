/**
 * The embedded runtime behind `npm start`: the whole tenant on one machine, on local stand-ins that speak the AWS
 * wire protocols, so the production adapters (SDK v3 clients) run unchanged, pointed here by endpoint settings.
 *
 *   DynamoDB       dynalite, in-process (on disk under the data folder, or in memory)
 *   SES            aws-ses-v2-local, in-process; captured mail at /_local/emails and /_local/mailbox
 *   EventBridge    the local bus (manifest patterns, retries, DLQ)
 *   Scheduler      the local scheduler (manifest schedules in the tenant's zone + one-time at() schedules)
 *   Secrets        the tenant's dev-only secret file served as Secrets Manager
 *   SQS            the stack's dead-letter queues (failed deliveries of rules, schedules and async functions)
 *   CloudWatch     the functions' metrics (their EMF lines) and the stack's DLQ and absence alarms
 *   Lambda, CloudFormation   Invoke and ListStackResources, for the admin CLI's redrive and queue lookup
 */

import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { configurationSetName } from '../../events/ses-feedback';
import { functionsFor, oneTimeTarget } from '../../functions/manifest';
import { useClock } from '../../functions/wiring/clock';
import { localDocumentEnv } from '../../functions/wiring/documents';
import { ENV, type EnvName, environmentFor } from '../../functions/wiring/env-names';
import { sealedTenantEnv } from '../../functions/wiring/tenant-seal';
import { ZohoChannelRepository } from '../../shared/store/zoho-channels';
import { shippedDocument } from '../documents';
import { eventRulesFor } from '../event-rules';
import { loadTenant } from '../tenants';
import { startAdminStandIns } from './admin-stand-ins';
import { LocalEventBus } from './aws/event-bus';
import { startAwsStandIns } from './aws/router';
import { LocalScheduler } from './aws/scheduler';
import { LocalSecretsManager } from './aws/secrets-manager';
import { LocalChat } from './chat';
import { LocalClock } from './clock';
import { requestLine } from './console-log';
import { startCrmSimulation } from './crm-simulators';
import { AsyncPool, InFlight, RETRY_LATER_AFTER_MS } from './delivery';
import { devSecretsFor } from './dev-secrets';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamo } from './dynamodb';
import { FunctionWorkers } from './function-workers';
import { LocalFunctions, prepareConcurrentInvocations } from './functions';
import { portOf, startGateway } from './gateway';
import { LocalMail } from './mail';
import { localEndpoints, localResources } from './names';
import { lockDataFolder } from './persistence/lock';
import { writeFileAtomic } from './persistence/state-file';
import type { LocalRuntime, LocalRuntimeOptions, LocalRuntimeServices } from './runtime-types';
import { localFunctionName } from './stack';

export type { LocalRuntime, LocalRuntimeOptions, LocalRuntimeServices };

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** In the data folder while the runtime runs: {tenant, url, pid, endpoints}. */
export const RUNTIME_STATE_FILE = 'runtime.json';

/** The ARN prefix of the local functions: their names are the stack's (infra/local/stack.ts). */
const functionArnPrefix = (tenantId: string) =>
  `arn:aws:lambda:us-east-1:000000000000:function:${localFunctionName(tenantId, '')}`;

const cpuMsOfProcess = (): number => {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
};

export const startLocalRuntime = async (opts: LocalRuntimeOptions): Promise<LocalRuntime> => {
  await prepareConcurrentInvocations();
  const configured = loadTenant(opts.tenantFile);
  const devSecrets = devSecretsFor(opts.tenantFile, configured.id);
  // A tenant on Zoho or Fxiaoke runs against that CRM's simulator unless told to use the real service.
  // One clock for everything, the simulated CRM included: when the clock moves, tokens and channels age alike.
  const dataDir = opts.inMemory
    ? undefined
    : resolve(opts.dataDir ?? join(REPO_ROOT, '.local', configured.id));
  if (dataDir) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const unlock = dataDir ? lockDataFolder(dataDir) : () => undefined;
  const inData = (file: string) => (dataDir ? { file: join(dataDir, file) } : {});
  const clock = new LocalClock({ ...(opts.clock ? { start: opts.clock } : {}), ...inData('clock.json') });
  const crm = opts.realCrm ? undefined : await startCrmSimulation(configured, () => clock.now().getTime());
  const tenant = crm?.tenant ?? configured;
  const secretValue = JSON.stringify({ ...devSecrets, ...crm?.secrets });
  const logLevel = opts.logLevel ?? 'INFO';
  const log = (msg: string, extra: Record<string, unknown> = {}) => {
    if (logLevel !== 'SILENT' && logLevel !== 'ERROR') {
      process.stdout.write(
        `${JSON.stringify({ level: 'INFO', service: 'quotaflow-local', message: msg, ...extra })}\n`,
      );
    }
  };
  const retry = opts.retry ?? { maxAttempts: 3, backoffMs: 200 };

  // Stand-ins first: everything below talks to them.
  const {
    tableName,
    eventBusName: busName,
    secretId,
    scheduleGroupName: scheduleGroup,
  } = localResources(tenant.id);
  const dynamo = await startDynamo({
    tableName,
    separateProcess: true,
    ...(dataDir ? { path: join(dataDir, 'dynamodb') } : {}),
  });
  const dynamoEndpoint = dynamo.endpoint;
  const mail = await LocalMail.start({ now: () => clock.now(), ...inData('mail.jsonl') });

  useClock(clock);
  const inFlight = new InFlight();
  const functions = new LocalFunctions(REPO_ROOT, functionArnPrefix(tenant.id));
  const admin = startAdminStandIns({
    tenant,
    now: () => clock.now(),
    ...(dataDir ? { dataDir } : {}),
    printMetrics: opts.metrics !== false,
    functionArn: (id) => functions.arnOf(id),
    log,
  });
  const { stack, sqs, cloudWatch, dlq } = admin;
  // Asynchronous invocations (bus rules, schedules) go to the function workers once one has loaded the functions.
  const workers = new FunctionWorkers(opts.workers ?? 0, functions);
  const invokeAsync = workers.invoke;
  const bus = new LocalEventBus(busName, {
    invoke: invokeAsync,
    now: () => clock.now(),
    dlq,
    inFlight,
    pool: new AsyncPool(workers.concurrency(opts.asyncConcurrency)),
    retry,
    log,
    ...(dataDir ? { outboxFile: join(dataDir, 'outbox.jsonl') } : {}),
    retryLater: (target, event, origin) =>
      scheduler.retryLater(
        `${origin}:${event.id}`,
        new Date(clock.now().getTime() + RETRY_LATER_AFTER_MS),
        functions.arnOf(target),
        event,
      ),
  });
  // SES publishes bounces and complaints to EventBridge; locally they go straight onto the one bus.
  mail.connectFeedback({
    configurationSet: configurationSetName(tenant.id),
    now: () => clock.now(),
    publish: async (entry) => {
      const out = (await bus.handle('PutEvents', { Entries: [entry] })) as {
        Entries: { ErrorMessage?: string }[];
      };
      const error = out.Entries[0]?.ErrorMessage;
      if (error) throw new Error(`the local bus refused the SES event: ${error}`);
    },
  });
  const scheduler = new LocalScheduler({
    timeZone: tenant.timeZone,
    groupName: scheduleGroup,
    functionForArn: (arn) => functions.idForArn(arn),
    invoke: invokeAsync,
    clock,
    settled: () => inFlight.idle(),
    dlq,
    retry,
    ...(dataDir ? { file: join(dataDir, 'schedules.json') } : {}),
    log,
  });
  const secrets = new LocalSecretsManager();
  secrets.put(secretId, secretValue);
  const standIns = await startAwsStandIns({
    bus,
    scheduler,
    secrets,
    admin: {
      sqs,
      cloudWatch,
      stack,
      invoke: (id, event) => functions.invoke(id, event),
      startedAt: clock.now(),
    },
  });
  sqs.listen(standIns.endpoint);

  // What every function shares, as in one AWS account and region: the SDK reads the endpoints of the stand-ins.
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SESV2: mail.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: standIns.endpoint,
    AWS_ENDPOINT_URL_SCHEDULER: standIns.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: standIns.endpoint,
    POWERTOOLS_SERVICE_NAME: 'quotaflow',
    POWERTOOLS_LOG_LEVEL: logLevel,
    // Always emitted: the metrics tap feeds them to the local CloudWatch (and keeps them off the console if asked).
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  // What the tenant's resources are called here. Each function gets only the variables of its manifest access
  // rights and documents (env-names.ts), as the CDK stack gives them: a missing right fails here as on AWS.
  const resources: Partial<Record<EnvName, string>> = {
    // The validated config and its digest, as the stack gives them: functions take it without validating it again.
    ...sealedTenantEnv(tenant),
    [ENV.tableName]: tableName,
    [ENV.eventBusName]: busName,
    [ENV.secretId]: secretId,
    [ENV.sesConfigurationSet]: `quotaflow-${tenant.id}`,
    [ENV.scheduleGroupName]: scheduleGroup,
    [ENV.scheduleTargetArn]: functions.arnOf(oneTimeTarget().id),
    [ENV.scheduleRoleArn]: `arn:aws:iam::000000000000:role/quotaflow-${tenant.id}-scheduler`,
    // The documents a deployed function gets: date-holidays calendars resolved from the clock's year, validated
    // (a problem stops the start with the file, path and reason, as the synth would), with their digests.
    ...localDocumentEnv(tenant.id, (kind, file) =>
      shippedDocument(kind, file, clock.now().getUTCFullYear(), tenant.id),
    ),
  };

  const manifest = functionsFor(tenant);
  const routes = [];
  for (const fn of manifest) {
    for (const rule of eventRulesFor(fn, tenant.id))
      bus.addRule({ name: `${fn.id}-rule`, pattern: rule.pattern, target: fn.id });
    for (const t of fn.triggers) {
      if (t.kind === 'http') routes.push({ method: t.method, path: t.path, fn });
      if (t.kind === 'schedule') {
        const settings = tenant.schedules[t.name];
        if (settings?.enabled === false) continue;
        scheduler.addFixed({
          name: t.name,
          expression: settings?.expression ?? t.defaultExpression,
          target: fn.id,
        });
      }
    }
  }

  const services: LocalRuntimeServices = {
    tenant,
    crm,
    clock,
    mail,
    chat: new LocalChat(() => clock.now(), inData('chat.jsonl').file),
    scheduler,
    functions,
    dlq,
    sqs,
    cloudWatch,
    stack,
    ready: false,
    log,
    logRequest: (method, path, status, ms) => {
      if (opts.logFormat === 'text' && logLevel !== 'SILENT' && logLevel !== 'ERROR')
        process.stdout.write(`${requestLine(method, path, status, ms)}\n`);
    },
    advanceClock: async (to) => {
      await inFlight.idle();
      return scheduler.advanceTo(to);
    },
    status: () => ({
      tenant: tenant.id,
      now: clock.now().toISOString(),
      inFlight: inFlight.size,
      ready: services.ready,
      eventsPublished: bus.published,
      eventsRedelivered: bus.redelivered,
      schedulesFired: scheduler.fired,
      invocations: functions.invocations + workers.invocations,
      workers: workers.size,
      // The runtime's process, its function workers included (DynamoDB runs in a process of its own).
      rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20),
      // CPU time in ms so far: the runtime's process (its workers included) and dynalite's (sampled each second).
      cpuMs: { runtime: cpuMsOfProcess(), database: dynamo.cpuMs?.() },
      emails: mail.count(),
      chatMessages: services.chat.size(),
      deadLetters: sqs.all().length,
      dataDir: dataDir ?? 'in memory',
      // For tools run beside the runtime (e.g. `quotaflow import`), which reach the stand-ins through the same
      // AWS_ENDPOINT_URL_<SERVICE> settings the functions use.
      endpoints: localEndpoints(
        { dynamodb: dynamoEndpoint, sesv2: mail.endpoint, standIns: standIns.endpoint },
        { stackName: stack.name, tableName, eventBusName: busName },
      ),
    }),
  };
  const gateway = await startGateway(services, routes, opts.port ?? 3000);
  const url = `http://127.0.0.1:${portOf(gateway)}`;
  // How the admin CLI (`quotaflow status`, `quotaflow dlq`) finds this runtime: removed again at stop.
  const stateFile = dataDir ? join(dataDir, RUNTIME_STATE_FILE) : undefined;
  if (stateFile)
    writeFileAtomic(
      stateFile,
      JSON.stringify({ tenant: tenant.id, url, pid: process.pid, endpoints: services.status().endpoints }),
    );
  // Unsubscribe links in mail point at this gateway. Handlers read their settings once, as they load: so the
  // gateway (whose port may be chosen by the OS) starts first.
  resources[ENV.publicBaseUrl] = url;
  // Chat webhook posts (Feishu, DingTalk, WeCom, Slack) go to the local chat stand-in, never to the provider.
  resources[ENV.chatEndpointOverride] = `${url}/_local/chat`;
  const envOf = (spec: (typeof manifest)[number]) => environmentFor(spec, resources);
  // The main thread keeps the functions too: the gateway's HTTP routes and DLQ redrives run there, and so do
  // deliveries until a worker has loaded them (below).
  await functions.load(manifest, envOf);
  await crm?.connect(
    url,
    new ZohoChannelRepository(
      DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: dynamoEndpoint,
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
        }),
      ),
      tableName,
    ),
  );
  // Deliveries the bus had accepted before a crash, then schedules that came due while the runtime was down.
  bus.redeliverPending();
  services.ready = true;
  // Started once the runtime is ready, so that their loading delays neither the start nor the first deliveries.
  workers.start({
    root: REPO_ROOT,
    arnPrefix: functions.arnOf(''),
    specs: manifest,
    envs: Object.fromEntries(manifest.map((spec) => [spec.id, envOf(spec)])),
    clock: clock.shared,
    logFormat: opts.logFormat,
  });
  let ticks = 0;
  const ticker = setInterval(() => {
    void scheduler.advanceTo(clock.now());
    if (++ticks % 5 === 0) clock.save();
  }, 1000);
  ticker.unref();

  return {
    ...services,
    url,
    dataDir,
    idle: () => inFlight.idle(),
    stop: async () => {
      clearInterval(ticker);
      if (stateFile) rmSync(stateFile, { force: true });
      await new Promise((r) => gateway.close(r));
      gateway.closeAllConnections();
      await workers.stop();
      await new Promise((r) => standIns.server.close(r));
      standIns.server.closeAllConnections();
      await mail.stop();
      await dynamo.stop();
      await crm?.stop();
      bus.close();
      admin.close();
      services.chat.close();
      clock.save();
      unlock();
    },
  };
};
