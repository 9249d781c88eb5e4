/**
 * A small Zoho CRM written only from Zoho's published documentation (and ../shared/docs/reference/crm-protocols.md),
 * independent of the project's simulator, so the connector is checked against the documents rather than against
 * our own reading of them twice. What it follows:
 * - Accounts: `POST /oauth/v2/token` (zoho.com/accounts/protocol/oauth/web-apps/access-token.html and
 *   access-token-expiry.html): parameters in the query string or the form body; `authorization_code` answers
 *   access_token + refresh_token + api_domain + token_type + expires_in (s); `refresh_token` answers no new refresh
 *   token; errors are HTTP 200 `{"error":"invalid_code"|"invalid_client"|...}`.
 * - CRM v8 records (crm/developer/docs/api/v8/get-records.html): `Authorization: Zoho-oauthtoken`, `{"data":[...],
 *   "info":{per_page,count,page,sort_by,sort_order,more_records,next_page_token,...}}`, `fields` mandatory for
 *   lists, `ids`, `If-Modified-Since`, 204 with no body when nothing matches; inserts answer per-record
 *   `{"code":"SUCCESS","details":{id,...},"message":"record added","status":"success"}`; a dead token is 401
 *   `{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`.
 * - Notifications (api/v8/notifications/enable.html): `/actions/watch` POST/PATCH/GET/DELETE; the POST to notify_url
 *   carries {server_time, query_params, module, resource_uri (always /crm/v2/), ids, affected_fields, operation,
 *   channel_id, token}. Channels last at most a week; a missing or longer expiry becomes one hour.
 * - 429: Zoho documents the status but not the body; the usual error envelope with TOO_MANY_REQUESTS is assumed.
 * Faults are injected explicitly (expireAccessTokens, fault), and nothing notifies unless `notify` is called.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type ZohoRecord = Record<string, unknown> & { id: string };
interface Channel {
  channel_id: string;
  events: string[];
  notify_url: string;
  token: string | null;
  channel_expiry: number;
  return_affected_field_values: boolean;
  notify_on_related_action: boolean;
}
export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  ifModifiedSince: string | undefined;
  status: number;
  /** Wall-clock ms the answer was sent (to see the backoff between a 429 and its retry). */
  at: number;
}
export interface Fault {
  times: number;
  match: (r: { method: string; path: string; query: URLSearchParams }) => boolean;
}

const HOUR = 3_600_000;
const OWNER = { name: 'Morgan Reyes', id: '4150868000000225013', email: 'morgan.reyes@outfitters.example' };
const MODULES = ['Deals', 'Leads', 'Contacts', 'Accounts', 'Tasks', 'Notes', 'Calls'];
const err = (code: string, message: string, details: unknown = {}) => ({
  code,
  details,
  message,
  status: 'error',
});

/** `yyyy-MM-ddTHH:mm:ss-05:00`: the API user's zone (America/New_York in winter), seconds precision, as documented. */
const zohoTime = (ms: number): string => `${new Date(ms - 5 * HOUR).toISOString().slice(0, 19)}-05:00`;

export const startZohoDocFake = async () => {
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const clientId = `1000.${randomBytes(12).toString('hex').toUpperCase()}`;
  const clientSecret = randomBytes(20).toString('hex');
  const grants = new Map<string, { redirectUri: string; issuedAt: number }>();
  const refreshTokens = new Set<string>();
  const accessTokens = new Map<string, number>();
  const records = new Map<string, Map<string, ZohoRecord>>(MODULES.map((m) => [m, new Map()]));
  const channels = new Map<string, Channel>();
  const faults: Fault[] = [];
  const log: LoggedRequest[] = [];
  const stats = { authorizationCodeGrants: 0, refreshGrants: 0 };
  let nextId = 1;
  let url = '';

  const newToken = () => `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    if (body === undefined) res.writeHead(status).end();
    else
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
    return status;
  };

  const token = (p: URLSearchParams) => {
    if (p.get('client_id') !== clientId || p.get('client_secret') !== clientSecret)
      return { error: 'invalid_client' };
    const issue = () => {
      const access = newToken();
      accessTokens.set(access, now() + HOUR);
      return { access_token: access, api_domain: url, token_type: 'Bearer', expires_in: 3600 };
    };
    if (p.get('grant_type') === 'authorization_code') {
      const g = grants.get(p.get('code') ?? '');
      grants.delete(p.get('code') ?? '');
      if (!g || now() - g.issuedAt > 60_000) return { error: 'invalid_code' };
      if (g.redirectUri !== p.get('redirect_uri')) return { error: 'invalid_redirect_uri' };
      stats.authorizationCodeGrants++;
      const refresh = newToken();
      refreshTokens.add(refresh);
      return { ...issue(), refresh_token: refresh };
    }
    if (p.get('grant_type') === 'refresh_token') {
      if (!refreshTokens.has(p.get('refresh_token') ?? '')) return { error: 'invalid_code' };
      stats.refreshGrants++;
      return { ...issue(), scope: 'ZohoCRM.modules.ALL ZohoCRM.users.READ ZohoCRM.notifications.ALL' };
    }
    return { error: 'unsupported_grant_type' };
  };

  const watchEntry = (c: Channel) => ({
    code: 'SUCCESS',
    details: {
      events: c.events.map((e) => ({
        channel_expiry: zohoTime(c.channel_expiry),
        resource_uri: `${url}/crm/v2/${e.split('.')[0]}`,
        resource_id: '4150868000000002175',
        resource_name: e.split('.')[0],
        channel_id: c.channel_id,
      })),
    },
    message: 'Successfully subscribed for actions-watch of the given module',
    status: 'success',
  });

  type Answer = [status: number, body?: unknown];
  type WatchInput = Partial<Omit<Channel, 'channel_expiry'> & { channel_expiry: string }>;

  const watch = (method: string, body: { watch?: WatchInput[] }): Answer => {
    if (method === 'GET') {
      const all = [...channels.values()].map((c) => ({
        ...c,
        channel_expiry: zohoTime(c.channel_expiry),
        fields: null,
      }));
      return all.length
        ? [200, { watch: all, info: { per_page: 200, count: all.length, page: 1, more_records: false } }]
        : [204];
    }
    const entries = (body.watch ?? []).map((w) => {
      const id = String(w.channel_id ?? '');
      const prev = channels.get(id);
      if (method === 'PATCH' && !prev) return err('NOT_SUBSCRIBED', 'the channel is not subscribed');
      if (!id || (!prev && (!w.notify_url || !w.events)))
        return err('MANDATORY_NOT_FOUND', 'required field not found');
      if (w.token && w.token.length > 50)
        return err('INVALID_DATA', 'token exceeds 50 characters', { api_name: 'token' });
      const asked = w.channel_expiry ? Date.parse(w.channel_expiry) : Number.NaN;
      const expiry = Number.isNaN(asked) || asked - now() > 7 * 24 * HOUR ? now() + HOUR : asked;
      const c: Channel = {
        channel_id: id,
        events: w.events ?? prev?.events ?? [],
        notify_url: w.notify_url ?? prev?.notify_url ?? '',
        token: w.token ?? prev?.token ?? null,
        channel_expiry: expiry,
        return_affected_field_values:
          w.return_affected_field_values ?? prev?.return_affected_field_values ?? false,
        notify_on_related_action: w.notify_on_related_action ?? prev?.notify_on_related_action ?? true,
      };
      channels.set(id, c);
      return watchEntry(c);
    });
    return [entries.every((e) => e.status === 'success') ? 200 : 400, { watch: entries }];
  };

  const crm = (
    req: IncomingMessage,
    path: string,
    q: URLSearchParams,
    body: { data?: Record<string, unknown>[] },
  ): Answer => {
    const [, module, sub] = /^\/crm\/v\d+(?:\.\d)?\/([^/]+)(?:\/([^/]+))?$/.exec(path) ?? [];
    const auth = /^Zoho-oauthtoken (\S+)$/.exec(req.headers.authorization ?? '');
    if (!auth?.[1]) return [401, err('AUTHENTICATION_FAILURE', 'Authentication failed')];
    const expiry = accessTokens.get(auth[1]);
    if (expiry === undefined || expiry <= now()) return [401, err('INVALID_TOKEN', 'invalid oauth token')];
    const fault = faults.find((f) => f.times > 0 && f.match({ method: req.method ?? '', path, query: q }));
    if (fault) {
      fault.times--;
      return [429, err('TOO_MANY_REQUESTS', 'You have made too many requests. Please try again later.')];
    }
    if (module === 'actions' && sub === 'watch') return watch(req.method ?? '', body as never);
    if (module === 'users') {
      return [
        200,
        {
          users: [
            {
              ...OWNER,
              full_name: OWNER.name,
              status: 'active',
            },
          ],
          info: { per_page: 200, count: 1, page: 1, more_records: false },
        },
      ];
    }
    const store = module ? records.get(module) : undefined;
    if (!store)
      return [
        400,
        err('INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 }),
      ];
    if (sub === 'deleted') return [204];
    if (req.method === 'POST' && !sub) {
      const data = (body.data ?? []).slice(0, 100).map((r) => {
        const id = create(module ?? '', r).id;
        const t = zohoTime(now());
        return {
          code: 'SUCCESS',
          details: { Modified_Time: t, Modified_By: OWNER, Created_Time: t, id, Created_By: OWNER },
          message: 'record added',
          status: 'success',
        };
      });
      return [201, { data }];
    }
    if (req.method !== 'GET')
      return [405, err('INVALID_REQUEST_METHOD', 'the http request method type is not a valid one')];
    if (sub) return store.has(sub) ? [200, { data: [store.get(sub)] }] : [204];
    const ids = q.get('ids')?.split(',');
    if (!ids && !q.get('fields'))
      return [
        400,
        err('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'fields' }),
      ];
    const since = req.headers['if-modified-since']
      ? Date.parse(String(req.headers['if-modified-since']))
      : undefined;
    const fields = q.get('fields')?.split(',');
    const matching = [...store.values()]
      .filter(
        (r) =>
          (!ids || ids.includes(r.id)) &&
          (since === undefined || Date.parse(String(r.Modified_Time)) > since),
      )
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
      .map((r) =>
        fields ? Object.fromEntries(Object.entries(r).filter(([k]) => k === 'id' || fields.includes(k))) : r,
      );
    const perPage = Math.min(Number(q.get('per_page') ?? 200), 200);
    const page = Number(q.get('page') ?? 1);
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return [204];
    const more = page * perPage < matching.length;
    return [
      200,
      {
        data: slice,
        info: {
          call: false,
          per_page: perPage,
          next_page_token: null,
          count: slice.length,
          sort_by: 'id',
          page,
          previous_page_token: null,
          page_token_expiry: null,
          sort_order: 'desc',
          email: false,
          more_records: more,
        },
      },
    ];
  };

  const create = (module: string, values: Record<string, unknown>, id?: string): ZohoRecord => {
    const store = records.get(module);
    if (!store) throw new Error(`no module ${module}`);
    const prev = id ? store.get(id) : undefined;
    const t = zohoTime(now());
    const r: ZohoRecord = {
      Owner: OWNER,
      Created_Time: t,
      ...prev,
      ...values,
      id: id ?? `4150868000${String(1_000_000 + nextId++).padStart(9, '0')}`,
      Modified_Time: t,
      Modified_By: OWNER,
    };
    store.set(r.id, r);
    return r;
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && u.pathname === '/oauth/v2/token') {
      const p = new URLSearchParams(u.search);
      for (const [k, v] of new URLSearchParams(raw)) p.set(k, v);
      return send(res, 200, token(p));
    }
    let body: unknown = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(res, 400, err('INVALID_DATA', 'the body is not valid JSON'));
    }
    const [status, out] = crm(req, u.pathname, u.searchParams, body as never);
    const ims = req.headers['if-modified-since'];
    log.push({
      method: req.method ?? '',
      path: u.pathname,
      query: u.searchParams,
      ifModifiedSince: ims ? String(ims) : undefined,
      status,
      at: Date.now(),
    });
    send(res, status, out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    clientId,
    clientSecret,
    log,
    stats,
    channels: () => [...channels.values()],
    record: (module: string, id: string) => records.get(module)?.get(id),
    /** The one-minute, single-use grant code the consent redirect would carry. */
    issueGrantCode: (redirectUri: string) => {
      const code = newToken();
      grants.set(code, { redirectUri, issuedAt: now() });
      return code;
    },
    /** A refresh token as if the admin had already connected (refresh tokens do not expire). */
    issueRefreshToken: () => {
      const t = newToken();
      refreshTokens.add(t);
      return t;
    },
    /** A user creates or edits a record in Zoho; nothing is sent until `notify`. */
    change: (module: string, values: Record<string, unknown>, id?: string) => create(module, values, id),
    /** Zoho's clock, kept in step with the runtime's (a real CRM and the product share one wall clock). */
    setNow: (d: Date) => {
      offsetMs = Math.max(offsetMs, d.getTime() - Date.now());
    },
    /** Every issued access token dies early, as when revoked or pushed out by the 10-token cap. */
    expireAccessTokens: () => accessTokens.clear(),
    /** The next `times` requests that `match` are answered 429 (Zoho's rate limit), then served normally. */
    fault: (f: Fault) => faults.push(f),
    /**
     * Posts what Zoho posts to each live channel watching `module` for this operation; `token` replaces the
     * channel's token (a forged or stale notification). Resolves to each receiver's answer.
     */
    notify: async (
      module: string,
      ids: string[],
      operation: 'insert' | 'update' | 'delete',
      opts: { token?: string } = {},
    ) => {
      const op = { insert: 'create', update: 'edit', delete: 'delete' }[operation];
      const live = [...channels.values()].filter(
        (c) =>
          c.channel_expiry > now() && c.events.some((e) => e === `${module}.all` || e === `${module}.${op}`),
      );
      return Promise.all(
        live.map(async (c) => {
          const notifyUrl = new URL(c.notify_url);
          const body = {
            server_time: now(),
            query_params: Object.fromEntries(notifyUrl.searchParams),
            module,
            resource_uri: `${url}/crm/v2/${module}`,
            ids,
            affected_fields: operation === 'update' ? ids.map((id) => ({ [id]: ['Stage'] })) : [],
            operation,
            channel_id: c.channel_id,
            token: opts.token ?? c.token,
          };
          const res = await fetch(notifyUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown };
        }),
      );
    },
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
};

export type ZohoDocFake = Awaited<ReturnType<typeof startZohoDocFake>>;
