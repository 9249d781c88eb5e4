/**
 * Zoho OAuth 2.0 (crm-protocols.md §1.2): authorization-code exchange, refresh, revoke. The access token is
 * cached behind TokenCache and refreshed single-flight, so concurrent callers share one refresh, and behind a
 * refresh budget, so a bug or a storm of 401s cannot trip Zoho's token throttle (which retrying only extends).
 *
 * Across containers, one refresh at a time per tenant (TokenLease: the budget's own sliding window with room for
 * one call on `<key>#lease`, which frees itself if its holder dies). Containers that find the lease taken wait for
 * the token the holder stores.
 */

import * as z from '../../../events/zod';
import { createHttpClient, type HttpClient } from '../http';
import type { TokenCache } from '../token-cache';
import { TokenLease } from '../token-lease';
import { ZohoOAuthError, ZohoRefreshBudgetError } from './errors';
import { dataCentreForAccountsServer } from './hosts';

/** Zoho's access token as cached (shared/crm/token-cache.ts). */
export interface CachedToken {
  accessToken: string;
  /** The `api_domain` the token was issued for: API calls must go there. */
  apiDomain?: string | undefined;
  /** Epoch ms after which the token must not be used. */
  expiresAt: number;
}

/** Accounts "token limits" page: 10 access-token requests per 10 minutes. */
export const DEFAULT_REFRESH_BUDGET = { max: 10, windowMs: 10 * 60_000 };
/** One refresh in flight per tenant across containers; longer than a token call can take (10 s timeout). */
export const REFRESH_LEASE_MS = 15_000;
/** Refresh this long before expiry, so a token never dies mid-import. */
const EARLY_REFRESH_MS = 5 * 60_000;
const DEFAULT_LIFETIME_S = 3600;

// Loose on purpose: Zoho adds fields, and old servers send `expires_in_sec` with `expires_in` in milliseconds.
const tokenResponse = z.looseObject({
  access_token: z.optional(z.string().check(z.minLength(1))),
  refresh_token: z.optional(z.string().check(z.minLength(1))),
  api_domain: z.optional(z.string()),
  expires_in: z.optional(z.number()),
  expires_in_sec: z.optional(z.number()),
  error: z.optional(z.string()),
  error_description: z.optional(z.string()),
});
type TokenResponse = z.infer<typeof tokenResponse>;

/** Lifetime in ms, whichever shape the server used. */
export const tokenLifetimeMs = (r: Pick<TokenResponse, 'expires_in' | 'expires_in_sec'>): number => {
  if (r.expires_in_sec !== undefined) return r.expires_in_sec * 1000;
  if (r.expires_in === undefined) return DEFAULT_LIFETIME_S * 1000;
  // No access token lives a day; a value this large is the legacy milliseconds field.
  return r.expires_in > 86_400 ? r.expires_in : r.expires_in * 1000;
};

export interface ZohoOAuthOptions {
  accountsUrl: string;
  clientId: string;
  clientSecret: string;
  /** Read lazily (from the tenant's secrets) only when a refresh is needed. */
  refreshToken: () => Promise<string>;
  cache: TokenCache<CachedToken>;
  /** One cache entry per tenant (and per refresh token): never share a token across tenants. */
  cacheKey: string;
  http?: HttpClient;
  now?: () => number;
  refreshBudget?: { max: number; windowMs: number };
  refreshLeaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CodeExchange {
  refreshToken: string;
  token: CachedToken;
}

export class ZohoOAuth {
  /** Requests sent to the token endpoint (for tests and metrics). */
  tokenCalls = 0;
  private readonly lease: TokenLease<CachedToken>;
  private readonly http: HttpClient;
  private readonly now: () => number;

  constructor(private readonly opts: ZohoOAuthOptions) {
    this.http = opts.http ?? createHttpClient({ timeout: 10_000 });
    this.now = opts.now ?? Date.now;
    this.lease = new TokenLease({
      key: opts.cacheKey,
      leaseMs: opts.refreshLeaseMs ?? REFRESH_LEASE_MS,
      fresh: () => this.fresh(),
      takeSlot: (key, nowMs, max, windowMs) => opts.cache.takeSlot(key, nowMs, max, windowMs),
      release: (key, takenAtMs, windowMs) => opts.cache.releaseSlot(key, takenAtMs, windowMs),
      waitedTooLong: () =>
        new ZohoOAuthError('refresh_lease', 'another process holds the token refresh lease', 0),
      now: this.now,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    });
  }

  /** The URL to send the user to; `access_type=offline` + `prompt=consent` are what yield a refresh token. */
  authorizationUrl(p: { redirectUri: string; scopes: readonly string[]; state: string }): string {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: this.opts.clientId,
      scope: p.scopes.join(','),
      redirect_uri: p.redirectUri,
      access_type: 'offline',
      prompt: 'consent',
      state: p.state,
    });
    return `${this.opts.accountsUrl}/oauth/v2/auth?${q}`;
  }

  /**
   * Exchanges a one-time grant code. `accountsServer` is the redirect's `accounts-server` value: honoured only if it
   * is a known Zoho accounts host (or the configured one), so a forged redirect cannot harvest the client secret.
   */
  async exchangeCode(p: {
    code: string;
    redirectUri: string;
    accountsServer?: string;
  }): Promise<CodeExchange> {
    const server = p.accountsServer?.replace(/\/+$/, '');
    if (server && server !== this.opts.accountsUrl && !dataCentreForAccountsServer(server)) {
      throw new ZohoOAuthError('invalid_accounts_server', `${server} is not a Zoho accounts server`, 0);
    }
    const r = await this.post(server ?? this.opts.accountsUrl, {
      grant_type: 'authorization_code',
      code: p.code,
      redirect_uri: p.redirectUri,
    });
    if (!r.refresh_token) {
      throw new ZohoOAuthError(
        'no_refresh_token',
        'Zoho issued no refresh token; authorize with access_type=offline&prompt=consent',
        200,
      );
    }
    const token = this.toCached(r);
    await this.opts.cache.put(this.opts.cacheKey, token);
    return { refreshToken: r.refresh_token, token };
  }

  /** A usable access token: the cached one, or one refresh shared by every concurrent caller. */
  async token(): Promise<CachedToken> {
    return (await this.fresh()) ?? this.lease.acquire(() => this.refreshHoldingLease());
  }

  /** Called when the API answered INVALID_TOKEN for `rejected`; the next token() refreshes (once for all callers). */
  async invalidate(rejected: string): Promise<void> {
    await this.opts.cache.evict(this.opts.cacheKey, rejected);
  }

  async revoke(refreshToken: string): Promise<void> {
    this.tokenCalls++;
    await this.http.post(
      `${this.opts.accountsUrl}/oauth/v2/token/revoke`,
      new URLSearchParams({ token: refreshToken }),
    );
  }

  private async fresh(): Promise<CachedToken | undefined> {
    const cached = await this.opts.cache.get(this.opts.cacheKey);
    return cached && cached.expiresAt - EARLY_REFRESH_MS > this.now() ? cached : undefined;
  }

  private async refreshHoldingLease(): Promise<CachedToken> {
    const budget = this.opts.refreshBudget ?? DEFAULT_REFRESH_BUDGET;
    const slot = await this.opts.cache.takeSlot(this.opts.cacheKey, this.now(), budget.max, budget.windowMs);
    if (!slot.ok) throw new ZohoRefreshBudgetError(slot.retryAfterMs);
    const r = await this.post(this.opts.accountsUrl, {
      grant_type: 'refresh_token',
      refresh_token: await this.opts.refreshToken(),
    });
    const token = this.toCached(r);
    await this.opts.cache.put(this.opts.cacheKey, token);
    return token;
  }

  private toCached(r: TokenResponse): CachedToken {
    if (!r.access_token)
      throw new ZohoOAuthError('no_access_token', 'the token response has no access_token', 200);
    return {
      accessToken: r.access_token,
      apiDomain: r.api_domain,
      expiresAt: this.now() + tokenLifetimeMs(r),
    };
  }

  /** Parameters go in the form body (not the query string) so the client secret stays out of access logs. */
  private async post(accountsUrl: string, params: Record<string, string>): Promise<TokenResponse> {
    this.tokenCalls++;
    const res = await this.http.post(
      `${accountsUrl}/oauth/v2/token`,
      new URLSearchParams({
        ...params,
        client_id: this.opts.clientId,
        client_secret: this.opts.clientSecret,
      }),
      { validateStatus: () => true, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    const parsed = tokenResponse.safeParse(res.data);
    if (!parsed.success) {
      throw new ZohoOAuthError(
        `http_${res.status}`,
        `unexpected token response (HTTP ${res.status})`,
        res.status,
      );
    }
    // Zoho reports most token errors with HTTP 200 and an `error` field: the status alone proves nothing.
    if (parsed.data.error) {
      throw new ZohoOAuthError(
        parsed.data.error,
        parsed.data.error_description ?? parsed.data.error,
        res.status,
      );
    }
    if (res.status >= 300) {
      throw new ZohoOAuthError(
        `http_${res.status}`,
        `token endpoint answered HTTP ${res.status}`,
        res.status,
      );
    }
    return parsed.data;
  }
}
