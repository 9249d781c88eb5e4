/**
 * Where a command finds a tenant by itself, from `--tenant <id>` alone: the running `npm start` for it (runtime.json
 * in `.local/<id>`, whose stand-ins' endpoints the SDK clients are then pointed at), or the deployed stack's outputs
 * (CloudFormation DescribeStacks on `Quotaflow-<id>` in the tenant's region), kept in the git-ignored
 * `.quotaflow/outputs/<id>.json` so only the first command (or `--refresh`) asks CloudFormation. Explicit flags
 * (`--table`, `--bus`) still win over what is found here.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Command } from 'commander';
import { ENV } from '../../functions/wiring/env-names';
import type { TenantConfig } from '../../shared/config/tenant';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localResources } from '../local/names';
import { stackName } from '../tenants';
import { clockOption, tenantForCli, UsageError } from './common';
import { findLocalRuntime, LOCAL_OPTIONS, runtimeClock } from './local-runtime';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const OUTPUTS_DIR = join(REPO_ROOT, '.quotaflow', 'outputs');

/** The local runtime's region and keys (infra/local/names.ts), without loading dynalite. */
const LOCAL_AWS = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

export interface ClientSettings {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface TenantTarget {
  tenant: string;
  /** `local`: a running npm start; `aws`: the deployed stack; `environment`: AWS_ENDPOINT_URL_* set by hand. */
  where: 'local' | 'aws' | 'environment';
  /** For messages: "npm start at http://127.0.0.1:3000" or "stack Quotaflow-acme (eu-central-1)". */
  label: string;
  tableName: string;
  secretId: string;
  eventBusName: string;
  apiUrl?: string;
  /** The stack's name: its alarms, queues and functions are found through it (npm start describes its own). */
  stackName?: string;
  /** Where pending one-time schedules are (both backends answer Scheduler's ListSchedules). */
  scheduleGroupName?: string;
  /** Settings for each SDK client the commands build. */
  dynamodb: ClientSettings;
  secretsManager: ClientSettings;
  eventBridge: ClientSettings;
  scheduler?: ClientSettings;
  /** Where mail goes: the runtime's SES stand-in, or SES in the stack's region. */
  sesv2?: ClientSettings;
  /** What `status` and `dlq` read the stack's queues, alarms and functions with: npm start's stand-ins or AWS. */
  admin?: {
    cloudFormation: ClientSettings;
    sqs: ClientSettings;
    cloudWatch: ClientSettings;
    lambda: ClientSettings;
  };
}

/** What a deployed stack tells about itself (infra/tenant-stack.ts outputs), as cached. */
export interface StackOutputs {
  stackName: string;
  region: string;
  /** From the stack's id (its ARN): the account it is deployed in. */
  account?: string;
  status: string;
  fetchedAt: string;
  outputs: Record<string, string>;
}

export interface TargetOptions {
  /** Only the running npm start (--local) or only the deployed stack (--aws); without either: npm start if it is
   * running, else stand-ins named by AWS_ENDPOINT_URL_DYNAMODB, else the deployed stack. */
  local?: boolean;
  aws?: boolean;
  refresh?: boolean;
  url?: string;
  dataDir?: string;
}

export interface TargetDeps {
  /** The CloudFormation client for a region (tests: one pointed at a local stand-in). */
  cloudFormation?: (region: string) => CloudFormationClient;
  outputsDir?: string;
  env?: Record<string, string | undefined>;
  now?: () => Date;
}

const REQUIRED_OUTPUTS = ['TableName', 'SecretArn', 'EventBusName', 'ApiUrl'] as const;

export const outputsFile = (tenantId: string, dir = OUTPUTS_DIR): string => join(dir, `${tenantId}.json`);

export const readCachedOutputs = (tenantId: string, dir = OUTPUTS_DIR): StackOutputs | undefined => {
  const file = outputsFile(tenantId, dir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackOutputs;
  } catch {
    return undefined;
  }
};

export const writeCachedOutputs = (tenantId: string, outputs: StackOutputs, dir = OUTPUTS_DIR): void => {
  const file = outputsFile(tenantId, dir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(outputs, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
};

const accountOf = (stackId: string | undefined) => stackId?.split(':')[4];

/** The stack's outputs from CloudFormation; undefined when the stack does not exist. */
export const describeStackOutputs = async (
  client: CloudFormationClient,
  name: string,
  region: string,
  now: () => Date = () => new Date(),
): Promise<StackOutputs | undefined> => {
  try {
    const res = await client.send(new DescribeStacksCommand({ StackName: name }));
    const stack = res.Stacks?.[0];
    if (!stack) return undefined;
    const account = accountOf(stack.StackId);
    return {
      stackName: name,
      region,
      ...(account ? { account } : {}),
      status: stack.StackStatus ?? 'UNKNOWN',
      fetchedAt: now().toISOString(),
      outputs: Object.fromEntries(
        (stack.Outputs ?? []).flatMap((o) =>
          o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
        ),
      ),
    };
  } catch (err) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
    const e = err as { name?: string; message?: string };
    if (e.name === 'ValidationError' && /does not exist/.test(e.message ?? '')) return undefined;
    throw err;
  }
};

const awsProblem = (err: unknown): string => {
  const e = err as { name?: string; message?: string };
  if (e.name === 'CredentialsProviderError')
    return 'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for the tenant account';
  return `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
};

/** The deployed stack's outputs: from the cache, or from CloudFormation (then cached). */
export const stackOutputs = async (
  tenant: TenantConfig,
  opts: { refresh?: boolean },
  deps: TargetDeps = {},
): Promise<StackOutputs> => {
  const dir = deps.outputsDir ?? OUTPUTS_DIR;
  const cached = opts.refresh ? undefined : readCachedOutputs(tenant.id, dir);
  if (cached) return cached;
  const region = tenant.aws.region;
  if (!tenant.deployable || !region)
    throw new UsageError(
      `tenant ${tenant.id} is not deployed to AWS (${tenant.deployable ? 'no aws.region' : 'local only'}): ` +
        `start it with \`npm start -- --tenant ${tenant.id}\``,
    );
  const name = stackName(tenant.id);
  const client = (deps.cloudFormation ?? ((r) => new CloudFormationClient({ region: r })))(region);
  let found: StackOutputs | undefined;
  try {
    found = await describeStackOutputs(client, name, region, deps.now);
  } catch (err) {
    throw new Error(`could not read stack ${name} in ${region}: ${awsProblem(err)}`);
  } finally {
    client.destroy();
  }
  if (!found)
    throw new UsageError(
      `stack ${name} does not exist in ${region}: deploy it with \`npm run quotaflow -- deploy --tenant ${tenant.id}\`, ` +
        `or start it locally with \`npm start -- --tenant ${tenant.id}\``,
    );
  const missing = REQUIRED_OUTPUTS.filter((k) => !found.outputs[k]);
  if (missing.length)
    throw new Error(
      `stack ${name} (${found.status}) lacks the outputs ${missing.join(', ')}: is it still being created? ` +
        'Deploy it again, then pass --refresh',
    );
  writeCachedOutputs(tenant.id, found, dir);
  return found;
};

const fromOutputs = (tenant: string, o: StackOutputs): TenantTarget => {
  const aws = { region: o.region };
  return {
    tenant,
    where: 'aws',
    label: `stack ${o.stackName} (${o.region})`,
    tableName: o.outputs.TableName ?? '',
    secretId: o.outputs.SecretArn ?? '',
    eventBusName: o.outputs.EventBusName ?? '',
    ...(o.outputs.ApiUrl ? { apiUrl: o.outputs.ApiUrl.replace(/\/$/, '') } : {}),
    stackName: o.stackName,
    ...(o.outputs.ScheduleGroupName ? { scheduleGroupName: o.outputs.ScheduleGroupName } : {}),
    scheduler: aws,
    dynamodb: aws,
    secretsManager: aws,
    eventBridge: aws,
    sesv2: aws,
    admin: { cloudFormation: aws, sqs: aws, cloudWatch: aws, lambda: aws },
  };
};

/** Finds the tenant: see the file's comment. A target that cannot be found is a UsageError naming the fix. */
export const resolveTenantTarget = async (
  tenant: TenantConfig,
  opts: TargetOptions = {},
  deps: TargetDeps = {},
): Promise<TenantTarget> => {
  if (opts.local && opts.aws) throw new UsageError('--local and --aws exclude each other');
  const only = opts.local ? 'local' : opts.aws ? 'aws' : undefined;
  const env = deps.env ?? process.env;
  if (only !== 'aws') {
    let local: ReturnType<typeof findLocalRuntime> | undefined;
    try {
      local = findLocalRuntime(tenant.id, opts);
    } catch (err) {
      if (only === 'local' || opts.url || opts.dataDir) throw err;
    }
    if (local && !local.endpoints) {
      // Named by --url: the runtime says where its stand-ins are.
      const res = await fetch(`${local.url}/_local/status`);
      const status = (await res.json()) as { endpoints?: Record<string, string> };
      if (status.endpoints) local = { ...local, endpoints: status.endpoints };
    }
    if (local?.endpoints) {
      const e = local.endpoints;
      const at = (endpoint: string | undefined) => ({ ...LOCAL_AWS, ...(endpoint ? { endpoint } : {}) });
      const names = localResources(tenant.id);
      return {
        tenant: tenant.id,
        where: 'local',
        label: `npm start at ${local.url}`,
        tableName: e[ENV.tableName] ?? names.tableName,
        secretId: names.secretId,
        eventBusName: e[ENV.eventBusName] ?? names.eventBusName,
        apiUrl: local.url,
        scheduleGroupName: names.scheduleGroupName,
        scheduler: at(e.AWS_ENDPOINT_URL_SCHEDULER ?? e.AWS_ENDPOINT_URL_EVENTBRIDGE),
        dynamodb: at(e.AWS_ENDPOINT_URL_DYNAMODB),
        secretsManager: at(e.AWS_ENDPOINT_URL_SECRETS_MANAGER),
        eventBridge: at(e.AWS_ENDPOINT_URL_EVENTBRIDGE),
        sesv2: at(e.AWS_ENDPOINT_URL_SESV2),
        ...(e.STACK_NAME && e.AWS_ENDPOINT_URL_SQS
          ? {
              stackName: e.STACK_NAME,
              admin: {
                cloudFormation: at(e.AWS_ENDPOINT_URL_CLOUDFORMATION),
                sqs: at(e.AWS_ENDPOINT_URL_SQS),
                cloudWatch: at(e.AWS_ENDPOINT_URL_CLOUDWATCH),
                lambda: at(e.AWS_ENDPOINT_URL_LAMBDA),
              },
            }
          : {}),
      };
    }
    // Stand-ins named by hand (an in-memory npm start writes no runtime.json): npm start's names, the SDK's settings.
    const { tableName, secretId, eventBusName } = localResources(tenant.id);
    if (only !== 'local' && env.AWS_ENDPOINT_URL_DYNAMODB)
      return {
        tenant: tenant.id,
        where: 'environment',
        label: `AWS_ENDPOINT_URL_DYNAMODB=${env.AWS_ENDPOINT_URL_DYNAMODB}`,
        tableName,
        secretId,
        eventBusName,
        dynamodb: {},
        secretsManager: {},
        eventBridge: {},
      };
    if (only === 'local' || !tenant.deployable)
      throw new UsageError(
        `no local runtime of tenant ${tenant.id} is running: start one with \`npm start -- --tenant ${tenant.id}\`` +
          (tenant.deployable ? '' : ' (this tenant is local only)'),
      );
  }
  return fromOutputs(tenant.id, await stackOutputs(tenant, opts, deps));
};

/** `--tenant <id>` (with --local/--aws/--refresh) as a command's options give it. */
export const targetForCli = (opts: { tenant: string } & TargetOptions): Promise<TenantTarget> =>
  resolveTenantTarget(tenantForCli(opts.tenant), opts);

/**
 * The instant a command acts at on the tenant found: `--now` when given; on a running npm start, its clock (which a
 * demo or test may have moved; GET /_local/clock, moving on in real time); elsewhere this machine's.
 */
export const targetClock = async (target: TenantTarget | undefined, now?: string): Promise<() => Date> =>
  clockOption(now) ??
  (target?.where === 'local' && target.apiUrl ? runtimeClock(target.apiUrl) : () => new Date());

/** The options every command that reaches a tenant's data takes. */
export const TARGET_OPTIONS = [
  ['--local', 'only the running npm start of the tenant (default: it if running, else the deployed stack)'],
  ['--aws', 'only the deployed stack, even while npm start runs'],
  ['--refresh', "read the stack's outputs from CloudFormation again instead of .quotaflow/outputs/<id>.json"],
] as const;

export const withTargetOptions = (cmd: Command): Command => {
  for (const [flag, text] of [...TARGET_OPTIONS, ...LOCAL_OPTIONS]) cmd.option(flag, text);
  return cmd.addHelpText('after', TARGET_HELP);
};

/** `--tenant <id>` and `--table` of a command reading the tenant's data (`documents`: the files it reads beside
 * tenants/<id>.json), with how the tenant is found. */
export const withTenantOptions = (cmd: Command, documents: string): Command =>
  withTargetOptions(
    cmd
      .requiredOption('--tenant <id>', `tenant id (tenants/<id>.json; ${documents})`)
      .option('--table <name>', "the tenant's DynamoDB table (default: the table of the tenant found)"),
  );

export const TARGET_HELP = [
  '',
  'The tenant is found by itself: its running `npm start` (in .local/<id>, or named by --data-dir or --url;',
  "goals, incentives, digest and workflows then act at the runtime's clock), otherwise its deployed stack",
  'Quotaflow-<id> (outputs cached in .quotaflow/outputs/<id>.json; --refresh reads them again; AWS credentials',
  'and region from the environment, e.g. AWS_PROFILE). --table and --bus override what is found.',
].join('\n');
