import axios, { type AxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import type { FxiaokeToken } from '../../../shared/crm/fxiaoke/client';
import { FxiaokeClient, type FxiaokeClientOptions } from '../../../shared/crm/fxiaoke/client';
import { FxiaokeApiError, FxiaokeTokenBudgetError } from '../../../shared/crm/fxiaoke/errors';
import { InMemoryTokenCache } from '../../../shared/crm/token-cache';

const CREDENTIALS = { appId: 'FSAID_1', appSecret: 's', permanentCode: 'p', userId: '1000' };

/** An axios instance whose adapter answers from `answer` (no network): the token endpoint and data/get. */
const fakeHttp = (answer: (path: string, body: Record<string, unknown>) => unknown, delayMs = 5) => {
  const seen: { path: string; body: Record<string, unknown>; headers: Record<string, unknown> }[] = [];
  const http = axios.create({
    adapter: async (config: AxiosRequestConfig) => {
      const path = config.url ?? '';
      const body = JSON.parse(String(config.data)) as Record<string, unknown>;
      seen.push({ path, body, headers: { ...(config.headers as Record<string, unknown>) } });
      await new Promise((r) => setTimeout(r, delayMs));
      return {
        data: answer(path, body),
        status: 200,
        statusText: 'OK',
        headers: {},
        config: config as never,
      };
    },
  });
  return { http, seen, tokenCalls: () => seen.filter((s) => s.path.includes('token')).length };
};

let issued = 0;
const tokenAnswer = (path: string) =>
  path.includes('token')
    ? { errorCode: 0, accessToken: `T${++issued}`, expiresIn: 7200, ea: 'qfdemo' }
    : { errorCode: 0, data: { _id: 'r1' } };

const client = (over: Partial<FxiaokeClientOptions> & Pick<FxiaokeClientOptions, 'http'>) =>
  new FxiaokeClient({ baseUrl: 'https://open.fxiaoke.test', credentials: CREDENTIALS, ...over });

describe('Fxiaoke token handling', () => {
  it('makes one token call for many concurrent callers (single-flight) and reuses it', async () => {
    const fake = fakeHttp(tokenAnswer, 20);
    const c = client({ http: fake.http });
    const tokens = await Promise.all(Array.from({ length: 8 }, () => c.token()));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    await Promise.all([c.get('AccountObj', 'r1'), c.get('AccountObj', 'r1')]);
    expect(fake.tokenCalls()).toBe(1);
    const call = fake.seen.find((s) => s.path.includes('data/get'));
    expect(call?.headers).toMatchObject({
      authorization: `Bearer ${tokens[0]?.accessToken}`,
      'x-fs-ea': 'qfdemo',
      'x-fs-userid': '1000',
    });
    expect(fake.seen[0]?.body).toEqual({
      appId: 'FSAID_1',
      appSecret: 's',
      permanentCode: 'p',
      grantType: 'app_secret',
    });
  });

  it('renews 180 s before the 7200 s lifetime ends, and shares tokens through the cache', async () => {
    let now = 1_000_000;
    const cache = new InMemoryTokenCache<FxiaokeToken>();
    const fake = fakeHttp(tokenAnswer);
    const a = client({ http: fake.http, tokenCache: cache, now: () => now });
    const b = client({ http: fake.http, tokenCache: cache, now: () => now });
    const first = await a.token();
    expect((await b.token()).accessToken).toBe(first.accessToken);
    now += (7200 - 181) * 1000;
    expect((await a.token()).accessToken).toBe(first.accessToken);
    now += 2000;
    expect((await a.token()).accessToken).not.toBe(first.accessToken);
    expect(fake.tokenCalls()).toBe(2);
  });

  it('spends at most 10 token calls a minute, then refuses with the wait', async () => {
    let now = 5_000_000;
    const fake = fakeHttp((path) =>
      path.includes('token')
        ? { errorCode: 0, accessToken: `T${++issued}`, expiresIn: 7200 }
        : { errorCode: 20016 },
    );
    const c = client({ http: fake.http, now: () => now });
    // Every business call answers 20016: each spends a new token, retries once, then surfaces the error.
    for (let i = 0; i < 5; i++) {
      await expect(c.get('AccountObj', 'x')).rejects.toMatchObject({ errorCode: 20016 });
    }
    expect(fake.tokenCalls()).toBe(10);
    now += 30_000;
    const err = await c.get('AccountObj', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FxiaokeTokenBudgetError);
    expect((err as FxiaokeTokenBudgetError).retryAfterMs).toBe(30_000);
    expect(fake.tokenCalls()).toBe(10);
    now += 30_001;
    await expect(c.token()).resolves.toMatchObject({ flow: 'oauth2' });
    expect(fake.tokenCalls()).toBe(11);
  });

  it('surfaces a refused secret (HTTP 200, errorCode 10006) without retrying', async () => {
    const fake = fakeHttp(() => ({
      errorCode: 10006,
      errorMessage: 'the parameter appSecret is missing or illegal',
    }));
    const err = await client({ http: fake.http })
      .token()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FxiaokeApiError);
    expect(err).toMatchObject({ errorCode: 10006, httpStatus: 200, retryable: false });
    expect(fake.tokenCalls()).toBe(1);
  });

  it('uses the legacy corpAccessToken flow with body fields', async () => {
    const fake = fakeHttp((path) =>
      path.includes('corpAccessToken')
        ? { errorCode: 0, corpAccessToken: 'C1', corpId: 'FSCID_1', expiresIn: 7200 }
        : { errorCode: 0, data: { _id: 'r1' } },
    );
    await client({ http: fake.http, flow: 'legacy' }).get('AccountObj', 'r1');
    expect(fake.seen.map((s) => s.path)).toEqual(['/cgi/corpAccessToken/get/V2', '/cgi/crm/v2/data/get']);
    expect(fake.seen[1]?.body).toMatchObject({
      corpAccessToken: 'C1',
      corpId: 'FSCID_1',
      currentOpenUserId: '1000',
    });
  });
});

/**
 * Containers on one clock, moved by their waiting (and by `tokenMs` per token call, for slow answers); the token
 * endpoint answers `tokenReply` and data/get refuses the tokens in `rejected` with 20016.
 */
const leaseWorld = (tokenReply: () => Record<string, unknown>, tokenMs = 0) => {
  const world = { now: 9_000_000, rejected: new Set<string>(), tokenCallsAt: [] as number[] };
  const http = axios.create({
    adapter: async (config: AxiosRequestConfig) => {
      const path = config.url ?? '';
      let data: unknown;
      if (path.includes('token')) {
        world.tokenCallsAt.push(world.now);
        world.now += tokenMs;
        data = tokenReply();
      } else {
        const bearer = String((config.headers as Record<string, unknown>).authorization ?? '');
        data = world.rejected.has(bearer.replace('Bearer ', ''))
          ? { errorCode: 20016, errorMessage: 'token expired' }
          : { errorCode: 0, data: { _id: 'r1' } };
      }
      await new Promise((r) => setTimeout(r, 10));
      return { data, status: 200, statusText: 'OK', headers: {}, config: config as never };
    },
  });
  const cache = new InMemoryTokenCache<FxiaokeToken>();
  const container = () => {
    const waits: number[] = [];
    const c = client({
      http,
      tokenCache: cache,
      now: () => world.now,
      random: () => 1,
      sleep: async (ms) => {
        waits.push(ms);
        world.now += ms;
        await new Promise((r) => setTimeout(r, 1));
      },
    });
    return Object.assign(c, { waits });
  };
  return { world, container };
};

describe('the Fxiaoke token lease (one token call at a time across containers)', () => {
  it('is given back once the token is stored, so a container refused the token gets a new one at once', async () => {
    const { world, container } = leaseWorld(() => ({
      errorCode: 0,
      accessToken: `L${++issued}`,
      expiresIn: 7200,
      ea: 'qfdemo',
    }));
    const [a, b, c] = [container(), container(), container()];
    const [ta, tb] = await Promise.all([a.token(), b.token()]);
    expect(tb.accessToken).toBe(ta.accessToken);
    expect(world.tokenCallsAt).toHaveLength(1);
    expect(b.waits.length).toBeGreaterThan(0); // b waited for a's token rather than calling

    world.rejected.add(ta.accessToken);
    await expect(c.get('AccountObj', 'r1')).resolves.toMatchObject({ _id: 'r1' });
    expect(world.tokenCallsAt).toHaveLength(2);
    expect(c.waits).toEqual([]);
    expect((await a.token()).accessToken).not.toBe(ta.accessToken);
    expect(world.tokenCallsAt).toHaveLength(2);
  });

  it('starts no retry that could outlive the lease; a failed holder keeps it until it runs out', async () => {
    let busy = true;
    // Every token call takes 5 s: with a 10 s timeout, a retry must start by 15 s into the 25 s lease.
    const { world, container } = leaseWorld(
      () =>
        busy
          ? { errorCode: -1, errorMessage: 'system busy' }
          : { errorCode: 0, accessToken: `B${++issued}`, expiresIn: 7200 },
      5_000,
    );
    const [holder, next] = [container(), container()];
    const start = world.now;
    const err = await holder.token().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FxiaokeApiError);
    expect(err).toMatchObject({ errorCode: -1 });
    // Attempts at 0 s, 5.25 s and 10.75 s; a fourth after 15.75 s + 1 s backoff could end after 25 s.
    expect(world.tokenCallsAt.map((t) => t - start)).toEqual([0, 5_250, 10_750]);

    busy = false;
    const waitFrom = world.now;
    await expect(next.token()).resolves.toMatchObject({ flow: 'oauth2' });
    expect(world.tokenCallsAt).toHaveLength(4);
    expect(world.tokenCallsAt[3]).toBeGreaterThanOrEqual(start + 25_000);
    expect(world.now - waitFrom).toBeLessThan(25_000);
  });
});
