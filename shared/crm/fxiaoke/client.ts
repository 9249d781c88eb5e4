/**
 * Fxiaoke open-API client (crm-protocols.md §2.2–2.5). Every call is a POST of JSON to the tenant's regional host;
 * business errors come back as HTTP 200 with a non-zero `errorCode`, so no answer counts as success until its
 * errorCode is 0. Tokens are cached behind TokenCache<FxiaokeToken> and fetched at most 10 times a minute and never
 * concurrently, across containers too: a token call runs under a TokenLease (one holder per tenant; the others wait
 * for the token it stores), and a retry of it starts only if it can end before the lease does. 20016 (token
 * expired) gets one new token and one retry. Reads are retried on 429/5xx/busy with jittered backoff;
 * writes only when the platform refused them before executing (429, 30004, 14001): Fxiaoke writes have no
 * idempotency key, so repeating an ambiguous create could make two records.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createHttpClient, type HttpClient, type HttpResponse } from '../http';
import { InMemoryTokenCache, type TokenCache } from '../token-cache';
import { type HeldLease, TokenLease, TokenLeaseTimeoutError } from '../token-lease';
import { FxiaokeApiError, FxiaokeTokenBudgetError } from './errors';
import { MAX_PAGE_SIZE, type ObjectData, type QueryFilter, type QueryInput, type QueryPage } from './query';

/** Fxiaoke's access token as cached (shared/crm/token-cache.ts). */
export interface FxiaokeToken {
  accessToken: string;
  /** Which flow issued it: the v2 bearer token or the legacy corpAccessToken. */
  flow: 'oauth2' | 'legacy';
  /** Enterprise account (oauth2: `ea`, sent as x-fs-ea). */
  ea?: string | undefined;
  /** Legacy: `corpId`, sent in the body with the token. */
  corpId?: string | undefined;
  /** Epoch ms after which the token must not be used (already shortened by a safety margin). */
  expiresAt: number;
}

export type { FilterOperator, ObjectData, QueryFilter, QueryInput, QueryOrder, QueryPage } from './query';
export { MAX_PAGE_SIZE } from './query';

export interface FxiaokeCredentials {
  appId: string;
  appSecret: string;
  permanentCode: string;
  /** The CRM employee the integration acts as (x-fs-userid; legacy: currentOpenUserId). */
  userId: string;
}

export interface FxiaokeClientOptions {
  /** The tenant's regional API host, e.g. https://open.fxiaoke.com (never www.fxiaoke.com). */
  baseUrl: string;
  credentials: FxiaokeCredentials;
  /** `oauth2`: /oauth2.0/token + bearer headers; `legacy`: /cgi/corpAccessToken/get/V2 + body fields. */
  flow?: 'oauth2' | 'legacy';
  tokenCache?: TokenCache<FxiaokeToken>;
  http?: HttpClient;
  timeoutMs?: number;
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  tokenBudget?: { max: number; windowMs: number };
  /** How long one container may spend on a token fetch before another may start one (default: tokenLeaseMs()). */
  tokenLeaseMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const TOKEN_BUDGET = { max: 10, windowMs: 60_000 };
/** The vendor demo renews 180 s before expiry. */
const TOKEN_MARGIN_S = 180;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Room for two token attempts that both time out, and the backoff between them. */
export const tokenLeaseMs = (timeoutMs = DEFAULT_TIMEOUT_MS): number => 2 * timeoutMs + 5_000;

type Mode = 'read' | 'write';
type Envelope = Record<string, unknown> & { errorCode: number };

const dataPath = (apiName: string, action: string): string =>
  apiName.endsWith('__c') ? `/cgi/crm/custom/v2/data/${action}` : `/cgi/crm/v2/data/${action}`;

export class FxiaokeClient {
  private readonly http: HttpClient;
  private readonly cache: TokenCache<FxiaokeToken>;
  private readonly flow: 'oauth2' | 'legacy';
  private readonly cacheKey: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  private readonly timeoutMs: number;
  private readonly lease: TokenLease<FxiaokeToken>;

  constructor(private readonly opts: FxiaokeClientOptions) {
    this.flow = opts.flow ?? 'oauth2';
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // No redirects: www.fxiaoke.com answers 302 to HTML, which must surface as a wrong-host error.
    this.http =
      opts.http ?? createHttpClient({ baseURL: opts.baseUrl, timeout: this.timeoutMs, maxRedirects: 0 });
    this.cache = opts.tokenCache ?? new InMemoryTokenCache<FxiaokeToken>();
    const code = createHash('sha256').update(opts.credentials.permanentCode).digest('hex').slice(0, 16);
    this.cacheKey = `fxiaoke#${opts.baseUrl}#${opts.credentials.appId}#${code}#${this.flow}`;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.retry = { attempts: 4, baseDelayMs: 250, maxDelayMs: 8_000, ...opts.retry };
    this.lease = new TokenLease({
      key: this.cacheKey,
      leaseMs: opts.tokenLeaseMs ?? tokenLeaseMs(this.timeoutMs),
      // A lease kept after a failed fetch is reused only while a whole attempt still fits in it.
      minRemainingMs: this.timeoutMs,
      fresh: () => this.fresh(),
      takeSlot: (key, nowMs, max, windowMs) => this.cache.takeSlot(key, nowMs, max, windowMs),
      release: (key, takenAtMs, windowMs) => this.cache.releaseSlot(key, takenAtMs, windowMs),
      waitedTooLong: () => new TokenLeaseTimeoutError('Fxiaoke'),
      now: this.now,
      sleep: this.sleep,
    });
  }

  /** A valid token: from the cache, or one token call shared by every caller in every container. */
  async token(): Promise<FxiaokeToken> {
    return (await this.fresh()) ?? this.lease.acquire((held) => this.fetchToken(held));
  }

  async query(apiName: string, q: QueryInput = {}): Promise<QueryPage> {
    const limit = q.limit ?? MAX_PAGE_SIZE;
    const out = await this.call(dataPath(apiName, 'query'), 'read', {
      data: {
        dataObjectApiName: apiName,
        find_explicit_total_num: q.findExplicitTotal ?? false,
        search_query_info: {
          limit,
          offset: q.offset ?? 0,
          filters: q.filters ?? [],
          orders: q.orders ?? [],
          ...(q.fieldProjection ? { fieldProjection: q.fieldProjection } : {}),
        },
      },
    });
    const data = (out.data ?? {}) as Partial<QueryPage>;
    if (!Array.isArray(data.dataList)) throw this.malformed('data/query', 'data.dataList is missing');
    return {
      dataList: data.dataList,
      offset: data.offset ?? 0,
      limit: data.limit ?? limit,
      total: data.total ?? 0,
    };
  }

  /**
   * Every record modified at or after `sinceMs`, a page at a time. Keyset paging (sort by `_id`, filter
   * `_id GT <last>`) rather than offsets: offsets stop at 10,000 and skip records that change mid-scan.
   */
  async *modifiedSince(
    apiName: string,
    sinceMs: number,
    opts: { pageSize?: number; fieldProjection?: string[]; filters?: QueryFilter[] } = {},
  ): AsyncGenerator<ObjectData[]> {
    const pageSize = Math.min(opts.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const fields = opts.fieldProjection && ['_id', 'last_modified_time', ...opts.fieldProjection];
    let after: string | undefined;
    for (;;) {
      const filters: QueryFilter[] = [
        { field_name: 'last_modified_time', operator: 'GTE', field_values: [String(sinceMs)] },
        ...(after === undefined
          ? []
          : [{ field_name: '_id', operator: 'GT' as const, field_values: [after] }]),
        ...(opts.filters ?? []),
      ];
      const page = await this.query(apiName, {
        limit: pageSize,
        offset: 0,
        filters,
        orders: [{ fieldName: '_id', isAsc: true }],
        ...(fields ? { fieldProjection: [...new Set(fields)] } : {}),
      });
      if (page.dataList.length > 0) yield page.dataList;
      if (page.dataList.length < pageSize) return;
      const last = page.dataList[page.dataList.length - 1]?._id;
      if (typeof last !== 'string' || (after !== undefined && last <= after)) {
        throw this.malformed('data/query', 'keyset paging did not advance: records must carry ascending _id');
      }
      after = last;
    }
  }

  /** One record by id: the full field map (empty fields left out, as Fxiaoke does). */
  async get(apiName: string, id: string): Promise<ObjectData> {
    const out = await this.call(dataPath(apiName, 'get'), 'read', {
      data: { dataObjectApiName: apiName, objectDataId: id },
    });
    const data = out.data as ObjectData | undefined;
    if (!data || typeof data !== 'object' || typeof data._id !== 'string') {
      throw this.malformed('data/get', 'data._id is missing');
    }
    return data;
  }

  /** Creates one record; workflows run (as in the UI) but approvals do not, unless asked. */
  async create(
    apiName: string,
    objectData: Record<string, unknown>,
    opts: { triggerWorkFlow?: boolean; triggerApprovalFlow?: boolean } = {},
  ): Promise<{ dataId: string }> {
    const out = await this.call(dataPath(apiName, 'create'), 'write', {
      triggerWorkFlow: opts.triggerWorkFlow ?? true,
      triggerApprovalFlow: opts.triggerApprovalFlow ?? false,
      data: { object_data: { ...objectData, dataObjectApiName: apiName } },
    });
    if (typeof out.dataId !== 'string') throw this.malformed('data/create', 'dataId is missing');
    return { dataId: out.dataId };
  }

  /**
   * Writes a follow-up (销售记录, ActiveRecordObj) linked to a record. Field names are from third-party code
   * (`active_record_content`, `related_object_data`); `extra` carries tenant-specific fields such as the type.
   */
  createFollowUp(input: {
    content: string;
    related: { apiName: string; id: string };
    ownerId?: string;
    extra?: Record<string, unknown>;
  }): Promise<{ dataId: string }> {
    return this.create('ActiveRecordObj', {
      active_record_content: input.content,
      related_object_data: [{ describe_api_name: input.related.apiName, id: input.related.id }],
      ...(input.ownerId ? { owner: [input.ownerId] } : {}),
      ...input.extra,
    });
  }

  /** One business call: a token, the request, and on 20016 one new token and one more try. */
  private async call(path: string, mode: Mode, body: Record<string, unknown>): Promise<Envelope> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      try {
        return await this.send(path, mode, this.withAuth(token, body), this.authHeaders(token));
      } catch (err) {
        if (!(err instanceof FxiaokeApiError) || !err.tokenExpired) throw err;
        // A refused token is dropped even when we give up, so the next call does not try it again.
        await this.cache.evict(this.cacheKey, token.accessToken);
        if (attempt > 0) throw err;
      }
    }
  }

  private async fresh(): Promise<FxiaokeToken | undefined> {
    const cached = await this.cache.get(this.cacheKey);
    return cached && cached.expiresAt > this.now() ? cached : undefined;
  }

  private async fetchToken(held: HeldLease): Promise<FxiaokeToken> {
    const { max, windowMs } = this.opts.tokenBudget ?? TOKEN_BUDGET;
    const { appId, appSecret, permanentCode } = this.opts.credentials;
    const legacy = this.flow === 'legacy';
    // Every attempt, retries included, spends one of the 10 calls a minute the endpoint allows.
    const spend = async () => {
      const slot = await this.cache.takeSlot(this.cacheKey, this.now(), max, windowMs);
      if (!slot.ok) throw new FxiaokeTokenBudgetError(slot.retryAfterMs);
    };
    // A retry that could still be running when the lease ends might overlap the next holder's call: the last
    // failure surfaces instead.
    const fits = (delayMs: number) => this.now() + delayMs + this.timeoutMs <= held.until;
    const guard = { beforeAttempt: spend, retryFits: fits };
    const out = legacy
      ? await this.send('/cgi/corpAccessToken/get/V2', 'read', { appId, appSecret, permanentCode }, {}, guard)
      : await this.send(
          '/oauth2.0/token',
          'read',
          { appId, appSecret, permanentCode, grantType: 'app_secret' },
          {},
          guard,
        );
    const accessToken = legacy ? out.corpAccessToken : out.accessToken;
    const expiresIn = Number(out.expiresIn);
    if (typeof accessToken !== 'string' || !accessToken || !(expiresIn > 0)) {
      throw this.malformed('token', 'the token answer has no token or expiresIn');
    }
    const lifeS = expiresIn > TOKEN_MARGIN_S * 2 ? expiresIn - TOKEN_MARGIN_S : expiresIn / 2;
    const token: FxiaokeToken = {
      accessToken,
      flow: this.flow,
      ea: typeof out.ea === 'string' ? out.ea : undefined,
      corpId: typeof out.corpId === 'string' ? out.corpId : undefined,
      expiresAt: this.now() + lifeS * 1000,
    };
    await this.cache.put(this.cacheKey, token);
    return token;
  }

  private authHeaders(token: FxiaokeToken): Record<string, string> {
    if (token.flow === 'legacy') return {};
    return {
      authorization: `Bearer ${token.accessToken}`,
      ...(token.ea ? { 'x-fs-ea': token.ea } : {}),
      'x-fs-userid': this.opts.credentials.userId,
    };
  }

  private withAuth(token: FxiaokeToken, body: Record<string, unknown>): Record<string, unknown> {
    if (token.flow !== 'legacy') return body;
    return {
      corpAccessToken: token.accessToken,
      corpId: token.corpId,
      currentOpenUserId: this.opts.credentials.userId,
      ...body,
    };
  }

  /**
   * POSTs with backoff; resolves only with errorCode 0. Token calls spend their budget in `beforeAttempt` and
   * retry only while `retryFits` the wait (ms) before the next attempt.
   */
  private async send(
    path: string,
    mode: Mode,
    body: unknown,
    headers: Record<string, string> = {},
    guard: { beforeAttempt?: () => Promise<void>; retryFits?: (delayMs: number) => boolean } = {},
  ): Promise<Envelope> {
    const request = `POST ${path}`;
    for (let attempt = 1; ; attempt++) {
      await guard.beforeAttempt?.();
      let res: HttpResponse;
      try {
        res = await this.http.post(path, body, {
          params: { thirdTraceId: randomUUID() },
          headers: { 'content-type': 'application/json', ...headers },
          validateStatus: () => true,
        });
      } catch (err) {
        // No answer (network, timeout): a write may have been executed, so only reads repeat it.
        const failure = new FxiaokeApiError(request, 0, undefined, `no answer: ${(err as Error).message}`);
        if (mode === 'write' || attempt >= this.retry.attempts) throw failure;
        const delay = this.backoff(attempt, undefined);
        if (guard.retryFits && !guard.retryFits(delay)) throw failure;
        await this.sleep(delay);
        continue;
      }
      const failure = this.failureOf(request, res);
      if (!failure) return res.data as Envelope;
      const again = mode === 'write' ? failure.throttled : failure.retryable;
      if (!again || attempt >= this.retry.attempts) throw failure;
      const delay = this.backoff(attempt, res.headers['retry-after']);
      if (guard.retryFits && !guard.retryFits(delay)) throw failure;
      await this.sleep(delay);
    }
  }

  /** Undefined for success (HTTP 200 and errorCode 0); otherwise the error, whatever the HTTP status. */
  private failureOf(request: string, res: HttpResponse): FxiaokeApiError | undefined {
    const body = res.data;
    const env = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
    const code = env && typeof env.errorCode === 'number' ? env.errorCode : undefined;
    const traceId = typeof env?.traceId === 'string' ? env.traceId : undefined;
    const message = typeof env?.errorMessage === 'string' ? env.errorMessage : '';
    if (res.status === 200 && code === 0) return undefined;
    if (res.status >= 300 && res.status < 400) {
      const to = String(res.headers.location ?? '?').slice(0, 100);
      return new FxiaokeApiError(request, res.status, code, `redirected to ${to}: wrong API host`);
    }
    if (res.status === 200 && code === undefined) {
      return new FxiaokeApiError(
        request,
        200,
        undefined,
        'not an Fxiaoke API answer (no errorCode): check the API host (open.fxiaoke.com or the regional one)',
      );
    }
    return new FxiaokeApiError(request, res.status, code, message || `HTTP ${res.status}`, traceId);
  }

  /** Full jitter, exponential; a Retry-After (seconds) from the server is honoured as the floor. */
  private backoff(attempt: number, retryAfter: unknown): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    const jittered = Math.floor(this.random() * cap);
    const seconds = Number(retryAfter);
    return Number.isFinite(seconds) && seconds > 0
      ? Math.max(jittered, Math.min(seconds * 1000, 30_000))
      : jittered;
  }

  private malformed(what: string, message: string): FxiaokeApiError {
    return new FxiaokeApiError(`POST ${what}`, 200, 0, `unexpected answer: ${message}`);
  }
}
