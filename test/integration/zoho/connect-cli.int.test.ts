/**
 * `quotaflow connect zoho` against the Zoho simulator, dynalite and the local Secrets Manager stand-in, through the
 * real SDK clients: the grant code becomes a refresh token in the tenant secret (other fields kept, values never
 * printed), channels are enabled on <api-url>/webhooks/zoho and their state stored, so the scheduled renewal finds
 * them; exit codes 1 for a secret without the Zoho client and for a refused code, 2 for bad arguments.
 */

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectOptions, type ConnectWiring, runConnect } from '../../../infra/cli/connect';
import type { LocalEventBus } from '../../../infra/local/aws/event-bus';
import { startAwsStandIns } from '../../../infra/local/aws/router';
import type { LocalScheduler } from '../../../infra/local/aws/scheduler';
import { LocalSecretsManager } from '../../../infra/local/aws/secrets-manager';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { SecretsManagerSecrets } from '../../../shared/adapters/aws/secrets-manager';
import { tenantSecretsSchema } from '../../../shared/config/secrets';
import { connectZoho } from '../../../shared/crm/zoho/provider';
import { channelIdFor } from '../../../shared/crm/zoho/watch';
import { ZohoChannelRepository } from '../../../shared/store/zoho-channels';
import { renewZohoChannels } from '../../../shared/sync/zoho-channels';
import { cliAsync } from '../../support/cli-process';
import {
  type LocalTable,
  localClientConfig,
  secretsClientFor,
  startLocalTable,
} from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { tenantOn } from '../sync/support';

const SECRET_ID = 'quotaflow/acme/app';
const REDIRECT = 'https://admin.example.test/zoho/callback';
const API_URL = 'https://abc123.execute-api.us-east-1.amazonaws.com/';
const NOTIFY_URL = 'https://abc123.execute-api.us-east-1.amazonaws.com/webhooks/zoho';
const SIGNING = `whsec_${randomBytes(32).toString('base64')}`;

let sim: ZohoSimulator;
let table: LocalTable;
let secrets: LocalSecretsManager;
let standIns: { server: Server; endpoint: string };
let sm: SecretsManagerClient;
let wiring: ConnectWiring;

const options = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  tenant: 'acme',
  code: sim.issueGrantCode(REDIRECT),
  redirectUri: REDIRECT,
  apiUrl: API_URL,
  ...extra,
});
const stored = () => JSON.parse(secrets.get(SECRET_ID) ?? '{}') as Record<string, string>;

beforeAll(async () => {
  sim = await startZohoSimulator({ seed: { deals: 3, leads: 3, contacts: 0 } });
  table = await startLocalTable('quotaflow-connect');
  secrets = new LocalSecretsManager();
  secrets.put(
    SECRET_ID,
    JSON.stringify({
      genericWebhookSigningSecret: SIGNING,
      zohoClientId: sim.clientId,
      zohoClientSecret: sim.clientSecret,
    }),
  );
  // Only Secrets Manager is called here; the bus and scheduler stand-ins are never reached.
  standIns = await startAwsStandIns({
    bus: {} as LocalEventBus,
    scheduler: {} as LocalScheduler,
    secrets,
  });
  sm = secretsClientFor(standIns.endpoint);
  wiring = {
    tenant: tenantOn('acme', {
      provider: 'zoho',
      dataCenter: 'com',
      accountsUrl: sim.url,
      modules: ['Deals', 'Leads'],
    }),
    secretsClient: sm,
    secretId: SECRET_ID,
    doc: table.doc,
    tableName: table.tableName,
  };
});
afterAll(async () => {
  sm?.destroy();
  if (standIns)
    await new Promise<void>((r) => {
      standIns.server.close(() => r());
      standIns.server.closeAllConnections();
    });
  await sim?.stop();
  await table?.stop();
});

describe('quotaflow connect zoho', () => {
  it('stores the refresh token and a channel token, enables channels on the API, stores their state', async () => {
    const { t, term } = terminal();
    expect(await runConnect('zoho', options(), wiring, term)).toBe(0);

    const secret = stored();
    expect(tenantSecretsSchema.safeParse(secret).success).toBe(true);
    expect(secret).toMatchObject({
      genericWebhookSigningSecret: SIGNING,
      zohoClientId: sim.clientId,
      zohoClientSecret: sim.clientSecret,
    });
    expect(secret.zohoChannelToken).toMatch(/^[\w-]{43}$/);
    // The stored refresh token is one the accounts server honours.
    const refreshed = sim.accounts.token(
      new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        refresh_token: secret.zohoRefreshToken ?? '',
      }),
    );
    expect(refreshed.body.access_token).toBeTruthy();

    for (const module of ['Deals', 'Leads']) {
      expect(sim.channels.channels.get(channelIdFor('acme', module))).toMatchObject({
        notify_url: NOTIFY_URL,
        token: secret.zohoChannelToken,
        events: [`${module}.all`],
      });
    }
    const state = await new ZohoChannelRepository(table.doc, table.tableName).get();
    expect(state?.notifyUrl).toBe(NOTIFY_URL);
    expect(Object.keys(state?.channels ?? {})).toEqual(['Deals', 'Leads']);
    expect(state?.channels.Deals?.channelId).toBe(channelIdFor('acme', 'Deals'));
    expect(Date.parse(state?.channels.Deals?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    expect(t.err).toContain(`stored zohoRefreshToken and a new zohoChannelToken in secret ${SECRET_ID}`);
    expect(t.err).toContain(`Deals: channel ${channelIdFor('acme', 'Deals')} until `);
    expect(t.out).toContain(`connected acme to Zoho CRM: 2 channels → ${NOTIFY_URL}`);
    for (const value of [secret.zohoRefreshToken, secret.zohoChannelToken, sim.clientSecret, SIGNING])
      expect(t.out + t.err).not.toContain(value);
  });

  it('what it stored is what the scheduled renewal runs on: every channel healthy, nothing renewed', async () => {
    if (wiring.tenant.crm.provider !== 'zoho') throw new Error('expected a Zoho tenant');
    const c = await connectZoho({
      tenant: wiring.tenant,
      crm: wiring.tenant.crm,
      secrets: new SecretsManagerSecrets(sm, SECRET_ID),
      tokenTable: { doc: table.doc, tableName: table.tableName },
    });
    const before = sim.accounts.calls.refresh_token;
    const r = await renewZohoChannels({
      tenantId: 'acme',
      modules: wiring.tenant.crm.modules,
      watch: c.zoho.watch,
      channels: new ZohoChannelRepository(table.doc, table.tableName),
      channelToken: async () => stored().zohoChannelToken ?? '',
      now: () => new Date(),
    });
    if (r.status !== 'checked') throw new Error('expected a check');
    expect(r.health.map((h) => h.state)).toEqual(['ok', 'ok']);
    expect(r.renewed).toEqual([]);
    // The access token connect minted sits in the tenant's shared cache: no refresh was needed.
    expect(sim.accounts.calls.refresh_token).toBe(before);
  });

  it('reconnecting keeps the channel token (receivers need no new secret) and prints JSON', async () => {
    const token = stored().zohoChannelToken;
    const { t, term } = terminal();
    expect(await runConnect('zoho', options({ json: true }), wiring, term)).toBe(0);
    expect(stored().zohoChannelToken).toBe(token);
    const json = JSON.parse(t.out) as { channelTokenGenerated: boolean; channels: { module: string }[] };
    expect(json).toMatchObject({ tenant: 'acme', secretId: SECRET_ID, notifyUrl: NOTIFY_URL });
    expect(json.channelTokenGenerated).toBe(false);
    expect(json.channels.map((c) => c.module)).toEqual(['Deals', 'Leads']);
    expect(t.out).not.toContain(token);
  });

  it('exits 1 naming the fields when the secret lacks the Zoho client, before using the code', async () => {
    secrets.put('quotaflow/bare/app', JSON.stringify({ genericWebhookSigningSecret: SIGNING }));
    const { t, term } = terminal();
    const calls = sim.accounts.calls.authorization_code;
    expect(await runConnect('zoho', options(), { ...wiring, secretId: 'quotaflow/bare/app' }, term)).toBe(1);
    expect(t.err).toContain('the tenant secret quotaflow/bare/app lacks zohoClientId, zohoClientSecret');
    expect(sim.accounts.calls.authorization_code).toBe(calls);
    expect(secrets.get('quotaflow/bare/app')).not.toContain('zohoRefreshToken');
  });

  it('exits 1 when the secret does not exist, and when Zoho refuses a used code', async () => {
    const a = terminal();
    expect(await runConnect('zoho', options(), { ...wiring, secretId: 'quotaflow/nobody/app' }, a.term)).toBe(
      1,
    );
    expect(a.t.err).toContain("secret quotaflow/nobody/app not found: deploy the tenant's stack first");

    const refreshToken = stored().zohoRefreshToken;
    const used = options();
    expect(await runConnect('zoho', used, wiring, terminal().term)).toBe(0);
    const b = terminal();
    expect(await runConnect('zoho', used, wiring, b.term)).toBe(1);
    expect(b.t.err).toContain('Zoho refused the grant code (invalid_code): codes are single-use');
    expect(stored().zohoRefreshToken).not.toBe(refreshToken);
  });

  it('exits 2 for another provider, a tenant not on Zoho, or an API URL that is not one', async () => {
    const a = terminal();
    expect(await runConnect('fxiaoke', options(), wiring, a.term)).toBe(2);
    expect(a.t.err).toContain('unknown provider fxiaoke');
    const b = terminal();
    const generic = { ...wiring, tenant: tenantOn('plain', { provider: 'generic' }) };
    expect(await runConnect('zoho', options(), generic, b.term)).toBe(2);
    expect(b.t.err).toContain('tenant plain uses generic, not Zoho CRM');
    const c = terminal();
    expect(await runConnect('zoho', options({ apiUrl: 'abc123.execute-api' }), wiring, c.term)).toBe(2);
    expect(c.t.err).toContain('--api-url must be an http(s) URL');
  });

  it('as a process: exit 2 for missing or bad arguments, exit 1 naming the missing secret fields', async () => {
    const run = (args: string[], env: Record<string, string> = {}) => cliAsync(args, { env });
    const [missing, unknown, badUrl] = await Promise.all([
      run(['connect', 'zoho', '--tenant', 'demo-zoho']),
      run(['connect', 'zoho', '--tenant', 'no-such-tenant', '--code', 'c', ...urls()]),
      run([
        'connect',
        'zoho',
        '--tenant',
        'demo-zoho',
        '--code',
        'c',
        '--redirect-uri',
        REDIRECT,
        '--api-url',
        'x',
      ]),
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '--code <code>' not specified");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no-such-tenant.json');
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toContain('--api-url must be an http(s) URL');

    // The SDK's default config, as an operator runs it against npm start: endpoints and credentials from the env.
    secrets.put('quotaflow/demo-zoho/app', JSON.stringify({ genericWebhookSigningSecret: SIGNING }));
    const local = localClientConfig(standIns.endpoint);
    const noClient = await run(['connect', 'zoho', '--tenant', 'demo-zoho', '--code', 'c', ...urls()], {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: standIns.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_REGION: local.region,
      AWS_ACCESS_KEY_ID: local.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: local.credentials.secretAccessKey,
    });
    expect(noClient.status).toBe(1);
    expect(noClient.stderr).toContain(
      'the tenant secret quotaflow/demo-zoho/app lacks zohoClientId, zohoClientSecret',
    );
  });
});

const urls = () => ['--redirect-uri', REDIRECT, '--api-url', API_URL];
