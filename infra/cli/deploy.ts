/**
 * `quotaflow deploy` and `quotaflow destroy`, as orchestration over ports (deploy-aws.ts builds the real ones; tests
 * hand in stand-ins): a preflight whose every failure names its fix, then synth (cdk-nag), diff and a question,
 * `cdk deploy`, the secrets the stack cannot generate, the outputs stored, a smoke test and the next steps.
 * Destroy says what it keeps (table, secret, schedule group, logs) before it asks, and removes the first three only
 * with --purge.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import type { TenantConfig } from '../../shared/config/tenant';
import { requireCrmSettings } from '../../shared/crm/registry';
import { PING_BODY } from '../../shared/ingest/generic-webhook';
import { sign } from '../../shared/webhooks/standard-webhooks';
import { deployProblems } from '../deployability';
import { stackName } from '../tenants';
import type { Terminal } from './common';
import { pad } from './table';
import type { StackOutputs } from './tenant-target';

export interface SenderIdentity {
  /** The identity SES knows the sender by: the address itself or its domain. */
  identity: string;
  verified: boolean;
  /** SES's DKIM status: SUCCESS, PENDING, FAILED, TEMPORARY_FAILURE, NOT_STARTED. */
  dkim: string;
}

/** What deploy and destroy talk to; each is a thin adapter over one AWS call or the cdk CLI. */
export interface DeployPorts {
  /** The account the credentials belong to (STS GetCallerIdentity); throws when there are no usable credentials. */
  credentialsAccount(region: string): Promise<string | undefined>;
  /** The CDK bootstrap stack (CDKToolkit) in the region; its account is the credentials' account. */
  bootstrapStack(region: string): Promise<{ account?: string; status: string } | undefined>;
  senderIdentity(region: string, sender: string): Promise<SenderIdentity | undefined>;
  sesAccount(region: string): Promise<{ productionAccess: boolean; sendingEnabled: boolean }>;
  /** Runs `npx cdk <args>`, its output on the terminal; the exit code. */
  cdk(args: string[]): Promise<number>;
  confirm(question: string): Promise<boolean>;
  /** DescribeStacks on the tenant's stack (undefined when it does not exist); stores the outputs for the CLI. */
  stackOutputs(tenant: TenantConfig): Promise<StackOutputs | undefined>;
  forgetOutputs(tenantId: string): void;
  readSecret(region: string, secretId: string): Promise<Record<string, unknown>>;
  writeSecret(region: string, secretId: string, value: Record<string, unknown>): Promise<void>;
  health(url: string): Promise<number>;
  /** POSTs a body with headers; the answer's status (the smoke test's signed test delivery). */
  post(url: string, headers: Record<string, string>, body: string): Promise<number>;
  deleteTable(region: string, name: string): Promise<void>;
  deleteSecret(region: string, secretId: string): Promise<void>;
  deleteScheduleGroup(region: string, name: string): Promise<void>;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

const cdkArgs = (t: TenantConfig, ...args: string[]) => [...args, stackName(t.id), '-c', `tenant=${t.id}`];

/** Every precondition of a deploy, each with its fix; none stops the others from being checked. */
export const preflight = async (tenant: TenantConfig, ports: DeployPorts): Promise<Check[]> => {
  const problems = deployProblems(tenant);
  const checks: Check[] = [
    problems.length
      ? {
          name: 'tenant config',
          ok: false,
          detail: problems.map((p) => `${p.path} ${p.message}`).join('; '),
          fix: `edit tenants/${tenant.id}.json, then \`npm run quotaflow -- validate\``,
        }
      : {
          name: 'tenant config',
          ok: true,
          detail: `deployable to ${tenant.aws.account} / ${tenant.aws.region}`,
        },
  ];
  const { account, region } = tenant.aws;
  if (problems.length || !account || !region) return checks;

  let named: string | undefined;
  try {
    named = await ports.credentialsAccount(region);
  } catch (err) {
    const e = err as { name?: string; message?: string };
    checks.push({
      name: 'credentials',
      ok: false,
      detail: `none usable: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
      fix: `set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for account ${account}`,
    });
    return checks;
  }
  const bootstrap = await ports.bootstrapStack(region);
  const seen = named ?? bootstrap?.account;
  checks.push(
    seen === undefined
      ? {
          name: 'credentials',
          ok: true,
          detail:
            'not checked: the credentials do not name their account and there is no CDKToolkit stack to tell',
        }
      : seen === account
        ? { name: 'credentials', ok: true, detail: `account ${seen}` }
        : {
            name: 'credentials',
            ok: false,
            detail: `they are for account ${seen}, the tenant is in ${account}`,
            fix: `use credentials for ${account} (AWS_PROFILE=<its profile>)`,
          },
  );
  checks.push(
    bootstrap && !/FAILED|ROLLBACK_COMPLETE|DELETE/.test(bootstrap.status)
      ? { name: 'CDK bootstrap', ok: true, detail: `CDKToolkit ${bootstrap.status} in ${region}` }
      : {
          name: 'CDK bootstrap',
          ok: false,
          detail: bootstrap
            ? `CDKToolkit is ${bootstrap.status} in ${region}`
            : `no CDKToolkit stack in ${region}`,
          fix: `npx cdk bootstrap aws://${account}/${region}`,
        },
  );

  const sender = tenant.mail.sender;
  const identity = await ports.senderIdentity(region, sender);
  const domain = sender.split('@')[1] ?? sender;
  if (!identity)
    checks.push({
      name: 'SES sender',
      ok: false,
      detail: `neither ${sender} nor ${domain} is an SES identity in ${region}`,
      fix: `verify the domain ${domain} in SES (${region}) with Easy DKIM and publish its CNAME records`,
    });
  else if (!identity.verified || identity.dkim !== 'SUCCESS')
    checks.push({
      name: 'SES sender',
      ok: false,
      detail: `${identity.identity}: ${identity.verified ? 'verified' : 'not verified'}, DKIM ${identity.dkim}`,
      fix: `publish the DKIM CNAME records SES shows for ${identity.identity} and wait until DKIM is SUCCESS`,
    });
  else checks.push({ name: 'SES sender', ok: true, detail: `${identity.identity}: verified, DKIM SUCCESS` });

  const ses = await ports.sesAccount(region);
  checks.push(
    ses.productionAccess && ses.sendingEnabled
      ? { name: 'SES account', ok: true, detail: `out of the sandbox in ${region}` }
      : {
          name: 'SES account',
          ok: false,
          detail: ses.productionAccess ? `sending is paused in ${region}` : `in the SES sandbox in ${region}`,
          fix: ses.productionAccess
            ? 'see the SES account dashboard for why sending is paused, and resolve it'
            : `request production access (SES console › Account dashboard, ${region})`,
        },
  );
  return checks;
};

export const formatChecks = (checks: Check[]): string =>
  checks
    .map(
      (c) =>
        `  ${c.ok ? 'ok  ' : 'FAIL'} ${pad(c.name, 14)} ${c.detail}${c.fix ? `\n       fix: ${c.fix}` : ''}\n`,
    )
    .join('');

/** Secrets the stack does not generate but the tenant needs from the start; the rest the admin supplies. */
export const generatedSecrets = (tenant: TenantConfig): Record<string, () => string> => ({
  unsubscribeSigningSecret: () => randomBytes(32).toString('base64'),
  ...(requireCrmSettings(tenant.crm.provider).secrets.generated?.(tenant.crm) as Record<
    string,
    () => string
  >),
});

export interface DeployOptions {
  yes?: boolean;
}

/** Deploys; returns the exit code (0 deployed and healthy, 1 a failed step, 2 a refused preflight or answer). */
export const runDeploy = async (
  tenant: TenantConfig,
  opts: DeployOptions,
  ports: DeployPorts,
  term: Terminal,
): Promise<number> => {
  const name = stackName(tenant.id);
  const step = (text: string) => term.err(`${text}\n`);
  step(`preflight: tenant ${tenant.id} → stack ${name}`);
  const checks = await preflight(tenant, ports);
  term.err(formatChecks(checks));
  if (checks.some((c) => !c.ok)) {
    step('preflight failed: nothing was deployed');
    return 2;
  }
  const region = tenant.aws.region as string;

  step('synth (cdk-nag: AwsSolutions and Serverless)…');
  if ((await ports.cdk(cdkArgs(tenant, 'synth', '--quiet'))) !== 0) {
    step('synth failed: fix what it names above (a cdk-nag finding names its rule and resource)');
    return 1;
  }
  step('diff…');
  await ports.cdk(cdkArgs(tenant, 'diff'));
  if (!opts.yes && !(await ports.confirm(`deploy these changes to ${name} in ${region}?`))) {
    step('not deployed');
    return 2;
  }
  if ((await ports.cdk(cdkArgs(tenant, 'deploy', '--require-approval', 'never'))) !== 0) {
    step(`cdk deploy failed: see the stack's events in the CloudFormation console (${region} › ${name})`);
    return 1;
  }

  const outputs = await ports.stackOutputs(tenant);
  const o = outputs?.outputs ?? {};
  if (!outputs || !o.SecretArn || !o.ApiUrl) {
    step(`stack ${name} has no outputs after the deploy: look at it in the CloudFormation console`);
    return 1;
  }
  step(`outputs stored in .quotaflow/outputs/${tenant.id}.json`);

  const secret = await ports.readSecret(region, o.SecretArn);
  const added: string[] = [];
  const filled = { ...secret };
  for (const [key, make] of Object.entries(generatedSecrets(tenant))) {
    if (typeof filled[key] === 'string' && filled[key] !== '') continue;
    filled[key] = make();
    added.push(key);
  }
  if (added.length) {
    await ports.writeSecret(region, o.SecretArn, filled);
    step(`generated ${added.join(', ')} in the tenant secret`);
  }
  const crm = requireCrmSettings(tenant.crm.provider);
  const missing = crm.secrets.supplied.filter((k) => !filled[k]);

  const api = o.ApiUrl.replace(/\/+$/, '');
  const status = await ports.health(`${api}/health`).catch(() => 0);
  step(
    status === 200
      ? `smoke test: GET ${api}/health 200`
      : `smoke test: GET ${api}/health answered ${status || 'nothing'}`,
  );
  const pinged = await smokeDelivery(ports, `${api}/webhooks/generic`, filled.genericWebhookSigningSecret);
  step(pinged.line);

  const lines = [
    `deployed ${name} (${region})`,
    'webhooks:',
    `  generic   ${api}/webhooks/generic`,
    ...crm.webhooks(tenant.crm).map((w) => `  ${w.label.padEnd(9)} ${api}${w.path}`),
    'next:',
    ...(missing.length ? [`  put ${missing.join(', ')} into the secret ${o.SecretArn}`] : []),
    ...crm.nextSteps(tenant.id, tenant.crm).map((line) => `  ${line}`),
    `  alarms go to ${tenant.alarms?.emails?.join(', ') || 'the alarm topic'}: confirm SNS's first mail`,
    `  dashboard: ${o.DashboardName ?? '(see the stack outputs)'}`,
  ];
  term.out(`${lines.join('\n')}\n`);
  return status === 200 && pinged.ok ? 0 : 1;
};

/**
 * The smoke test's signed test delivery: `{"type":"ping"}` signed with the tenant's generic webhook secret, which
 * the stack answers `200 pong` after the checks every delivery gets (signature, timestamp), storing nothing.
 */
const smokeDelivery = async (
  ports: DeployPorts,
  url: string,
  secret: unknown,
): Promise<{ ok: boolean; line: string }> => {
  if (typeof secret !== 'string' || !secret)
    return {
      ok: false,
      line: 'smoke test: no genericWebhookSigningSecret in the tenant secret to sign a test delivery with',
    };
  const id = `msg_deploy_${randomUUID()}`;
  const ts = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': sign(secret, id, ts, PING_BODY),
  };
  const code = await ports.post(url, headers, PING_BODY).catch(() => 0);
  return code === 200
    ? { ok: true, line: `smoke test: a signed test delivery to ${url} answered 200 (nothing stored)` }
    : {
        ok: false,
        line: `smoke test: a signed test delivery to ${url} answered ${code || 'nothing'}: see the ingest-generic function's logs`,
      };
};

export interface DestroyOptions {
  purge?: boolean;
  yes?: boolean;
}

/** Destroys the stack; returns the exit code. */
export const runDestroy = async (
  tenant: TenantConfig,
  opts: DestroyOptions,
  ports: DeployPorts,
  term: Terminal,
): Promise<number> => {
  const name = stackName(tenant.id);
  const region = tenant.aws.region;
  if (!tenant.deployable || !region) {
    term.err(`tenant ${tenant.id} is not deployed to AWS (local only): nothing to destroy\n`);
    return 2;
  }
  const outputs = await ports.stackOutputs(tenant);
  if (!outputs) {
    term.err(`stack ${name} does not exist in ${region}: nothing to destroy\n`);
    ports.forgetOutputs(tenant.id);
    return 0;
  }
  const o = outputs.outputs;
  const kept = [
    ['table', o.TableName],
    ['secret', o.SecretArn],
    ['schedule group', o.ScheduleGroupName],
  ] as const;
  term.err(`destroying ${name} (${region}) deletes its functions, API, bus, queues, alarms and dashboard.\n`);
  term.err(
    opts.purge
      ? 'with --purge it also deletes:\n'
      : 'kept (deploy again creates fresh ones; --purge deletes these):\n',
  );
  for (const [what, value] of kept) term.err(`  ${pad(what, 15)} ${value ?? '(unknown)'}\n`);
  term.err(`kept in any case: the functions' log groups (${name}-*; their events expire after 3 months)\n`);
  if (!opts.yes && !(await ports.confirm(`destroy ${name}${opts.purge ? ' and purge its data' : ''}?`))) {
    term.err('not destroyed\n');
    return 2;
  }
  if ((await ports.cdk(cdkArgs(tenant, 'destroy', '--force'))) !== 0) {
    term.err(
      `cdk destroy failed: see the stack's events in the CloudFormation console (${region} › ${name})\n`,
    );
    return 1;
  }
  ports.forgetOutputs(tenant.id);
  if (opts.purge) {
    if (o.TableName) await ports.deleteTable(region, o.TableName);
    if (o.SecretArn) await ports.deleteSecret(region, o.SecretArn);
    if (o.ScheduleGroupName) await ports.deleteScheduleGroup(region, o.ScheduleGroupName);
    term.err('purged the table, the secret (recoverable for 7 days) and the schedule group\n');
  }
  term.out(`destroyed ${name}\n`);
  return 0;
};
