/**
 * A faithful Fxiaoke open-API simulator (crm-protocols.md §2) on 127.0.0.1:<random port>, for the demo and the
 * integration tests: the token endpoints (v2 /oauth2.0/token and legacy corpAccessToken; 10 calls a minute, no
 * concurrency, 7200 s tokens renewed after 6600 s), data query/get/create with `search_query_info` semantics,
 * every business error as HTTP 200 + errorCode, the per-API limit (100 calls / 20 s), expired tokens (20016),
 * injected faults (HTTP 429/5xx, error codes, slow answers) and data-change callbacks to a subscriber.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackSender, type DeliveryAttempt, type Subscriber } from './callbacks';
import { type SeedOptions, seedSimulator } from './seed';
import { PARAM_ERROR, present, SimParamError, type SimRecord, SimRecords } from './store';

export { DEMO_PEOPLE, DEMO_SALES_STAGES, DEMO_STAGE_MAPPING } from './seed';
export type { SimRecord } from './store';

export const SIM_APP = {
  appId: 'FSAID_131a0f1',
  appSecret: 'sim-app-secret-0123456789abcdef',
  permanentCode: 'sim-permanent-code-7f3c2a',
  ea: 'qfdemo',
  corpId: 'FSCID_9D2E1A',
  tenantId: 691413,
  /** The CRM employee integrations act as (the manager, who sees the whole team's data). */
  userId: '1000',
};

export type FxiaokeFault =
  | { kind: 'http'; status: number; times?: number; path?: string; retryAfterSeconds?: number }
  | { kind: 'errorCode'; errorCode: number; errorMessage?: string; times?: number; path?: string }
  | { kind: 'slow'; delayMs: number; times?: number; path?: string };

export interface SimulatorFaults {
  queue?: FxiaokeFault[];
  callbacks?: { duplicate?: boolean; outOfOrder?: boolean };
  /** Per-API limit; `false` turns it off (tests that page through 10,000+ records quickly). */
  apiRateLimit?: { calls: number; windowMs: number } | false;
  tokenRateLimit?: { calls: number; windowMs: number };
}

export interface FxiaokeSimulator {
  url: string;
  app: typeof SIM_APP;
  records: SimRecords;
  stats: {
    tokenCalls: number;
    maxConcurrentTokenCalls: number;
    callsByPath: Record<string, number>;
    /** Records created through data/create, by object: write-backs are counted. */
    created: Record<string, number>;
  };
  faults: SimulatorFaults;
  inject(fault: FxiaokeFault): void;
  /** Every token issued so far stops working (the next business call answers 20016). */
  expireTokens(): void;
  subscribe(subscriber: Subscriber): void;
  /** Applies `patch`, bumps last_modified_time and sends the callback; resolves with the delivery attempts. */
  changeRecord(
    apiName: string,
    id: string,
    patch?: Record<string, unknown>,
    opts?: { eventType?: string },
  ): Promise<DeliveryAttempt[]>;
  /** Delivers callbacks held by the out-of-order fault, newest first. */
  flushCallbacks(): Promise<DeliveryAttempt[]>;
  deliveries: DeliveryAttempt[];
  stop(): Promise<void>;
}

const TOKEN_LIFE_S = 7200;
const TOKEN_SAME_UNTIL_S = 6600;

class Reply {
  constructor(readonly body: Record<string, unknown>) {}
}
const fail = (errorCode: number, errorMessage: string) =>
  new Reply({ errorCode, errorMessage, errorDescription: errorMessage, traceId: `E-O.sim.${Date.now()}` });
const ok = (extra: Record<string, unknown>) =>
  new Reply({
    errorCode: 0,
    errorMessage: 'OK',
    errorDescription: 'success',
    traceId: `E-O.sim.${Date.now()}`,
    ...extra,
  });

const readJson = (req: IncomingMessage): Promise<Record<string, unknown> | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as unknown;
        resolve(
          typeof v === 'object' && v !== null && !Array.isArray(v)
            ? (v as Record<string, unknown>)
            : undefined,
        );
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', reject);
  });

export const startFxiaokeSimulator = async (
  opts: { seed?: SeedOptions; faults?: SimulatorFaults; now?: () => number } = {},
): Promise<FxiaokeSimulator> => {
  const now = opts.now ?? Date.now;
  const records = new SimRecords();
  seedSimulator(records, now(), opts.seed);
  const faults: SimulatorFaults = { queue: [], ...opts.faults };
  const stats = {
    tokenCalls: 0,
    maxConcurrentTokenCalls: 0,
    callsByPath: {} as Record<string, number>,
    created: {} as Record<string, number>,
  };
  const tokens = new Map<string, { issuedAt: number; flow: 'oauth2' | 'legacy' }>();
  const current: Partial<Record<'oauth2' | 'legacy', string>> = {};
  const calls = new Map<string, number[]>();
  let tokenInFlight = 0;
  let subscriber: Subscriber | undefined;
  const sender = new CallbackSender({
    ea: SIM_APP.ea,
    tenantId: SIM_APP.tenantId,
    now,
    faults: () => faults.callbacks ?? {},
  });

  const overLimit = (key: string, limit: { calls: number; windowMs: number } | false | undefined) => {
    if (!limit) return false;
    const recent = (calls.get(key) ?? []).filter((t) => t > now() - limit.windowMs);
    calls.set(key, recent);
    if (recent.length >= limit.calls) return true;
    recent.push(now());
    return false;
  };

  const takeFault = (path: string): FxiaokeFault | undefined => {
    const queue = faults.queue ?? [];
    const i = queue.findIndex((f) => !f.path || f.path === path);
    const fault = queue[i];
    if (!fault) return undefined;
    if ((fault.times ?? 1) <= 1) queue.splice(i, 1);
    else fault.times = (fault.times ?? 1) - 1;
    return fault;
  };

  const issueToken = async (body: Record<string, unknown>, flow: 'oauth2' | 'legacy'): Promise<Reply> => {
    stats.tokenCalls++;
    const concurrent = tokenInFlight > 0;
    tokenInFlight++;
    stats.maxConcurrentTokenCalls = Math.max(stats.maxConcurrentTokenCalls, tokenInFlight);
    try {
      await new Promise((r) => setTimeout(r, 15)); // long enough for concurrent callers to overlap
      if (concurrent) return fail(30004, 'token endpoint must not be called concurrently'); // [I] code
      if (overLimit('token', faults.tokenRateLimit ?? { calls: 10, windowMs: 60_000 })) {
        return fail(30004, 'token endpoint allows 10 calls per minute'); // [I] code
      }
      if (body.appId !== SIM_APP.appId || body.appSecret !== SIM_APP.appSecret) {
        return fail(10006, 'the parameter appSecret is missing or illegal');
      }
      if (body.permanentCode !== SIM_APP.permanentCode) {
        return fail(10006, 'the parameter permanentCode is missing or illegal');
      }
      // The same token for the first 6600 s; then a new one, the old one still valid until its 7200 s.
      const existing = current[flow];
      const issued = existing ? tokens.get(existing) : undefined;
      let token = existing;
      if (!token || !issued || now() - issued.issuedAt >= TOKEN_SAME_UNTIL_S * 1000) {
        token = randomBytes(16).toString('hex').toUpperCase();
        tokens.set(token, { issuedAt: now(), flow });
        current[flow] = token;
      }
      const expiresIn = TOKEN_LIFE_S - Math.floor((now() - (tokens.get(token)?.issuedAt ?? now())) / 1000);
      return flow === 'legacy'
        ? ok({ corpAccessToken: token, corpId: SIM_APP.corpId, expiresIn })
        : ok({
            accessToken: token,
            expiresIn,
            ea: SIM_APP.ea,
            appId: SIM_APP.appId,
            openUserId: SIM_APP.corpId,
          });
    } finally {
      tokenInFlight--;
    }
  };

  /** Returns the acting user id, or the error reply (20017 no auth, 20016 bad or expired token). */
  const authenticate = (req: IncomingMessage, body: Record<string, unknown>): string | Reply => {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const legacy = typeof body.corpAccessToken === 'string' ? body.corpAccessToken : undefined;
    const token = bearer ?? legacy;
    if (!token) return fail(20017, 'corpAccessToken为必填项，不能为空');
    const t = tokens.get(token);
    const alive = t && now() - t.issuedAt < TOKEN_LIFE_S * 1000;
    const scoped = bearer ? req.headers['x-fs-ea'] === SIM_APP.ea : body.corpId === SIM_APP.corpId;
    if (!alive || !scoped) return fail(20016, 'the cropId,cropAccessToken or authorization is error');
    const user = bearer ? req.headers['x-fs-userid'] : body.currentOpenUserId;
    if (typeof user !== 'string' || !records.list('PersonnelObj').some((p) => p.user_id === user)) {
      return fail(PARAM_ERROR, 'x-fs-userid (currentOpenUserId) is not an employee of this enterprise'); // [I]
    }
    return user;
  };

  const data = (body: Record<string, unknown>) =>
    (typeof body.data === 'object' && body.data !== null ? body.data : {}) as Record<string, unknown>;
  const apiNameOf = (d: Record<string, unknown>) =>
    typeof d.dataObjectApiName === 'string'
      ? d.dataObjectApiName
      : typeof d.apiName === 'string'
        ? d.apiName
        : '';

  /** A follow-up must name records that exist: `[{describe_api_name, id}]`. Undefined when it does. */
  const missingRelated = (related: unknown): string | undefined => {
    if (!Array.isArray(related) || related.length === 0) return 'related_object_data is required';
    for (const r of related as { describe_api_name?: unknown; id?: unknown }[]) {
      if (typeof r?.describe_api_name !== 'string' || typeof r.id !== 'string')
        return 'related_object_data entries need describe_api_name and id';
      if (!records.get(r.describe_api_name, r.id))
        return `数据不存在或已被删除: ${r.describe_api_name} ${r.id}`;
    }
    return undefined;
  };

  const business = (action: string, body: Record<string, unknown>, user: string): Reply => {
    const d = data(body);
    if (action === 'query') {
      const info = d.search_query_info;
      if (typeof info !== 'object' || info === null)
        return fail(PARAM_ERROR, 'data.search_query_info is required');
      const page = records.query(
        apiNameOf(d),
        info as Record<string, unknown>,
        d.find_explicit_total_num === true,
      );
      return ok({ data: page });
    }
    if (action === 'get') {
      const r = records.get(apiNameOf(d), String(d.objectDataId ?? ''));
      if (!r) return fail(PARAM_ERROR, '数据不存在或已被删除'); // [I] code
      return ok({ data: present(r, undefined, body.includeNull === true) });
    }
    if (action === 'create') {
      const objectData = d.object_data as Record<string, unknown> | undefined;
      const apiName =
        objectData && typeof objectData.dataObjectApiName === 'string' ? objectData.dataObjectApiName : '';
      if (!objectData || !apiName) return fail(PARAM_ERROR, 'data.object_data.dataObjectApiName is required');
      const required = apiName === 'ActiveRecordObj' ? 'active_record_content' : 'name';
      if (typeof objectData[required] !== 'string') return fail(PARAM_ERROR, `${required} is required`);
      const missing =
        apiName === 'ActiveRecordObj' ? missingRelated(objectData.related_object_data) : undefined;
      if (missing) return fail(PARAM_ERROR, missing); // [I] code
      const { dataObjectApiName: _api, ...fields } = objectData;
      const t = now();
      const _id =
        Math.floor(t / 1000)
          .toString(16)
          .padStart(8, '0') + randomBytes(8).toString('hex');
      records.put(apiName, {
        owner: [user],
        ...fields,
        _id,
        created_by: [user],
        create_time: t,
        last_modified_time: t,
        life_status: 'normal',
        is_deleted: false,
      });
      stats.created[apiName] = (stats.created[apiName] ?? 0) + 1;
      return ok({ dataId: _id });
    }
    return fail(PARAM_ERROR, `unsupported action ${action}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    stats.callsByPath[path] = (stats.callsByPath[path] ?? 0) + 1;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
      res.end(text);
    };
    const fault = takeFault(path);
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.kind === 'http') {
      const retry: Record<string, string> = fault.retryAfterSeconds
        ? { 'retry-after': String(fault.retryAfterSeconds) }
        : {};
      return send(fault.status, { message: `simulated HTTP ${fault.status}` }, retry);
    }
    if (fault?.kind === 'errorCode') {
      return send(
        200,
        fail(fault.errorCode, fault.errorMessage ?? `simulated error ${fault.errorCode}`).body,
      );
    }
    if (req.method !== 'POST') return send(200, fail(PARAM_ERROR, 'every Fxiaoke API call is a POST').body);
    const body = await readJson(req);
    if (!body) return send(200, fail(PARAM_ERROR, 'the body must be a JSON object').body);
    if (path === '/oauth2.0/token') return send(200, (await issueToken(body, 'oauth2')).body);
    if (path === '/cgi/corpAccessToken/get/V2') return send(200, (await issueToken(body, 'legacy')).body);
    const m = /^\/cgi\/crm\/(?:custom\/)?v2\/data\/(query|get|create)$/.exec(path);
    if (!m?.[1]) return send(404, { message: `no such API: ${path}` });
    const user = authenticate(req, body);
    if (user instanceof Reply) return send(200, user.body);
    if (overLimit(path, faults.apiRateLimit ?? { calls: 100, windowMs: 20_000 })) {
      return send(200, fail(30004, '接口调用频率超过限制').body);
    }
    try {
      return send(200, business(m[1], body, user).body);
    } catch (err) {
      if (err instanceof SimParamError) return send(200, fail(err.errorCode, err.message).body);
      throw err;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String((err as Error).message) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    app: SIM_APP,
    records,
    stats,
    faults,
    inject: (fault) => {
      faults.queue ??= [];
      faults.queue.push(fault);
    },
    expireTokens: () => tokens.clear(),
    subscribe: (s) => {
      subscriber = s;
    },
    changeRecord: async (apiName, id, patch = {}, o = {}) => {
      const existing = records.get(apiName, id);
      if (!existing) throw new Error(`no ${apiName} record ${id}`);
      const updated: SimRecord = { ...existing, ...patch, _id: id, last_modified_time: now() };
      records.put(apiName, updated);
      if (!subscriber) throw new Error('no callback subscriber: call subscribe({ url, aesKey }) first');
      return sender.send(subscriber, { eventType: o.eventType ?? 'update', apiName, dataId: id });
    },
    flushCallbacks: () => sender.flush(),
    deliveries: sender.attempts,
    stop: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
};
