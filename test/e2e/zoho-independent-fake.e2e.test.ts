/**
 * `npm start --real-crm` against a Zoho that is not the project's simulator: test/support/zoho-doc-fake.ts, built
 * from Zoho's documented payloads, reached only through the tenant's overridable `crm.accountsUrl` and
 * `crm.apiBaseUrl`. The tenant is connected the way an admin connects it (`quotaflow connect zoho`), then:
 * a notification with batched ids, an access token that dies early, a 429, a wrong channel token, and a change
 * whose notification is lost, which the scheduled reconcile brings in once the clock passes its 15 minutes.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordRepository } from '../../shared/store/records';
import { cliAsync } from '../support/cli-process';
import { localClientConfig } from '../support/local-aws';
import { REPO_ROOT, type RuntimeProcess, settle, startRuntimeProcess } from '../support/runtime-process';
import { startZohoDocFake, type ZohoDocFake } from '../support/zoho-doc-fake';

const TENANT = 'demo-zoho';
const REDIRECT = 'https://admin.outfitters.example/zoho/callback';

interface Status {
  now: string;
  inFlight: number;
  eventsPublished: number;
  deadLetters: number;
  endpoints: Record<string, string>;
}
interface Email {
  subject: string;
  to: string[];
}

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

let fake: ZohoDocFake;
let rt: RuntimeProcess;
let dir: string;
let status: Status;
let stored: RecordRepository;
let doc: DynamoDBDocumentClient;
/** The deal a forged notification named (refused), which the reconcile later brings in all the same. */
let forgedDealId = '';

const settled = () => settle<Status>(rt.url, { timeoutMs: 15_000 });

const emails = () => getJson<Email[]>(`${rt.url}/_local/emails`);
const congratulated = async (dealName: string) =>
  (await emails()).filter((e) => e.subject.includes(dealName));

/** A deal won in Zoho by the fake's only sales rep; ≥ 20,000 USD, so the demo's recognition workflow mails. */
const wonDeal = (name: string, amount: number) =>
  fake.change('Deals', { Deal_Name: name, Stage: 'Closed Won', Amount: amount, Closing_Date: '2026-11-27' });

/** Reads of one record by id (what sync does after a notification), with the status each got. */
const readsOf = (id: string) =>
  fake.log.filter((r) => r.method === 'GET' && r.path === '/crm/v8/Deals' && r.query.get('ids') === id);

/** Moves the runtime's clock (firing what falls due) and keeps the fake's clock with it. */
const moveClock = async (minutes: number) => {
  const to = new Date(Date.parse((await settled()).now) + minutes * 60_000);
  const res = await fetch(`${rt.url}/_local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ now: to.toISOString() }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { now: string; fired: { name: string; count: number }[] };
  fake.setNow(new Date(body.now));
  await settled();
  return body.fired;
};

beforeAll(async () => {
  fake = await startZohoDocFake();
  // A temporary copy of the demo Zoho tenant pointed at the fake; the committed files stay as they are.
  dir = mkdtempSync(join(tmpdir(), 'quotaflow-zoho-fake-'));
  mkdirSync(join(dir, 'tenants', 'workflows'), { recursive: true });
  const tenant = JSON.parse(readFileSync(join(REPO_ROOT, 'tenants', `${TENANT}.json`), 'utf8'));
  tenant.crm = { ...tenant.crm, accountsUrl: fake.url, apiBaseUrl: fake.url };
  const tenantFile = join(dir, 'tenants', `${TENANT}.json`);
  writeFileSync(tenantFile, JSON.stringify(tenant, null, 2));
  copyFileSync(
    join(REPO_ROOT, 'tenants', 'workflows', `${TENANT}.json`),
    join(dir, 'tenants', 'workflows', `${TENANT}.json`),
  );
  // The API client an admin registers in Zoho's console, and a refresh token from an earlier connect (so nothing
  // that runs before the connect below finds the secret incomplete); connect replaces it with a fresh one.
  writeFileSync(
    join(dir, 'tenants', `${TENANT}.dev-secrets.json`),
    JSON.stringify({
      genericWebhookSigningSecret: `whsec_${randomBytes(32).toString('base64')}`,
      unsubscribeSigningSecret: randomBytes(32).toString('base64url'),
      zohoClientId: fake.clientId,
      zohoClientSecret: fake.clientSecret,
      zohoRefreshToken: fake.issueRefreshToken(),
    }),
  );
  // The fake keeps Zoho's time on the machine's clock (tokens, channel expiry), so the runtime starts there too.
  rt = await startRuntimeProcess(['--tenant', tenantFile, '--real-crm', '--no-metrics'], {
    timeoutMs: 90_000,
    clock: null,
  });
  status = await getJson<Status>(`${rt.url}/_local/status`);
  const endpoints = status.endpoints;
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient(localClientConfig(endpoints.AWS_ENDPOINT_URL_DYNAMODB ?? '')),
  );
  stored = new RecordRepository(doc, endpoints.TABLE_NAME ?? '');

  // `quotaflow connect zoho`, as the README has the admin run it, against the running tenant's stand-ins.
  const {
    status: exit,
    stdout,
    stderr,
  } = await cliAsync(
    [
      'connect',
      'zoho',
      '--tenant',
      TENANT,
      '--crm-url',
      fake.url,
      '--code',
      fake.issueGrantCode(REDIRECT),
      '--redirect-uri',
      REDIRECT,
      '--api-url',
      rt.url,
      '--table',
      endpoints.TABLE_NAME ?? '',
      '--json',
    ],
    {
      env: {
        ...endpoints,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    },
  );
  expect(exit, stderr).toBe(0);
  expect(JSON.parse(stdout).channels).toHaveLength(tenant.crm.modules.length);
}, 150_000);

afterAll(async () => {
  await rt?.stop();
  doc?.destroy();
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a Zoho tenant on an independent, documentation-built Zoho fake', () => {
  it('was connected through the documented grant exchange and one watch channel per module', () => {
    expect(fake.stats.authorizationCodeGrants).toBe(1);
    const channels = fake.channels();
    expect(channels.map((c) => c.events).sort()).toEqual([
      ['Accounts.all'],
      ['Contacts.all'],
      ['Deals.all'],
      ['Leads.all'],
    ]);
    for (const c of channels) {
      expect(c.notify_url).toBe(`${rt.url}/webhooks/zoho`);
      // Asked for (less than) the v8 maximum of a week, so the fake did not fall back to one hour.
      expect(c.channel_expiry - Date.now()).toBeGreaterThan(24 * 3_600_000);
    }
  });

  it('stores both deals of a notification with batched ids and congratulates each owner once', async () => {
    const before = await settled();
    const a = wonDeal('Harbor Freight fleet renewal', 42_000);
    const b = wonDeal('Cascade Outdoor 2027 order', 27_500.5);
    const answers = await fake.notify('Deals', [a.id, b.id], 'insert');
    expect(answers).toEqual([{ status: 200, body: { status: 'accepted', records: 2 } }]);
    const after = await settled();

    for (const [r, amount] of [
      [a, '42000'],
      [b, '27500.5'],
    ] as const) {
      const s = await stored.get('deal', r.id);
      expect(s?.record.stage).toBe('Closed Won');
      expect(s?.record.status).toBe('won');
      // Exact decimal strings (the scale is the normalizer's choice): compared by value, never as floats.
      expect(new Decimal(s?.record.amount ?? 'NaN').equals(amount)).toBe(true);
      // Read back by id (sync may batch ids into one call): the notification carried no values.
      expect(
        fake.log.filter((l) => l.status === 200 && l.query.get('ids')?.split(',').includes(r.id)),
      ).not.toHaveLength(0);
      const mail = await congratulated(String(r.Deal_Name));
      expect(mail).toHaveLength(1);
      expect(mail[0]?.to).toEqual(['morgan.reyes@outfitters.example']);
    }
    // Two crm.record.changed, then deal.created and deal.won for each.
    expect(after.eventsPublished - before.eventsPublished).toBeGreaterThanOrEqual(6);
    // The recognition workflow wrote its review note back to the fake.
    expect(
      fake.log.filter((l) => l.method === 'POST' && l.path === '/crm/v8/Notes' && l.status === 201),
    ).toHaveLength(2);
    expect(after.deadLetters).toBe(0);
  });

  it('refreshes once when Zoho kills the access token early, retries the read and loses nothing', async () => {
    const refreshes = fake.stats.refreshGrants;
    fake.expireAccessTokens();
    const c = wonDeal('Alpine Supply expansion', 31_000);
    expect(await fake.notify('Deals', [c.id], 'insert')).toEqual([
      { status: 200, body: { status: 'accepted', records: 1 } },
    ]);
    const after = await settled();

    expect(fake.stats.refreshGrants).toBe(refreshes + 1);
    const reads = readsOf(c.id).map((r) => r.status);
    expect(reads).toEqual([401, 200]);
    expect((await stored.get('deal', c.id))?.record.status).toBe('won');
    expect(await congratulated('Alpine Supply expansion')).toHaveLength(1);
    expect(after.deadLetters).toBe(0);
  });

  it('backs off and retries a 429 from Zoho, and loses nothing', async () => {
    const d = wonDeal('Summit Gear wholesale', 64_000);
    fake.fault({
      times: 1,
      match: (r) => r.method === 'GET' && r.path === '/crm/v8/Deals' && r.query.get('ids') === d.id,
    });
    expect(await fake.notify('Deals', [d.id], 'insert')).toEqual([
      { status: 200, body: { status: 'accepted', records: 1 } },
    ]);
    const after = await settled();

    const [refused, retried] = readsOf(d.id);
    expect([refused?.status, retried?.status]).toEqual([429, 200]);
    // Full-jitter backoff within the sync's policy (at most 8 s between attempts), not a failed delivery.
    expect((retried?.at ?? 0) - (refused?.at ?? 0)).toBeLessThan(8_000);
    expect((await stored.get('deal', d.id))?.record.status).toBe('won');
    expect(await congratulated('Summit Gear wholesale')).toHaveLength(1);
    expect(after.deadLetters).toBe(0);
  });

  it('answers 401 to a notification with a wrong channel token and stores nothing', async () => {
    const before = await settled();
    const e = wonDeal('Forged notification deal', 99_000);
    forgedDealId = e.id;
    const forged = await fake.notify('Deals', [e.id], 'insert', {
      token: randomBytes(32).toString('base64url'),
    });
    expect(forged).toHaveLength(1);
    expect(forged[0]?.status).toBe(401);
    const after = await settled();

    expect(after.eventsPublished).toBe(before.eventsPublished);
    expect(readsOf(e.id)).toEqual([]);
    expect(await stored.get('deal', e.id)).toBeUndefined();
    expect(await congratulated('Forged notification deal')).toEqual([]);
  });

  it('brings in a change whose notification was lost once the clock passes the 15-minute reconcile', async () => {
    // The first reconcile has no watermark: it imports what Zoho has, quietly (history, no events).
    expect((await moveClock(16)).map((f) => f.name)).toContain('reconcile');
    expect((await settled()).deadLetters).toBe(0);
    // The deal the refused notification named is not lost either: the reconcile read it from Zoho.
    expect((await stored.get('deal', forgedDealId))?.record.status).toBe('won');

    const f = wonDeal('Lost notification: Tahoe Rentals', 58_000);
    // No notify: Zoho's POST never arrived.
    expect(await stored.get('deal', f.id)).toBeUndefined();
    expect((await moveClock(16)).map((x) => x.name)).toContain('reconcile');

    const s = await stored.get('deal', f.id);
    expect(s?.record.status).toBe('won');
    // Changed after the last reconcile began: a live change, so the recognition workflow runs for it.
    expect(await congratulated('Lost notification: Tahoe Rentals')).toHaveLength(1);
    // The incremental scan asked Zoho only for what changed since the watermark (less the overlap).
    const incremental = fake.log.filter(
      (l) => l.method === 'GET' && l.path === '/crm/v8/Deals' && l.ifModifiedSince !== undefined,
    );
    expect(incremental.length).toBeGreaterThan(0);
    expect((await settled()).deadLetters).toBe(0);
  });
});
