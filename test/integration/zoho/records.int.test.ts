/**
 * The Zoho connector against the simulator over real HTTP: paging cost, incremental sync, token handling, retries
 * and per-record errors. Counts come from both sides (the client's counter and the simulator's request log).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { InMemoryTokenCache } from '../../../shared/crm/token-cache';
import { createZohoConnector } from '../../../shared/crm/zoho/connector';
import { type ZohoApiError, ZohoOAuthError, ZohoRecordError } from '../../../shared/crm/zoho/errors';
import { normalizeZohoRecord } from '../../../shared/crm/zoho/normalize';

const DEALS = 5000;
const MODULES = ['Deals', 'Leads', 'Contacts', 'Accounts'];
const FIELDS = ['Deal_Name', 'Stage', 'Amount', 'Closing_Date', 'Owner', 'Modified_Time'];

let sim: ZohoSimulator;
let refreshToken: string;
const sleeps: number[] = [];

// One cache for the file, as production shares one per tenant: separate caches would each refresh and trip the
// simulator's (Zoho's) 10-refreshes-per-10-minutes throttle, exactly the failure the cache exists to prevent.
const sharedCache = new InMemoryTokenCache();

const connector = (over: { apiVersion?: string; cache?: InMemoryTokenCache } = {}) =>
  createZohoConnector({
    tenantId: 'acme',
    // The EU DC's hosts, overridden to reach the simulator: api_domain from the token must then be followed.
    conn: { dataCenter: 'eu', accountsUrl: sim.url },
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    refreshToken: async () => refreshToken,
    cache: over.cache ?? sharedCache,
    client: {
      ...(over.apiVersion ? { apiVersion: over.apiVersion } : {}),
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
    },
  });

const apiCalls = (pred: (r: ZohoSimulator['requests'][number]) => boolean = () => true) =>
  sim.requests.filter((r) => r.path.startsWith('/crm/') && pred(r));

beforeAll(async () => {
  sim = await startZohoSimulator({ seed: { deals: DEALS, leads: 30, contacts: 30, accounts: 12 } });
  refreshToken = sim.issueRefreshToken();
});
afterAll(() => sim.stop());

describe('full import', () => {
  it(`reads ${DEALS} deals in exactly ⌈N/200⌉ list calls plus one token call, page_token beyond 2,000`, async () => {
    const z = connector();
    sim.requests.length = 0;
    const deals = await z.records.listAll('Deals', { fields: FIELDS });

    expect(deals).toHaveLength(DEALS);
    expect(new Set(deals.map((d) => d.id)).size).toBe(DEALS);
    const pages = Math.ceil(DEALS / 200);
    expect(z.client.calls.byKind.list).toBe(pages);
    expect(z.client.calls.total).toBe(pages);
    expect(z.oauth.tokenCalls).toBe(1);
    const lists = apiCalls((r) => r.path === '/crm/v8/Deals');
    expect(lists).toHaveLength(pages);
    expect(lists.every((r) => r.status === 200 && r.query.per_page === '200')).toBe(true);
    expect(lists.slice(0, 10).map((r) => r.query.page)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    expect(lists.slice(10).every((r) => r.query.page_token && !r.query.page)).toBe(true);
    expect(sim.requests.filter((r) => r.path === '/oauth/v2/token')).toHaveLength(1);

    const won = deals.map((d) => normalizeZohoRecord('Deals', d).record).filter((r) => r.status === 'won');
    expect(won.length).toBeGreaterThan(0);
    expect(won.every((r) => /^\d+(\.\d{1,2})?$/.test(r.amount ?? ''))).toBe(true);
  });

  it('with If-Modified-Since and nothing changed, costs one call per module (204 and 304)', async () => {
    const z = connector();
    const since = new Date(Date.now() + 1000);
    for (const notModified304 of [false, true]) {
      sim.faults.notModified304 = notModified304;
      z.client.calls.reset();
      for (const m of MODULES)
        expect(await z.records.listAll(m, { fields: ['Modified_Time'], modifiedSince: since })).toEqual([]);
      expect(z.client.calls.byKind.list).toBe(MODULES.length);
    }
    sim.faults.notModified304 = false;
  });

  it('with If-Modified-Since returns only what changed after the watermark', async () => {
    const z = connector();
    const [lead] = await z.records.listAll('Leads', { fields: ['Last_Name'] });
    const watermark = new Date(Date.now() - 1000);
    await sim.changeRecord('Leads', lead?.id ?? '', { Lead_Status: 'Qualified', Company: '北京云启数据' });
    const changed = await z.records.listAll('Leads', { fields: ['Company'], modifiedSince: watermark });
    expect(changed.map((r) => [r.id, r.Company])).toEqual([[lead?.id, '北京云启数据']]);
  });
});

describe('tokens', () => {
  it('on INVALID_TOKEN refreshes once and repeats the call', async () => {
    const z = connector();
    await z.records.listAll('Accounts', { fields: ['Account_Name'] });
    sim.expireAccessTokens();
    z.client.calls.reset();
    const before = sim.accounts.calls.refresh_token;
    expect(await z.records.listAll('Accounts', { fields: ['Account_Name'] })).toHaveLength(12);
    expect(sim.accounts.calls.refresh_token - before).toBe(1);
    expect(z.oauth.tokenCalls).toBe(1);
    expect(z.client.calls.byKind.list).toBe(2);
  });

  it('exchanges a grant code once; reuse is invalid_code sent as HTTP 200', async () => {
    const z = connector();
    const code = sim.issueGrantCode('https://app.example/zoho/callback');
    const first = await z.oauth.exchangeCode({ code, redirectUri: 'https://app.example/zoho/callback' });
    expect(first.refreshToken).toMatch(/^1000\./);
    expect(first.token.apiDomain).toBe(sim.url);
    const err = (await z.oauth
      .exchangeCode({ code, redirectUri: 'https://app.example/zoho/callback' })
      .catch((e: unknown) => e)) as ZohoOAuthError;
    expect(err).toBeInstanceOf(ZohoOAuthError);
    expect([err.code, err.httpStatus]).toEqual(['invalid_code', 200]);
  });

  it('reads the legacy token shape (expires_in in milliseconds) as one hour', async () => {
    sim.faults.legacyTokenShape = true;
    const token = await connector({ cache: new InMemoryTokenCache() }).oauth.token();
    sim.faults.legacyTokenShape = false;
    expect(token.expiresAt - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(token.expiresAt - Date.now()).toBeLessThanOrEqual(60 * 60_000);
  });
});

describe('retries and errors', () => {
  it('backs off with jitter on 429 TOO_MANY_REQUESTS, then succeeds', async () => {
    const z = connector();
    await z.oauth.token();
    sleeps.length = 0;
    sim.faults.tooManyRequests = 2;
    expect(await z.records.listAll('Accounts', { fields: ['Account_Name'] })).toHaveLength(12);
    expect(z.client.calls.byKind.list).toBe(3);
    // Full jitter at random()=0.5 over 500 ms · 2^attempt.
    expect(sleeps).toEqual([250, 500]);
  });

  it('retries a 5xx on a read but never on a write', async () => {
    const z = connector();
    sim.faults.serverErrors = 1;
    expect(await z.records.getByIds('Deals', [])).toEqual([]);
    const ids = (await z.records.listAll('Accounts', { fields: ['Account_Name'] })).map((a) => a.id);
    expect(z.client.calls.byKind.list).toBe(2);
    sim.faults.serverErrors = 1;
    const err = (await z.records
      .createTask({ module: 'Accounts', id: ids[0] ?? '' }, { subject: 'Call back' })
      .catch((e: unknown) => e)) as ZohoApiError;
    expect([err.httpStatus, err.code]).toEqual([500, 'INTERNAL_ERROR']);
    expect(z.client.calls.byKind.write).toBe(1);
  });

  it('surfaces per-record errors of a 207 answer in input order', async () => {
    const z = connector();
    const [deal] = await z.records.getByIds('Deals', [sim.store.all('Deals')[0]?.id ?? '']);
    const link = { What_Id: { id: deal?.id }, $se_module: 'Deals' };
    const results = await z.records.insert('Calls', [
      {
        Subject: '首次沟通',
        Call_Type: 'Outbound',
        Call_Start_Time: '2026-03-02T10:00:00+08:00',
        Call_Duration: '05:00',
        ...link,
      },
      {
        Subject: 'Zero',
        Call_Type: 'Outbound',
        Call_Start_Time: '2026-03-02T10:00:00+08:00',
        Call_Duration: '00:00',
        ...link,
      },
      { Call_Type: 'Outbound', ...link },
    ]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results.slice(1).map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'INVALID_DATA',
      'MANDATORY_NOT_FOUND',
    ]);
    expect(apiCalls((r) => r.path === '/crm/v8/Calls').at(-1)?.status).toBe(207);
  });

  it('writes a task, a note and a call on a deal, and throws a single failure as ZohoRecordError', async () => {
    const z = connector();
    const deal = { module: 'Deals', id: sim.store.all('Deals')[1]?.id ?? '' };
    const taskId = await z.records.createTask(deal, { subject: '发送合同', dueDate: '2026-03-09' });
    const noteId = await z.records.createNote(deal, { title: 'Won', content: 'Signed by 王伟' });
    const callId = await z.records.createCall(deal, {
      subject: 'Kick-off',
      startTime: new Date(),
      durationSeconds: 390,
    });
    expect(sim.store.get('Tasks', taskId)?.fields).toMatchObject({
      What_Id: { id: deal.id },
      $se_module: 'Deals',
    });
    expect(sim.store.get('Notes', noteId)?.fields).toMatchObject({
      Parent_Id: { module: { api_name: 'Deals' }, id: deal.id },
    });
    expect(sim.store.get('Calls', callId)?.fields.Call_Duration).toBe('06:30');
    const err = await z.records
      .createCall(deal, { subject: 'x', startTime: new Date(), durationSeconds: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoRecordError);
    expect((err as ZohoRecordError).code).toBe('INVALID_DATA');
  });

  it('gets records by id in batches of 100 and lists deleted ones', async () => {
    const z = connector();
    const ids = sim.store
      .all('Deals')
      .slice(0, 250)
      .map((d) => d.id);
    expect(await z.records.getByIds('Deals', ids)).toHaveLength(250);
    expect(z.client.calls.byKind.get).toBe(3);
    await sim.deleteRecord('Deals', ids[0] ?? '');
    const deleted = await z.records.deleted('Deals');
    expect(deleted.map((d) => d.id)).toContain(ids[0]);
    expect(await z.records.get('Deals', ids[0] ?? '')).toBeUndefined();
  });

  it('reports a request-level error with Zoho code and the request, without secrets', async () => {
    const err = (await connector()
      .records.listAll('Nope', { fields: ['Name'] })
      .catch((e: unknown) => e)) as ZohoApiError;
    expect([err.httpStatus, err.code, err.request]).toEqual([400, 'INVALID_MODULE', 'GET /crm/v8/Nope']);
  });
});

describe('simulator search and COQL', () => {
  it('search `equals` behaves like contains; COQL filters, limits and returns lookups as {id}', async () => {
    const z = connector();
    const search = await z.client.send({
      kind: 'query',
      method: 'GET',
      path: '/Deals/search',
      query: { criteria: '((Stage:equals:Won))', per_page: 200 },
    });
    const found = (search.data as { data: { Stage: string }[] }).data;
    expect(new Set(found.map((d) => d.Stage))).toEqual(new Set(['Closed Won']));
    const coql = await z.client.send({
      kind: 'query',
      method: 'POST',
      path: '/coql',
      body: { select_query: "select Deal_Name, Owner from Deals where Stage = 'Closed Lost' limit 5" },
    });
    const rows = (coql.data as { data: { Owner: unknown }[] }).data;
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0]?.Owner as object)).toEqual(['id']);
    const bad = await z.client
      .send({ kind: 'query', method: 'POST', path: '/coql', body: { select_query: 'selec x' } })
      .catch((e: unknown) => e);
    expect((bad as ZohoApiError).code).toBe('SYNTAX_ERROR');
  });
});
