import axios, { type AxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { InMemoryTokenCache } from '../../../shared/crm/token-cache';
import { ZohoOAuthError, ZohoRefreshBudgetError } from '../../../shared/crm/zoho/errors';
import { tokenLifetimeMs, ZohoOAuth } from '../../../shared/crm/zoho/oauth';

/** An axios instance whose adapter answers from `reply` and records each request (no network). */
const stubHttp = (reply: (cfg: AxiosRequestConfig, n: number) => { status?: number; data: unknown }) => {
  const seen: AxiosRequestConfig[] = [];
  const http = axios.create({
    adapter: async (cfg) => {
      seen.push(cfg);
      await new Promise((r) => setTimeout(r, 5));
      const { status = 200, data } = reply(cfg, seen.length);
      return { data, status, statusText: '', headers: {}, config: cfg };
    },
  });
  return { http, seen };
};

const okToken = (_: AxiosRequestConfig, n: number) => ({
  data: {
    access_token: `1000.tok${n}`,
    api_domain: 'https://www.zohoapis.eu',
    token_type: 'Bearer',
    expires_in: 3600,
  },
});

const oauthWith = (
  http: ReturnType<typeof stubHttp>['http'],
  now = () => 1_000_000,
  cache = new InMemoryTokenCache(),
) =>
  new ZohoOAuth({
    accountsUrl: 'https://accounts.zoho.eu',
    clientId: 'cid',
    clientSecret: 'secret',
    refreshToken: async () => '1000.refresh',
    cache,
    cacheKey: 'zoho#acme',
    http,
    now,
  });

describe('ZohoOAuth', () => {
  it('shares one refresh between concurrent callers and keeps the api_domain', async () => {
    const { http, seen } = stubHttp(okToken);
    const oauth = oauthWith(http);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => oauth.token()));
    expect(seen).toHaveLength(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['1000.tok1']));
    expect(tokens[0]?.apiDomain).toBe('https://www.zohoapis.eu');
    // Secrets travel in the form body to the DC's accounts server, never in the URL.
    expect(seen[0]?.url).toBe('https://accounts.zoho.eu/oauth/v2/token');
    expect(String(seen[0]?.data)).toContain('grant_type=refresh_token');
    expect(String(seen[0]?.data)).toContain('client_secret=secret');
  });

  it('refreshes only after the cached token nears expiry, and once after invalidation', async () => {
    const { http, seen } = stubHttp(okToken);
    let now = 1_000_000;
    const oauth = oauthWith(http, () => now);
    await oauth.token();
    now += 50 * 60_000;
    expect((await oauth.token()).accessToken).toBe('1000.tok1');
    now += 6 * 60_000;
    expect((await oauth.token()).accessToken).toBe('1000.tok2');
    await oauth.invalidate('1000.tok1'); // stale rejection: the current token is kept
    expect((await oauth.token()).accessToken).toBe('1000.tok2');
    await Promise.all([oauth.invalidate('1000.tok2'), oauth.invalidate('1000.tok2')]);
    const after = await Promise.all([oauth.token(), oauth.token()]);
    expect(after.map((t) => t.accessToken)).toEqual(['1000.tok3', '1000.tok3']);
    expect(seen).toHaveLength(3);
  });

  it('stops refreshing before Zoho would throttle (10 per 10 minutes)', async () => {
    const { http, seen } = stubHttp(okToken);
    let now = 1_000_000;
    const oauth = oauthWith(http, () => now);
    for (let i = 1; i <= 10; i++) await oauth.invalidate((await oauth.token()).accessToken);
    const err = await oauth.token().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoRefreshBudgetError);
    expect(seen).toHaveLength(10);
    now += 10 * 60_000 + 1;
    expect((await oauth.token()).accessToken).toBe('1000.tok11');
  });

  it('surfaces token errors sent as HTTP 200 with {"error": ...} as typed errors', async () => {
    const { http } = stubHttp(() => ({ data: { error: 'invalid_code' } }));
    const err = (await oauthWith(http)
      .token()
      .catch((e: unknown) => e)) as ZohoOAuthError;
    expect(err).toBeInstanceOf(ZohoOAuthError);
    expect(err.code).toBe('invalid_code');
    expect(err.httpStatus).toBe(200);
    expect(err.needsReconnect).toBe(true);
  });

  it('recognises the throttle answer and does not treat it as a reconnect', async () => {
    const { http } = stubHttp(() => ({
      status: 400,
      data: { error: 'Access Denied', error_description: 'You have made too many requests continuously.' },
    }));
    const err = (await oauthWith(http)
      .token()
      .catch((e: unknown) => e)) as ZohoOAuthError;
    expect(err.throttled).toBe(true);
    expect(err.needsReconnect).toBe(false);
  });

  it('reads the legacy millisecond expires_in and the current seconds form', () => {
    expect(tokenLifetimeMs({ expires_in: 3600 })).toBe(3_600_000);
    expect(tokenLifetimeMs({ expires_in_sec: 3600, expires_in: 3_600_000 })).toBe(3_600_000);
    expect(tokenLifetimeMs({ expires_in: 3_600_000 })).toBe(3_600_000);
  });

  it('refuses to send the client secret to an accounts server that is not Zoho', async () => {
    const { http, seen } = stubHttp(okToken);
    const err = await oauthWith(http)
      .exchangeCode({
        code: 'c',
        redirectUri: 'https://x/cb',
        accountsServer: 'https://accounts.zoho.evil.example',
      })
      .catch((e: unknown) => e);
    expect((err as ZohoOAuthError).code).toBe('invalid_accounts_server');
    expect(seen).toHaveLength(0);
  });
});
