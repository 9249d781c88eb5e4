/**
 * How a command finds a tenant from `--tenant` alone: a running npm start (runtime.json), hand-set stand-in
 * endpoints, or the deployed stack's outputs, read with the real CloudFormation client from a local stand-in and
 * cached until --refresh.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../infra/cli/common';
import { resolveTenantTarget, type TargetDeps } from '../../../infra/cli/tenant-target';
import { TENANTS_DIR } from '../../../infra/tenants';
import { parseTenantConfig } from '../../../shared/config/tenant';
import { startCloudFormationStandIn } from '../../support/cloudformation-stand-in';
import { localClientConfig } from '../../support/local-aws';

const demoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo.json'), 'utf8')) as Record<string, unknown>;
const tenant = (extra: Record<string, unknown>) =>
  parseTenantConfig({ ...demoJson, id: 'target-test', ...extra }, 'target-test (test)');
const deployed = tenant({ deployable: true, aws: { account: '123456789012', region: 'eu-central-1' } });
const localOnly = tenant({ deployable: false });

const OUTPUTS = {
  TableName: 'Quotaflow-target-test-DataTable1A2B3C-XYZ',
  SecretArn:
    'arn:aws:secretsmanager:eu-central-1:123456789012:secret:quotaflow/target-test/app-1a2b3c4d-AbCdEf',
  EventBusName: 'quotaflow-target-test-1a2b3c4d',
  ApiUrl: 'https://abc123.execute-api.eu-central-1.amazonaws.com/',
  DashboardName: 'Quotaflow-target-test',
};

let cfn: Awaited<ReturnType<typeof startCloudFormationStandIn>>;
let dir: string;
let deps: TargetDeps;

beforeAll(async () => {
  cfn = await startCloudFormationStandIn();
});
afterAll(async () => {
  await cfn.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qf-target-'));
  cfn.stacks.clear();
  cfn.calls.length = 0;
  deps = {
    cloudFormation: () => new CloudFormationClient(localClientConfig(cfn.endpoint)),
    outputsDir: join(dir, 'outputs'),
    env: {},
    now: () => new Date('2026-12-01T09:00:00Z'),
  };
  return () => rmSync(dir, { recursive: true, force: true });
});

describe('a deployed tenant', () => {
  it("is found by its stack's outputs, which are cached until --refresh", async () => {
    cfn.put({
      name: 'Quotaflow-target-test',
      account: '123456789012',
      region: 'eu-central-1',
      outputs: OUTPUTS,
    });
    const t = await resolveTenantTarget(deployed, {}, deps);
    expect(t).toMatchObject({
      where: 'aws',
      label: 'stack Quotaflow-target-test (eu-central-1)',
      tableName: OUTPUTS.TableName,
      secretId: OUTPUTS.SecretArn,
      eventBusName: OUTPUTS.EventBusName,
      apiUrl: 'https://abc123.execute-api.eu-central-1.amazonaws.com',
      dynamodb: { region: 'eu-central-1' },
    });
    const cached = JSON.parse(readFileSync(join(dir, 'outputs', 'target-test.json'), 'utf8'));
    expect(cached).toMatchObject({ account: '123456789012', fetchedAt: '2026-12-01T09:00:00.000Z' });

    cfn.put({
      name: 'Quotaflow-target-test',
      account: '123456789012',
      region: 'eu-central-1',
      outputs: { ...OUTPUTS, TableName: 'replaced-table' },
    });
    expect((await resolveTenantTarget(deployed, {}, deps)).tableName).toBe(OUTPUTS.TableName);
    expect(cfn.calls).toEqual(['DescribeStacks']);
    expect((await resolveTenantTarget(deployed, { refresh: true }, deps)).tableName).toBe('replaced-table');
    expect(cfn.calls).toHaveLength(2);
  });

  it('without a stack, the error says how to deploy it or start it locally', async () => {
    const err = await resolveTenantTarget(deployed, {}, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      /stack Quotaflow-target-test does not exist in eu-central-1: deploy it with `npm run quotaflow -- deploy --tenant target-test`/,
    );
  });

  it('a stack still without its outputs is named, and nothing is cached', async () => {
    cfn.put({
      name: 'Quotaflow-target-test',
      account: '123456789012',
      region: 'eu-central-1',
      status: 'CREATE_IN_PROGRESS',
    });
    await expect(resolveTenantTarget(deployed, {}, deps)).rejects.toThrow(
      /CREATE_IN_PROGRESS\) lacks the outputs TableName, SecretArn, EventBusName, ApiUrl/,
    );
    await expect(resolveTenantTarget(deployed, {}, deps)).rejects.toThrow(/lacks the outputs/);
  });
});

describe('a local tenant', () => {
  it('is the running npm start, its clients pointed at the stand-ins it wrote into runtime.json', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    writeFileSync(
      join(dataDir, 'runtime.json'),
      JSON.stringify({
        tenant: 'target-test',
        url: 'http://127.0.0.1:3999',
        pid: process.pid,
        endpoints: {
          AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4001',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:4002',
          AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:4002',
          TABLE_NAME: 'quotaflow-target-test',
          EVENT_BUS_NAME: 'quotaflow-target-test',
        },
      }),
    );
    // Even a deployable tenant: a running npm start is what the admin is working with.
    const t = await resolveTenantTarget(deployed, { dataDir }, deps);
    expect(t).toMatchObject({
      where: 'local',
      tableName: 'quotaflow-target-test',
      secretId: 'quotaflow/target-test/app',
      apiUrl: 'http://127.0.0.1:3999',
      dynamodb: { endpoint: 'http://127.0.0.1:4001', region: 'us-east-1' },
      secretsManager: { endpoint: 'http://127.0.0.1:4002' },
    });
    expect(cfn.calls).toEqual([]);
  });

  it('falls back to stand-ins named in the environment (an in-memory npm start)', async () => {
    const t = await resolveTenantTarget(
      localOnly,
      {},
      { ...deps, env: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4001' } },
    );
    expect(t).toMatchObject({ where: 'environment', tableName: 'quotaflow-target-test', dynamodb: {} });
  });

  it('a local-only tenant with nothing running says to start it; --local never asks AWS', async () => {
    await expect(resolveTenantTarget(localOnly, {}, deps)).rejects.toThrow(
      /no local runtime of tenant target-test is running: start one with `npm start -- --tenant target-test` \(this tenant is local only\)/,
    );
    await expect(resolveTenantTarget(deployed, { local: true }, deps)).rejects.toThrow(UsageError);
    await expect(resolveTenantTarget(deployed, { local: true, aws: true }, deps)).rejects.toThrow(
      /exclude each other/,
    );
    expect(cfn.calls).toEqual([]);
  });
});
