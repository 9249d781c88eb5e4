/**
 * deploy and destroy as orchestration: what the preflight refuses (each with its fix), the order of the steps, and
 * where a failure or a "no" stops them. The ports are recording stand-ins; deploy-aws.int.test.ts runs the real
 * adapters against local servers.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DeployPorts, preflight, runDeploy, runDestroy } from '../../../infra/cli/deploy';
import { TENANTS_DIR } from '../../../infra/tenants';
import { parseTenantConfig } from '../../../shared/config/tenant';
import { PING_BODY } from '../../../shared/ingest/generic-webhook';
import { verify } from '../../../shared/webhooks/standard-webhooks';
import { terminal } from '../../support/terminal';

const demoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo-zoho.json'), 'utf8')) as Record<
  string,
  unknown
>;
const acme = parseTenantConfig(
  {
    ...demoJson,
    id: 'acme',
    deployable: true,
    aws: { account: '123456789012', region: 'eu-central-1' },
    mail: { sender: 'sales@acme.example' },
    alarms: { emails: ['oncall@acme.example'] },
  },
  'acme (test)',
);

const OUTPUTS = {
  ApiUrl: 'https://abc.execute-api.eu-central-1.amazonaws.com/',
  TableName: 'Quotaflow-acme-DataTable-1',
  SecretArn: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:quotaflow/acme/app-1a2b3c4d-x',
  EventBusName: 'quotaflow-acme-1a2b3c4d',
  ScheduleGroupName: 'quotaflow-acme-1a2b3c4d',
  DashboardName: 'Quotaflow-acme',
};

/** Ports that say yes to everything unless told otherwise, recording each call in order. */
const ports = (over: Partial<DeployPorts> = {}) => {
  const calls: string[] = [];
  let secret: Record<string, unknown> = { genericWebhookSigningSecret: 'g'.repeat(40), zohoClientId: 'id' };
  const rec =
    <A extends unknown[], R>(name: string, f: (...a: A) => R) =>
    (...a: A): R => {
      // Arguments as text; objects (a tenant, a secret's value) are left out.
      calls.push([name, ...a.flat().filter((x) => typeof x !== 'object')].join(' '));
      return f(...a);
    };
  const p: DeployPorts = {
    credentialsAccount: rec('credentialsAccount', async () => undefined),
    bootstrapStack: rec('bootstrapStack', async () => ({
      account: '123456789012',
      status: 'UPDATE_COMPLETE',
    })),
    senderIdentity: rec('senderIdentity', async () => ({
      identity: 'acme.example',
      verified: true,
      dkim: 'SUCCESS',
    })),
    sesAccount: rec('sesAccount', async () => ({ productionAccess: true, sendingEnabled: true })),
    cdk: rec('cdk', async () => 0),
    confirm: rec('confirm', async () => true),
    stackOutputs: rec('stackOutputs', async () => ({
      stackName: 'Quotaflow-acme',
      region: 'eu-central-1',
      status: 'CREATE_COMPLETE',
      fetchedAt: '2026-12-01T09:00:00.000Z',
      outputs: OUTPUTS,
    })),
    forgetOutputs: rec('forgetOutputs', () => undefined),
    readSecret: rec('readSecret', async () => secret),
    writeSecret: rec('writeSecret', async (_r: string, _id: string, v: Record<string, unknown>) => {
      secret = v;
    }),
    health: rec('health', async () => 200),
    // The stack's generic receiver: a ping signed with the tenant secret's key is answered 200.
    post: rec('post', async (_url: string, h: Record<string, string>, body: string) => {
      const key = secret.genericWebhookSigningSecret as string;
      verify(
        [key],
        { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] },
        body,
        new Date(),
      );
      return body === PING_BODY ? 200 : 400;
    }),
    deleteTable: rec('deleteTable', async () => undefined),
    deleteSecret: rec('deleteSecret', async () => undefined),
    deleteScheduleGroup: rec('deleteScheduleGroup', async () => undefined),
    ...over,
  };
  return { p, calls, secret: () => secret };
};

describe('deploy preflight', () => {
  it('without usable credentials fails the credentials check with its fix, and asks nothing else of AWS', async () => {
    const { p, calls } = ports({
      credentialsAccount: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        });
      },
    });
    const { t, term } = terminal();
    expect(await runDeploy(acme, { yes: true }, p, term)).toBe(2);
    expect(t.err).toContain(
      'FAIL credentials    none usable: CredentialsProviderError: Could not load credentials',
    );
    expect(t.err).toContain(
      'fix: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for account 123456789012',
    );
    // The overridden port is not recorded: nothing else was asked.
    expect(calls).toEqual([]);
  });

  it('names every failure with its fix, and deploys nothing', async () => {
    const { p, calls } = ports({
      credentialsAccount: async () => '999999999999',
      bootstrapStack: async () => undefined,
      senderIdentity: async () => ({ identity: 'acme.example', verified: true, dkim: 'PENDING' }),
      sesAccount: async () => ({ productionAccess: false, sendingEnabled: true }),
    });
    const { t, term } = terminal();
    expect(await runDeploy(acme, { yes: true }, p, term)).toBe(2);
    expect(t.err).toContain(
      'FAIL credentials    they are for account 999999999999, the tenant is in 123456789012',
    );
    expect(t.err).toContain('fix: use credentials for 123456789012 (AWS_PROFILE=<its profile>)');
    expect(t.err).toContain('fix: npx cdk bootstrap aws://123456789012/eu-central-1');
    expect(t.err).toContain('acme.example: verified, DKIM PENDING');
    expect(t.err).toContain('fix: request production access (SES console › Account dashboard, eu-central-1)');
    expect(t.err).toContain('preflight failed: nothing was deployed');
    expect(calls.filter((c) => c.startsWith('cdk'))).toEqual([]);
  });

  it('a tenant that is not deployable fails on its config without asking AWS', async () => {
    const { p, calls } = ports();
    const demo = { ...acme, deployable: false } as typeof acme;
    const checks = await preflight(demo, p);
    expect(checks).toEqual([
      expect.objectContaining({ name: 'tenant config', ok: false, fix: expect.stringContaining('validate') }),
    ]);
    expect(calls).toEqual([]);
  });

  it('a sender SES does not know is named with the domain to verify', async () => {
    const { p } = ports({ senderIdentity: async () => undefined });
    const failed = (await preflight(acme, p)).filter((c) => !c.ok);
    expect(failed).toEqual([
      expect.objectContaining({
        detail: 'neither sales@acme.example nor acme.example is an SES identity in eu-central-1',
        fix: expect.stringContaining('verify the domain acme.example in SES (eu-central-1) with Easy DKIM'),
      }),
    ]);
  });

  it('credentials that name no account and no bootstrap stack: the account is not checked, and says so', async () => {
    const { p } = ports({ bootstrapStack: async () => undefined });
    const checks = await preflight(acme, p);
    expect(checks.find((c) => c.name === 'credentials')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^not checked/),
    });
  });
});

describe('deploy', () => {
  it('synth, diff, question, deploy, secrets, outputs, smoke test, in that order; prints the webhooks', async () => {
    const { p, calls, secret } = ports();
    const { t, term } = terminal();
    expect(await runDeploy(acme, {}, p, term)).toBe(0);
    expect(calls).toEqual([
      'credentialsAccount eu-central-1',
      'bootstrapStack eu-central-1',
      'senderIdentity eu-central-1 sales@acme.example',
      'sesAccount eu-central-1',
      'cdk synth --quiet Quotaflow-acme -c tenant=acme',
      'cdk diff Quotaflow-acme -c tenant=acme',
      'confirm deploy these changes to Quotaflow-acme in eu-central-1?',
      'cdk deploy --require-approval never Quotaflow-acme -c tenant=acme',
      'stackOutputs',
      `readSecret eu-central-1 ${OUTPUTS.SecretArn}`,
      `writeSecret eu-central-1 ${OUTPUTS.SecretArn}`,
      'health https://abc.execute-api.eu-central-1.amazonaws.com/health',
      `post https://abc.execute-api.eu-central-1.amazonaws.com/webhooks/generic ${PING_BODY}`,
    ]);
    // Generated where missing, kept where present; values never printed.
    expect(Object.keys(secret())).toEqual([
      'genericWebhookSigningSecret',
      'zohoClientId',
      'unsubscribeSigningSecret',
      'zohoChannelToken',
    ]);
    expect(String(secret().unsubscribeSigningSecret).length).toBeGreaterThanOrEqual(32);
    expect(t.err).toContain('generated unsubscribeSigningSecret, zohoChannelToken in the tenant secret');
    expect(t.err).not.toContain(String(secret().unsubscribeSigningSecret));
    expect(t.out).toContain('  zoho      https://abc.execute-api.eu-central-1.amazonaws.com/webhooks/zoho');
    expect(t.out).toContain(`  put zohoClientSecret into the secret ${OUTPUTS.SecretArn}`);
    expect(t.out).toContain('npm run quotaflow -- connect zoho --tenant acme');
  });

  it('--yes does not ask; a second deploy generates nothing new', async () => {
    const { p, calls } = ports();
    await runDeploy(acme, { yes: true }, p, terminal().term);
    calls.length = 0;
    await runDeploy(acme, { yes: true }, p, terminal().term);
    expect(calls).not.toContain('confirm deploy these changes to Quotaflow-acme in eu-central-1?');
    expect(calls.some((c) => c.startsWith('writeSecret'))).toBe(false);
  });

  it('a "no" after the diff deploys nothing (exit 2); a failed synth stops before the diff (exit 1)', async () => {
    const no = ports({ confirm: async () => false });
    expect(await runDeploy(acme, {}, no.p, terminal().term)).toBe(2);
    expect(no.calls.filter((c) => c.startsWith('cdk deploy'))).toEqual([]);

    const nag = ports({ cdk: async (args) => (args[0] === 'synth' ? 1 : 0) });
    const { t, term } = terminal();
    expect(await runDeploy(acme, { yes: true }, nag.p, term)).toBe(1);
    expect(t.err).toContain('synth failed: fix what it names above');
    expect(nag.calls.some((c) => c.startsWith('stackOutputs'))).toBe(false);
  });

  it('the smoke test also sends a signed test delivery to the generic receiver, which stores nothing', async () => {
    const { p, calls } = ports();
    const { t, term } = terminal();
    expect(await runDeploy(acme, { yes: true }, p, term)).toBe(0);
    expect(calls.filter((c) => c.startsWith('post'))).toHaveLength(1);
    expect(t.err).toContain(
      'smoke test: a signed test delivery to https://abc.execute-api.eu-central-1.amazonaws.com/webhooks/generic answered 200 (nothing stored)',
    );
  });

  it('a test delivery the stack refuses is exit 1, naming where to look', async () => {
    const { p } = ports({ post: async () => 401 });
    const { t, term } = terminal();
    expect(await runDeploy(acme, { yes: true }, p, term)).toBe(1);
    expect(t.err).toContain("answered 401: see the ingest-generic function's logs");
  });

  it('a failed smoke test is exit 1, after everything else was done', async () => {
    const { p } = ports({ health: async () => 503 });
    const { t, term } = terminal();
    expect(await runDeploy(acme, { yes: true }, p, term)).toBe(1);
    expect(t.err).toContain(
      'smoke test: GET https://abc.execute-api.eu-central-1.amazonaws.com/health answered 503',
    );
  });
});

describe('destroy', () => {
  it('lists what it keeps before asking, and keeps it', async () => {
    const { p, calls } = ports();
    const { t, term } = terminal();
    expect(await runDestroy(acme, {}, p, term)).toBe(0);
    expect(t.err).toContain(`  table           ${OUTPUTS.TableName}`);
    expect(t.err).toContain(`  secret          ${OUTPUTS.SecretArn}`);
    expect(t.err).toContain("kept in any case: the functions' log groups");
    expect(calls).toEqual([
      'stackOutputs',
      'confirm destroy Quotaflow-acme?',
      'cdk destroy --force Quotaflow-acme -c tenant=acme',
      'forgetOutputs acme',
    ]);
  });

  it('--purge deletes the table, secret and schedule group after the stack; a "no" destroys nothing', async () => {
    const { p, calls } = ports();
    expect(await runDestroy(acme, { purge: true, yes: true }, p, terminal().term)).toBe(0);
    expect(calls.slice(-3)).toEqual([
      `deleteTable eu-central-1 ${OUTPUTS.TableName}`,
      `deleteSecret eu-central-1 ${OUTPUTS.SecretArn}`,
      `deleteScheduleGroup eu-central-1 ${OUTPUTS.ScheduleGroupName}`,
    ]);
    const no = ports({ confirm: async () => false });
    expect(await runDestroy(acme, { purge: true }, no.p, terminal().term)).toBe(2);
    expect(no.calls.filter((c) => /^(cdk|delete)/.test(c))).toEqual([]);
  });
});
