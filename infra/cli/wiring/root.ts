/**
 * The CLI's composition root: from the tenant found (../tenant-target.ts: a running npm start, the deployed stack,
 * or stand-ins named by hand) it builds the SDK clients, the table client, the bus, the secrets, the mailer and the
 * clock (and, for `status` and `dlq`, the clients of the stack's queues, alarms and functions), each once and on first
 * use, and releases whatever it built in `destroy()`. Every command takes what it
 * needs from here and builds no client itself. The Lambda's root is functions/wiring/, the local runtime's
 * infra/local/; the names of the tenant's resources come from the target, which reads them where those roots put
 * them (the stack's outputs, npm start's runtime.json).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeBus } from '../../../shared/adapters/aws/eventbridge';
import { SecretsManagerSecrets } from '../../../shared/adapters/aws/secrets-manager';
import { SesMailer } from '../../../shared/adapters/aws/ses';
import type { TenantConfig } from '../../../shared/config/tenant';
import { localResources } from '../../local/names';
import { tenantForCli, UsageError } from '../common';
import { resolveTenantTarget, type TargetOptions, type TenantTarget, targetClock } from '../tenant-target';

/** The flags that override what the target says: `--table`, `--bus`, `--now`. */
export interface RootOptions {
  table?: string;
  bus?: string;
  now?: string;
}

export interface CliRoot {
  /** Where the tenant was found; none for commands that need no table (`workflows validate`, `--event-file`). */
  readonly target: TenantTarget | undefined;
  /** `--table`, else the target's table. */
  readonly tableName: string;
  /** `--bus`, else the target's event bus. */
  readonly busName: string;
  readonly secretId: string;
  /** The table of tenant `id`: this root's for its own tenant, npm start's name for another. */
  tableOf(id: string): string;
  doc(): DynamoDBDocumentClient;
  secretsClient(): SecretsManagerClient;
  secrets(): SecretsManagerSecrets;
  eventBridge(): EventBridgeClient;
  bus(): EventBridgeBus;
  scheduler(): SchedulerClient;
  sesv2(): SESv2Client;
  mailer(): SesMailer;
  /** What reaches the stack's own resources (its queues, alarms and functions): AWS, or npm start's stand-ins. */
  admin: {
    cloudFormation(): CloudFormationClient;
    sqs(): SQSClient;
    cloudWatch(): CloudWatchClient;
    lambda(): LambdaClient;
  };
  /** `--now`, else npm start's clock (which a demo may have moved), else this machine's. */
  clock(): Promise<() => Date>;
  /** npm start's chat stand-in, which takes chat posts instead of the provider (none on AWS). */
  readonly chatRedirect: string | undefined;
  /** Releases every client built. */
  destroy(): void;
}

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

/** The root over a target found (or none: the SDK's own settings and npm start's names). */
export const cliRoot = (target: TenantTarget | undefined, opts: RootOptions = {}): CliRoot => {
  const built: { destroy(): void }[] = [];
  /** Built on first use and released by destroy(). */
  const lazy = <T extends { destroy(): void }>(make: () => T): (() => T) =>
    once(() => {
      const client = make();
      built.push(client);
      return client;
    });
  const doc = lazy(() =>
    DynamoDBDocumentClient.from(new DynamoDBClient(target?.dynamodb ?? {}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );
  const secretsClient = lazy(() => new SecretsManagerClient(target?.secretsManager ?? {}));
  const eventBridge = lazy(() => new EventBridgeClient(target?.eventBridge ?? {}));
  const sesv2 = lazy(() => new SESv2Client(target?.sesv2 ?? target?.dynamodb ?? {}));
  const tableName = opts.table ?? target?.tableName ?? '';
  const busName = opts.bus ?? target?.eventBusName ?? '';
  const secretId = target?.secretId ?? '';
  const secrets = once(() => new SecretsManagerSecrets(secretsClient(), secretId));
  const bus = once(() => new EventBridgeBus(eventBridge(), busName));
  const mailer = once(() => new SesMailer(sesv2()));
  const admin = () => {
    if (!target?.admin)
      throw new UsageError(`${target?.label ?? 'no tenant'} does not serve the stack's resources`);
    return target.admin;
  };
  return {
    target,
    tableName,
    busName,
    secretId,
    tableOf: (id) => opts.table ?? (target?.tenant === id ? target.tableName : localResources(id).tableName),
    doc,
    secretsClient,
    secrets,
    eventBridge,
    bus,
    scheduler: lazy(() => new SchedulerClient(target?.scheduler ?? target?.eventBridge ?? {})),
    sesv2,
    mailer,
    admin: {
      cloudFormation: lazy(() => new CloudFormationClient(admin().cloudFormation)),
      sqs: lazy(() => new SQSClient(admin().sqs)),
      cloudWatch: lazy(() => new CloudWatchClient(admin().cloudWatch)),
      lambda: lazy(() => new LambdaClient(admin().lambda)),
    },
    clock: () => targetClock(target, opts.now),
    chatRedirect: target?.where === 'local' && target.apiUrl ? `${target.apiUrl}/_local/chat` : undefined,
    destroy: () => {
      for (const client of built.splice(0)) client.destroy();
    },
  };
};

/** The tenant of `--tenant`, validated, and the root over where it is found (`--local`, `--aws`, `--url`...). */
export const rootForCli = async (
  opts: { tenant: string } & TargetOptions & RootOptions,
): Promise<{ tenant: TenantConfig; root: CliRoot }> => {
  const tenant = tenantForCli(opts.tenant);
  return { tenant, root: cliRoot(await resolveTenantTarget(tenant, opts), opts) };
};
