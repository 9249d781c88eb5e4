import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '../../../functions/manifest';
import { parseRuntimeEnv, RuntimeEnvError, required, runtimeEnv } from '../../../functions/wiring/env';
import { ACCESS_ENV, ENV, environmentFor } from '../../../functions/wiring/env-names';
import { once } from '../../../functions/wiring/once';
import { type FunctionScope, findFunctionScopeWith } from '../../../functions/wiring/scope';
import { sealedTenantEnv } from '../../../functions/wiring/tenant-seal';
import { tenantConfigSchema } from '../../../shared/config/tenant';

// As the local runtime keeps the scope in its invocation context: here, an AsyncLocalStorage of the test's own.
const scopes = new AsyncLocalStorage<FunctionScope>();
const runInFunctionScope = <T>(scope: FunctionScope, run: () => T): T => scopes.run(scope, run);
beforeAll(() => findFunctionScopeWith(() => scopes.getStore()));
afterAll(() => findFunctionScopeWith(() => undefined));

/** A committed tenant, as the stack passes it to a function (JSON in QUOTAFLOW_TENANT). */
const tenantJson = readFileSync(join(import.meta.dirname, '..', '..', '..', 'tenants', 'demo.json'), 'utf8');
const tenant = tenantConfigSchema.parse(JSON.parse(tenantJson));

const refusal = (env: Record<string, string | undefined>): RuntimeEnvError => {
  try {
    parseRuntimeEnv(env);
  } catch (err) {
    return err as RuntimeEnvError;
  }
  throw new Error('expected the environment to be refused');
};

describe('parseRuntimeEnv', () => {
  it('needs only the tenant; everything else is absent rather than empty', () => {
    expect(parseRuntimeEnv({ QUOTAFLOW_TENANT: tenantJson })).toStrictEqual({
      tenant,
      documents: {},
      documentDigests: {},
    });
  });

  it('reads every variable of the table into its setting', () => {
    const env = parseRuntimeEnv({
      QUOTAFLOW_TENANT: tenantJson,
      TABLE_NAME: 'quotaflow-acme',
      EVENT_BUS_NAME: 'quotaflow-acme-bus',
      SECRET_ID: 'arn:aws:secretsmanager:us-east-1:1:secret:quotaflow/acme/app',
      SES_CONFIGURATION_SET: 'quotaflow-acme',
      PUBLIC_BASE_URL: 'https://api.acme.example',
      SCHEDULE_GROUP_NAME: 'quotaflow-acme',
      SCHEDULE_TARGET_ARN: 'arn:aws:lambda:us-east-1:1:function:quotaflow-acme-scheduled-step',
      SCHEDULE_ROLE_ARN: 'arn:aws:iam::1:role/scheduler',
      SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:1:dlq',
      CHAT_WEBHOOK_ENDPOINT_OVERRIDE: 'http://127.0.0.1:3000/_local/chat',
      QUOTAFLOW_WORKFLOWS_FILE: '/var/task/workflows.json',
      QUOTAFLOW_INCENTIVES_FILE: '/var/task/incentives.json',
      QUOTAFLOW_GOALS_FILE: '/var/task/goals.json',
      QUOTAFLOW_WORKFLOWS_DIGEST: 'a'.repeat(64),
      QUOTAFLOW_INCENTIVES_DIGEST: 'b'.repeat(64),
      QUOTAFLOW_GOALS_DIGEST: 'c'.repeat(64),
      UNRELATED: 'ignored',
    });
    expect(env).toStrictEqual({
      tenant,
      tableName: 'quotaflow-acme',
      eventBusName: 'quotaflow-acme-bus',
      secretId: 'arn:aws:secretsmanager:us-east-1:1:secret:quotaflow/acme/app',
      sesConfigurationSet: 'quotaflow-acme',
      publicBaseUrl: 'https://api.acme.example',
      scheduler: {
        groupName: 'quotaflow-acme',
        targetArn: 'arn:aws:lambda:us-east-1:1:function:quotaflow-acme-scheduled-step',
        roleArn: 'arn:aws:iam::1:role/scheduler',
        deadLetterArn: 'arn:aws:sqs:us-east-1:1:dlq',
      },
      chatEndpointOverride: 'http://127.0.0.1:3000/_local/chat',
      documents: {
        workflows: '/var/task/workflows.json',
        incentives: '/var/task/incentives.json',
        goals: '/var/task/goals.json',
      },
      documentDigests: { workflows: 'a'.repeat(64), incentives: 'b'.repeat(64), goals: 'c'.repeat(64) },
    });
  });

  it('has a scheduler only with its group, target and role all set (the DLQ is optional)', () => {
    const base = { QUOTAFLOW_TENANT: tenantJson, SCHEDULE_GROUP_NAME: 'g', SCHEDULE_TARGET_ARN: 't' };
    expect(parseRuntimeEnv(base).scheduler).toBeUndefined();
    expect(parseRuntimeEnv({ ...base, SCHEDULE_ROLE_ARN: 'r' }).scheduler).toStrictEqual({
      groupName: 'g',
      targetArn: 't',
      roleArn: 'r',
    });
  });

  it('refuses a bad environment naming each variable and what is wrong, with a stable code', () => {
    const missing = refusal({});
    expect(missing).toBeInstanceOf(RuntimeEnvError);
    expect(missing.code).toBe('invalid_config');
    expect(missing.message).toMatch(/^invalid function environment\n {2}- QUOTAFLOW_TENANT: /);

    const bad = refusal({
      QUOTAFLOW_TENANT: '{"id": "acme"',
      TABLE_NAME: 'ab',
      PUBLIC_BASE_URL: 'ftp://api.acme.example',
    });
    expect(bad.message.split('\n').map((l) => l.replace(/: .*/, ''))).toEqual([
      'invalid function environment',
      '  - QUOTAFLOW_TENANT',
      '  - TABLE_NAME',
      '  - PUBLIC_BASE_URL',
    ]);
    expect(bad.message).toContain('QUOTAFLOW_TENANT: is not valid JSON');
    expect(bad.message).toContain('PUBLIC_BASE_URL: must be an http(s) URL');
  });

  it('takes the config the stack validated as it is, when its digest matches (tenant-seal.ts)', () => {
    expect(parseRuntimeEnv(sealedTenantEnv(tenant))).toStrictEqual({
      tenant,
      documents: {},
      documentDigests: {},
    });
    // Not validated again: a config the schema would refuse passes under its own digest, which only the CDK app
    // writes, after validating it.
    const unchecked = { ...tenant, timeZone: 'Mars/Olympus_Mons' };
    expect(parseRuntimeEnv(sealedTenantEnv(unchecked)).tenant.timeZone).toBe('Mars/Olympus_Mons');
  });

  it('validates a config in full when it is not the one its digest was taken of', () => {
    const { QUOTAFLOW_TENANT_DIGEST } = sealedTenantEnv(tenant);
    const edited = JSON.stringify({ ...tenant, timeZone: 'Mars/Olympus_Mons' });
    expect(refusal({ QUOTAFLOW_TENANT: edited, QUOTAFLOW_TENANT_DIGEST }).message).toBe(
      'invalid function environment\n  - QUOTAFLOW_TENANT.timeZone: is not an IANA time zone (for example Asia/Shanghai)',
    );
    expect(parseRuntimeEnv({ QUOTAFLOW_TENANT: tenantJson, QUOTAFLOW_TENANT_DIGEST }).tenant).toStrictEqual(
      tenant,
    );
  });

  it('still checks the other variables next to a sealed config', () => {
    const bad = refusal({ ...sealedTenantEnv(tenant), TABLE_NAME: 'ab', PUBLIC_BASE_URL: 'ftp://x.example' });
    expect(bad.message.split('\n').map((l) => l.replace(/: .*/, ''))).toEqual([
      'invalid function environment',
      '  - TABLE_NAME',
      '  - PUBLIC_BASE_URL',
    ]);
  });

  it('tells a function deployed without a right which variable and where to look', () => {
    expect(() => required(undefined, ENV.tableName)).toThrow(
      'this function was deployed without TABLE_NAME; check its access in functions/manifest.ts',
    );
    expect(required('quotaflow-acme', ENV.tableName)).toBe('quotaflow-acme');
  });
});

describe('function environments', () => {
  const resources = {
    [ENV.tenant]: tenantJson,
    [ENV.tableName]: 'quotaflow-acme',
    [ENV.eventBusName]: 'quotaflow-acme',
    [ENV.secretId]: 'quotaflow/acme/app',
    [ENV.sesConfigurationSet]: 'quotaflow-acme',
    [ENV.publicBaseUrl]: 'http://127.0.0.1:3000',
    [ENV.workflowsFile]: '/repo/tenants/workflows/acme.json',
    [ENV.goalsFile]: '/repo/tenants/goals/acme.json',
    [ENV.goalsDigest]: 'c'.repeat(64),
    [ENV.workflowsDigest]: 'a'.repeat(64),
  };

  it('gives a function the tenant, the variables of its access rights and its documents only', () => {
    expect(environmentFor({ access: [] }, resources)).toStrictEqual({ QUOTAFLOW_TENANT: tenantJson });
    expect(environmentFor({ access: ['table:put'] }, resources)).toStrictEqual({
      QUOTAFLOW_TENANT: tenantJson,
      TABLE_NAME: 'quotaflow-acme',
    });
    // A document the tenant does not have (incentives here) is simply not given; a given one comes with its digest.
    const digest = { access: ['table', 'mail'], documents: ['goals', 'incentives'] } as const;
    expect(Object.keys(environmentFor(digest, resources)).sort()).toEqual([
      'PUBLIC_BASE_URL',
      'QUOTAFLOW_GOALS_DIGEST',
      'QUOTAFLOW_GOALS_FILE',
      'QUOTAFLOW_TENANT',
      'SES_CONFIGURATION_SET',
      'TABLE_NAME',
    ]);
  });

  it('gives every manifest function a variable for each of its rights', () => {
    for (const fn of functions)
      expect(Object.keys(environmentFor(fn, resources)), fn.id).toEqual(
        expect.arrayContaining(fn.access.flatMap((a) => ACCESS_ENV[a]).filter((n) => n in resources)),
      );
  });

  it('names every variable a right brings in the one table', () => {
    expect(
      Object.values(ACCESS_ENV)
        .flat()
        .every((n) => Object.values(ENV).includes(n)),
    ).toBe(true);
  });

  it('reads the environment of the function scope the code runs in, and builds singletons per scope', () => {
    const made: string[] = [];
    const tableOf = once(() => {
      const name = required(runtimeEnv().tableName, ENV.tableName);
      made.push(name);
      return name;
    });
    const withTable = { functionId: 'a', env: { QUOTAFLOW_TENANT: tenantJson, TABLE_NAME: 'table-a' } };
    const without = { functionId: 'b', env: { QUOTAFLOW_TENANT: tenantJson } };

    expect(runInFunctionScope(withTable, tableOf)).toBe('table-a');
    expect(runInFunctionScope(withTable, tableOf)).toBe('table-a');
    expect(() => runInFunctionScope(without, tableOf)).toThrow(
      'this function was deployed without TABLE_NAME; check its access in functions/manifest.ts',
    );
    expect(runInFunctionScope(without, () => runtimeEnv().tenant.id)).toBe('demo');
    expect(made).toEqual(['table-a']);
  });
});
