/**
 * The transport under every Zoho CRM call: auth header (`Zoho-oauthtoken`, not Bearer), the token's api_domain,
 * one refresh on INVALID_TOKEN, retries with exponential backoff and full jitter on 429/5xx, a per-tenant
 * concurrency cap (Zoho counts concurrent calls per app per org, from 5 on Free), and a call counter, because
 * every call costs API credits and tests prove imports cost what they should.
 */

import * as z from '../../../events/zod';
import { createHttpClient, type HttpClient } from '../http';
import { ZohoApiError } from './errors';
import { apiBaseUrlFor, type ZohoHostConfig } from './hosts';
import type { ZohoOAuth } from './oauth';

export type CallKind = 'list' | 'get' | 'deleted' | 'write' | 'watch' | 'query';

export interface CallCounter {
  readonly total: number;
  readonly byKind: Readonly<Record<CallKind, number>>;
  reset(): void;
}

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface ZohoClientOptions {
  conn: ZohoHostConfig;
  oauth: Pick<ZohoOAuth, 'token' | 'invalidate'>;
  /** Path segment after /crm/; v8 is current. Channel expiry maxima depend on it (see watch.ts). */
  apiVersion?: string;
  http?: HttpClient;
  /** Concurrent requests per tenant in this process. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface ZohoRequest {
  kind: CallKind;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** After /crm/{version}, e.g. `/Deals`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Error statuses whose body the caller parses itself (watch answers wrap errors in `watch[]`). */
  passStatuses?: readonly number[];
}

export interface ZohoResponse {
  status: number;
  /** undefined for 204/304. */
  data: unknown;
  headers: Record<string, unknown>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 500, maxMs: 30_000 };
const errorEnvelope = z.looseObject({
  code: z.string(),
  message: z.optional(z.string()),
  details: z.unknown(),
});

/** A counting semaphore: callers beyond `limit` wait in FIFO order. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

const emptyCounts = (): Record<CallKind, number> => ({
  list: 0,
  get: 0,
  deleted: 0,
  write: 0,
  watch: 0,
  query: 0,
});

export class ZohoClient {
  private counts = emptyCounts();
  readonly calls: CallCounter;
  readonly apiVersion: string;
  private readonly http: HttpClient;
  private readonly limiter: Limiter;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly opts: ZohoClientOptions) {
    this.apiVersion = opts.apiVersion ?? 'v8';
    this.http = opts.http ?? createHttpClient({ timeout: 30_000 });
    this.limiter = new Limiter(opts.concurrency ?? 5);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    const self = this;
    this.calls = {
      get total() {
        return Object.values(self.counts).reduce((a, b) => a + b, 0);
      },
      get byKind() {
        return self.counts;
      },
      reset: () => {
        this.counts = emptyCounts();
      },
    };
  }

  /** Full-jitter backoff: spreads retries of many callers instead of synchronising them on Zoho. */
  backoffMs(attempt: number): number {
    return Math.floor(this.random() * Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** attempt));
  }

  async send(req: ZohoRequest): Promise<ZohoResponse> {
    return this.limiter.run(() => this.attempt(req));
  }

  private async attempt(req: ZohoRequest): Promise<ZohoResponse> {
    // A 5xx on a write may have been applied: only reads (and 429, refused before processing) are repeated here.
    const idempotent = req.method === 'GET' || req.kind === 'watch';
    const described = `${req.method} /crm/${this.apiVersion}${req.path}`;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.opts.oauth.token();
      const url = `${apiBaseUrlFor(this.opts.conn, token.apiDomain)}/crm/${this.apiVersion}${req.path}`;
      let res: { status: number; data: unknown; headers: Record<string, unknown> };
      try {
        this.counts[req.kind]++;
        res = await this.http.request({
          url,
          method: req.method,
          params: req.query,
          data: req.body,
          headers: { ...req.headers, Authorization: `Zoho-oauthtoken ${token.accessToken}` },
          validateStatus: () => true,
        });
      } catch (err) {
        // Network failure or timeout: safe to repeat only when the request is idempotent.
        if (idempotent && attempt + 1 < this.retry.attempts) {
          await this.sleep(this.backoffMs(attempt));
          continue;
        }
        throw err;
      }
      if (
        (res.status >= 200 && res.status < 300) ||
        res.status === 304 ||
        req.passStatuses?.includes(res.status)
      ) {
        const empty = res.status === 204 || res.status === 304 || res.data === '' || res.data === undefined;
        return { status: res.status, data: empty ? undefined : res.data, headers: res.headers };
      }
      const env = errorEnvelope.safeParse(res.data);
      const code = env.success ? env.data.code : `HTTP_${res.status}`;
      if (res.status === 401 && code === 'INVALID_TOKEN' && !refreshed) {
        // The token died early (revoked, the 10-token cap, a clock skew): refresh once, for this request only.
        refreshed = true;
        await this.opts.oauth.invalidate(token.accessToken);
        attempt--;
        continue;
      }
      const retryable = res.status === 429 || (res.status >= 500 && idempotent);
      if (retryable && attempt + 1 < this.retry.attempts) {
        await this.sleep(this.backoffMs(attempt));
        continue;
      }
      throw new ZohoApiError(
        res.status,
        code,
        env.success ? (env.data.message ?? code) : `unexpected HTTP ${res.status}`,
        env.success ? env.data.details : undefined,
        described,
      );
    }
  }
}
