/**
 * `quotaflow init` as an admin runs it for a new tenant, in a scratch tenants folder: with --yes it asks nothing,
 * writes a valid config, skeletons and fresh dev secrets, says what to do next, and the local runtime then runs the
 * tenant as written, with no hand edits. It never overwrites a tenant.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cli } from '../support/cli-process';
import { startRuntimeProcess } from '../support/runtime-process';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'qf-init-'));
const tenants = join(dir, 'tenants');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quotaflow = (...args: string[]) => cli(args);

const ACME = [
  'init',
  'acme',
  '--zone',
  'Europe/Berlin',
  '--locale',
  'en',
  '--currency',
  'EUR',
  '--crm',
  'generic',
  '--sender',
  'sales@acme.example',
  '--account',
  '123456789012',
  '--region',
  'eu-central-1',
  '--alarm-email',
  'oncall@acme.example',
  '--yes',
  '--dir',
  tenants,
];

it('scaffolds a valid, deployable tenant that npm start runs as written', async () => {
  const init = quotaflow(...ACME);
  expect(init.stderr).toBe('');
  expect(init.status).toBe(0);
  expect(init.stdout).toContain('tenant acme is valid');
  expect(init.stdout).toContain('npm start -- --tenant acme');
  expect(init.stdout).toContain('npx cdk deploy Quotaflow-acme -c tenant=acme');

  const tenant = JSON.parse(readFileSync(join(tenants, 'acme.json'), 'utf8'));
  expect(tenant).toMatchObject({
    id: 'acme',
    timeZone: 'Europe/Berlin',
    locale: 'en',
    currency: 'EUR',
    mail: { sender: 'sales@acme.example' },
    crm: { provider: 'generic' },
    aws: { account: '123456789012', region: 'eu-central-1' },
    alarms: { emails: ['oncall@acme.example'] },
  });
  expect(tenant.deployable).toBeUndefined();
  for (const f of ['workflows/acme.json', 'incentives/acme.json'])
    expect(existsSync(join(tenants, f)), f).toBe(true);
  const secrets = JSON.parse(readFileSync(join(tenants, 'acme.dev-secrets.json'), 'utf8'));
  const demoSecrets = JSON.parse(readFileSync(join(ROOT, 'tenants/demo.dev-secrets.json'), 'utf8'));
  expect(secrets.genericWebhookSigningSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(secrets.genericWebhookSigningSecret).not.toBe(demoSecrets.genericWebhookSigningSecret);

  expect(quotaflow('validate', join(tenants, 'acme.json')).status).toBe(0);

  const runtime = await startRuntimeProcess(['--tenant', join(tenants, 'acme.json')]);
  try {
    const health = await fetch(`${runtime.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', tenant: 'acme' });
  } finally {
    await runtime.stop();
  }
}, 120_000);

it('refuses to overwrite a tenant, and asks for what is missing when it cannot prompt', () => {
  const again = quotaflow(...ACME);
  expect(again.status).toBe(2);
  expect(again.stderr).toContain('tenant acme exists already');

  const quiet = quotaflow('init', 'other', '--dir', tenants);
  expect(quiet.status).toBe(2);
  expect(quiet.stderr).toContain('missing --zone');
  expect(existsSync(join(tenants, 'other.json'))).toBe(false);
}, 60_000);

it('makes a tenant without an account and region local only', () => {
  const local = quotaflow('init', 'local-only', '--crm', 'zoho', '--yes', '--dir', tenants);
  expect(local.status).toBe(0);
  expect(local.stdout).toContain('local only');
  expect(JSON.parse(readFileSync(join(tenants, 'local-only.json'), 'utf8'))).toMatchObject({
    deployable: false,
    crm: { provider: 'zoho' },
  });
}, 60_000);
