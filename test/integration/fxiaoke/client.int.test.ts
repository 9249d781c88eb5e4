import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FxiaokeSimulator, startFxiaokeSimulator } from '../../../infra/local/simulators/fxiaoke';
import type { FxiaokeToken } from '../../../shared/crm/fxiaoke/client';
import { FxiaokeClient, type FxiaokeClientOptions } from '../../../shared/crm/fxiaoke/client';
import { FxiaokeApiError } from '../../../shared/crm/fxiaoke/errors';
import { InMemoryTokenCache } from '../../../shared/crm/token-cache';

// 10,250 opportunities: deeper than the 10,000 offset cap, small enough to page in well under a second or two.
const BULK = 10_250;
let sim: FxiaokeSimulator;

beforeAll(async () => {
  // The per-API limit (100 calls / 20 s) is off here: paging 10,000+ records takes 100+ calls; one test below
  // turns it back on to check the client's handling.
  sim = await startFxiaokeSimulator({ seed: { bulkOpportunities: BULK }, faults: { apiRateLimit: false } });
});
afterAll(async () => {
  await sim?.stop();
});

// One cache for every client, as production shares one per tenant: the simulator enforces 10 token calls a minute.
const tokenCache = new InMemoryTokenCache<FxiaokeToken>();

const connect = (over: Partial<FxiaokeClientOptions> = {}) => {
  const sleeps: number[] = [];
  const client = new FxiaokeClient({
    baseUrl: sim.url,
    tokenCache,
    credentials: { ...sim.app },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...over,
  });
  return { client, sleeps };
};

describe('FxiaokeClient against the simulator', () => {
  it('pages past the 10,000 offset cap with keyset paging, every record exactly once', async () => {
    const { client } = connect();
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of client.modifiedSince('NewOpportunityObj', 0, { fieldProjection: ['name'] })) {
      pages++;
      for (const r of page) seen.add(r._id);
    }
    const total = sim.records.count('NewOpportunityObj');
    expect(total).toBeGreaterThan(BULK);
    expect(seen.size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 100));
  });

  it('filters on last_modified_time', async () => {
    const { client } = connect();
    const all = sim.records.list('NewOpportunityObj').map((r) => Number(r.last_modified_time));
    const since = all.sort((a, b) => a - b)[all.length - 30] ?? 0;
    const got: number[] = [];
    for await (const page of client.modifiedSince('NewOpportunityObj', since)) {
      got.push(...page.map((r) => Number(r.last_modified_time)));
    }
    expect(got.length).toBe(all.filter((t) => t >= since).length);
    expect(got.every((t) => t >= since)).toBe(true);
  });

  it('surfaces offset paging past 10,000 as errorCode 10013 (HTTP 200), never as an empty success', async () => {
    const { client } = connect();
    await expect(client.query('NewOpportunityObj', { limit: 100, offset: 10_000 })).resolves.toMatchObject({
      offset: 10_000,
    });
    const err = await client
      .query('NewOpportunityObj', { limit: 100, offset: 10_100 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FxiaokeApiError);
    expect(err).toMatchObject({ errorCode: 10013, httpStatus: 200, retryable: false });
    // The classic mistake: offset as a page number.
    await expect(client.query('NewOpportunityObj', { limit: 100, offset: 3 })).rejects.toMatchObject({
      errorCode: 10001,
    });
  });

  it('gets one record by id and writes a follow-up record back', async () => {
    const { client } = connect();
    const deal = sim.records.list('NewOpportunityObj').find((r) => r.sales_stage === '5');
    if (!deal) throw new Error('seed has a won deal');
    const got = await client.get('NewOpportunityObj', deal._id);
    expect(got).toMatchObject({ _id: deal._id, name: deal.name, sales_stage: '5' });
    const { dataId } = await client.createFollowUp({
      content: '赢单回访：确认实施排期',
      related: { apiName: 'NewOpportunityObj', id: deal._id },
    });
    expect(sim.records.get('ActiveRecordObj', dataId)).toMatchObject({
      active_record_content: '赢单回访：确认实施排期',
      related_object_data: [{ describe_api_name: 'NewOpportunityObj', id: deal._id }],
      owner: [sim.app.userId],
    });
  });

  it('on 20016 gets a new token and retries once', async () => {
    const { client } = connect();
    await client.token();
    const before = sim.stats.tokenCalls;
    sim.expireTokens();
    const deal = sim.records.list('NewOpportunityObj')[0];
    await expect(client.get('NewOpportunityObj', deal?._id ?? '')).resolves.toMatchObject({ _id: deal?._id });
    expect(sim.stats.tokenCalls).toBe(before + 1);
  });

  it('surfaces a second 20016 instead of looping', async () => {
    const { client } = connect();
    await client.token();
    sim.inject({ kind: 'errorCode', errorCode: 20016, times: 2, path: '/cgi/crm/v2/data/get' });
    const err = await client.get('NewOpportunityObj', 'x').catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: 20016, tokenExpired: true });
  });

  it('never treats a non-zero errorCode at HTTP 200 as success', async () => {
    const { client, sleeps } = connect();
    sim.inject({
      kind: 'errorCode',
      errorCode: 30003,
      errorMessage: '未购买配额',
      path: '/cgi/crm/v2/data/query',
    });
    const err = await client.query('NewOpportunityObj').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FxiaokeApiError);
    expect(err).toMatchObject({ errorCode: 30003, httpStatus: 200 });
    expect(String((err as Error).message)).toContain('未购买配额');
    expect(sleeps).toEqual([]);
  });

  it('backs off with jitter on 429 (honouring Retry-After) and on 5xx, then succeeds', async () => {
    const { client, sleeps } = connect({ random: () => 0.5 });
    await client.token();
    sim.inject({ kind: 'http', status: 429, retryAfterSeconds: 2, path: '/cgi/crm/v2/data/query' });
    sim.inject({ kind: 'http', status: 503, path: '/cgi/crm/v2/data/query' });
    await expect(client.query('NewOpportunityObj', { limit: 5 })).resolves.toMatchObject({ limit: 5 });
    expect(sleeps).toEqual([2000, 250]);
  });

  it('gives up after the retry budget and reports the last status', async () => {
    const { client, sleeps } = connect({ retry: { attempts: 3 } });
    await client.token();
    sim.inject({ kind: 'http', status: 502, times: 3, path: '/cgi/crm/v2/data/query' });
    await expect(client.query('NewOpportunityObj')).rejects.toMatchObject({ httpStatus: 502 });
    expect(sleeps).toHaveLength(2);
  });

  it('does not repeat a create after a 5xx (no idempotency key), but does after a 429', async () => {
    const { client } = connect();
    await client.token();
    const before = sim.records.count('ActiveRecordObj');
    sim.inject({ kind: 'http', status: 500, path: '/cgi/crm/v2/data/create' });
    const related = { apiName: 'AccountObj', id: sim.records.list('AccountObj')[0]?._id ?? '' };
    await expect(client.createFollowUp({ content: 'a', related })).rejects.toMatchObject({ httpStatus: 500 });
    sim.inject({ kind: 'http', status: 429, path: '/cgi/crm/v2/data/create' });
    await expect(client.createFollowUp({ content: 'b', related })).resolves.toHaveProperty('dataId');
    expect(sim.records.count('ActiveRecordObj')).toBe(before + 1);
  });

  it('retries the per-API limit (errorCode 30004 at HTTP 200)', async () => {
    const { client, sleeps } = connect();
    await client.token();
    sim.faults.apiRateLimit = { calls: 2, windowMs: 60_000 };
    try {
      await client.query('AccountObj', { limit: 1 });
      await client.query('AccountObj', { limit: 1 });
      const err = await client.query('AccountObj', { limit: 1 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ errorCode: 30004, throttled: true });
      expect(sleeps.length).toBe(3);
    } finally {
      sim.faults.apiRateLimit = false;
    }
  });

  it('works with the legacy corpAccessToken flow', async () => {
    const { client } = connect({ flow: 'legacy' });
    const page = await client.query('AccountObj', { limit: 10 });
    expect(page.dataList.map((r) => r.name)).toContain('上海云启科技有限公司');
  });
});
