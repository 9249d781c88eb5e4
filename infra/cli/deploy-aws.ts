/**
 * The real ports of deploy and destroy (deploy.ts): one AWS call each, the SDK's own credentials, the tenant's
 * region; `cdk` spawns the installed aws-cdk CLI (`npx cdk`) with its output on stderr. `clientSettings` lets tests
 * point every client at local stand-ins.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { stackName } from '../tenants';
import type { DeployPorts } from './deploy';
import {
  type ClientSettings,
  describeStackOutputs,
  OUTPUTS_DIR,
  outputsFile,
  writeCachedOutputs,
} from './tenant-target';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface AwsPortOptions {
  /** Settings added to every client (tests: a stand-in's endpoint and local credentials). */
  clientSettings?: (
    service: 'cloudformation' | 'sesv2' | 'secretsmanager' | 'dynamodb' | 'scheduler' | 'sts',
  ) => ClientSettings;
  outputsDir?: string;
  /** Overrides the cdk CLI (tests). */
  cdk?: DeployPorts['cdk'];
  confirm?: DeployPorts['confirm'];
}

const using = async <C extends { destroy(): void }, T>(client: C, use: (c: C) => Promise<T>): Promise<T> => {
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
};

const notFound = (err: unknown) => (err as { name?: string }).name === 'NotFoundException';

/** Runs `npx cdk …` in the repository, its output on our stderr so stdout stays the command's result. */
export const spawnCdk = (args: string[]): Promise<number> =>
  new Promise((done) => {
    const child = spawn('npx', ['cdk', ...args], { cwd: REPO_ROOT, stdio: ['inherit', 2, 2] });
    child.on('error', () => done(127));
    child.on('close', (code) => done(code ?? 1));
  });

/** A yes/no question on the terminal; without one (CI, a pipe) the answer is no: pass --yes there. */
export const askOnTerminal = async (question: string): Promise<boolean> => {
  if (!process.stdin.isTTY) {
    process.stderr.write(`${question} (no terminal to ask on: pass --yes)\n`);
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
};

export const awsDeployPorts = (opts: AwsPortOptions = {}): DeployPorts => {
  const settings = (
    service: Parameters<NonNullable<AwsPortOptions['clientSettings']>>[0],
    region: string,
  ) => ({
    region,
    ...(opts.clientSettings?.(service) ?? {}),
  });
  const dir = opts.outputsDir ?? OUTPUTS_DIR;
  return {
    credentialsAccount: (region) =>
      using(new STSClient(settings('sts', region)), async (c) => {
        const r = await c.send(new GetCallerIdentityCommand({}));
        return r.Account;
      }),
    bootstrapStack: (region) =>
      using(new CloudFormationClient(settings('cloudformation', region)), async (c) => {
        const stack = await describeStackOutputs(c, 'CDKToolkit', region);
        return stack
          ? { status: stack.status, ...(stack.account ? { account: stack.account } : {}) }
          : undefined;
      }),
    senderIdentity: (region, sender) =>
      using(new SESv2Client(settings('sesv2', region)), async (c) => {
        const domain = sender.split('@')[1] ?? sender;
        for (const identity of [sender, domain]) {
          try {
            const r = await c.send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
            return {
              identity,
              verified: r.VerifiedForSendingStatus === true,
              dkim: r.DkimAttributes?.Status ?? 'NOT_STARTED',
            };
          } catch (err) {
            if (!notFound(err)) throw err;
          }
        }
        return undefined;
      }),
    sesAccount: (region) =>
      using(new SESv2Client(settings('sesv2', region)), async (c) => {
        const r = await c.send(new GetAccountCommand({}));
        return {
          productionAccess: r.ProductionAccessEnabled === true,
          sendingEnabled: r.SendingEnabled === true,
        };
      }),
    cdk: opts.cdk ?? spawnCdk,
    confirm: opts.confirm ?? askOnTerminal,
    stackOutputs: async (tenant) => {
      const region = tenant.aws.region as string;
      const found = await using(new CloudFormationClient(settings('cloudformation', region)), (c) =>
        describeStackOutputs(c, stackName(tenant.id), region),
      );
      if (found) writeCachedOutputs(tenant.id, found, dir);
      return found;
    },
    forgetOutputs: (tenantId) => rmSync(outputsFile(tenantId, dir), { force: true }),
    readSecret: (region, secretId) =>
      using(new SecretsManagerClient(settings('secretsmanager', region)), async (c) => {
        const r = await c.send(new GetSecretValueCommand({ SecretId: secretId }));
        try {
          return JSON.parse(r.SecretString ?? '{}') as Record<string, unknown>;
        } catch {
          // JSON.parse's message quotes the input: a secret never reaches the terminal.
          throw new Error(`secret ${secretId} is not valid JSON`);
        }
      }),
    writeSecret: (region, secretId, value) =>
      using(new SecretsManagerClient(settings('secretsmanager', region)), async (c) => {
        await c.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }));
      }),
    health: async (url) => (await fetch(url, { signal: AbortSignal.timeout(15_000) })).status,
    post: async (url, headers, body) =>
      (await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) })).status,
    deleteTable: (region, name) =>
      using(new DynamoDBClient(settings('dynamodb', region)), async (c) => {
        await c.send(new DeleteTableCommand({ TableName: name }));
      }),
    deleteSecret: (region, secretId) =>
      using(new SecretsManagerClient(settings('secretsmanager', region)), async (c) => {
        await c.send(new DeleteSecretCommand({ SecretId: secretId, RecoveryWindowInDays: 7 }));
      }),
    deleteScheduleGroup: (region, name) =>
      using(new SchedulerClient(settings('scheduler', region)), async (c) => {
        await c.send(new DeleteScheduleGroupCommand({ Name: name }));
      }),
  };
};
