/**
 * A faithful Zoho CRM simulator on 127.0.0.1 (crm-protocols.md §1, fault modes from §3): one origin serves both
 * the accounts paths (/oauth/v2/...) and the API paths (/crm/{version}/...), and the token response's api_domain
 * points back at it, so a client that honours api_domain works unchanged against Zoho and against this.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccountsServer } from './accounts';
import { Channels, type Delivery } from './channels';
import { apiError, RecordsApi } from './records-api';
import { type SeedOptions, type SeedRecord, seedData, USERS } from './seed';
import { RecordStore } from './store';

export { STAGES, USERS } from './seed';

export interface ZohoFaults {
  /** The next N API calls answer 429 TOO_MANY_REQUESTS. */
  tooManyRequests?: number;
  /** The next N API calls answer 500 INTERNAL_ERROR. */
  serverErrors?: number;
  /** Delay before every API answer. */
  slowMs?: number;
  /** Every notification is delivered twice. */
  duplicateNotifications?: boolean;
  /** Notifications are held until flushNotifications(), then sent newest first. */
  outOfOrderNotifications?: boolean;
  /** Token responses in the legacy shape (expires_in in milliseconds). */
  legacyTokenShape?: boolean;
  /** Answer 304 instead of 204 when If-Modified-Since matches nothing. */
  notModified304?: boolean;
}

export interface ZohoSimulatorOptions {
  seed?: SeedOptions;
  faults?: ZohoFaults;
  clientId?: string;
  clientSecret?: string;
  now?: () => number;
  /** The API user's UTC offset in minutes (Zoho renders times in it); default +08:00. */
  offsetMinutes?: number;
  refreshLimit?: { max: number; windowMs: number };
}

export interface SimRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface ZohoSimulator {
  url: string;
  clientId: string;
  clientSecret: string;
  faults: ZohoFaults;
  /** Every request answered, in order. */
  requests: SimRequest[];
  /** Records created through the API (inserts, and upserts that inserted), by module: write-backs are counted. */
  created: Readonly<Record<string, number>>;
  accounts: AccountsServer;
  store: RecordStore;
  channels: Channels;
  issueGrantCode(redirectUri: string): string;
  issueRefreshToken(): string;
  /** Invalidates every access token: the next API call gets 401 INVALID_TOKEN. */
  expireAccessTokens(): void;
  /** Changes fields as a user would and notifies subscribed channels; returns the deliveries made. */
  changeRecord(module: string, id: string, values: Record<string, unknown>): Promise<Delivery[]>;
  /** Several records changed at once: one batched notification carrying all ids. */
  changeRecords(
    module: string,
    changes: { id: string; values: Record<string, unknown> }[],
  ): Promise<Delivery[]>;
  deleteRecord(module: string, id: string): Promise<Delivery[]>;
  flushNotifications(): Promise<Delivery[]>;
  stop(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = (res: ServerResponse, status: number, body?: unknown): void => {
  if (body === undefined || status === 204 || status === 304) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
};

/**
 * `GET /users?type=AllUsers&page&per_page`: the seeded users as Zoho lists them, the reps reporting to the manager,
 * each with a role and a territory.
 */
const usersPage = (q: URLSearchParams): { status: number; body?: unknown } => {
  const manager = USERS.find((u) => u.role === 'manager');
  const page = Number(q.get('page') ?? 1);
  const perPage = Math.min(Number(q.get('per_page') ?? 200), 200);
  const all = USERS.map((u) => {
    const territory = /[\u4e00-\u9fff]/.test(u.name)
      ? { id: '5725767000000500001', name: '华东区', manager: u.role === 'manager' }
      : { id: '5725767000000500002', name: 'International', manager: false };
    return {
      id: u.id,
      full_name: u.name,
      email: u.email,
      status: 'active',
      role:
        u.role === 'manager'
          ? { name: 'Sales Manager', id: '5725767000000026005' }
          : { name: 'Sales Rep', id: '5725767000000026008' },
      profile: { name: u.role === 'manager' ? 'Administrator' : 'Standard', id: '5725767000000026011' },
      reporting_to: u.role === 'manager' || !manager ? null : { name: manager.name, id: manager.id },
      territories: [territory],
      time_zone: 'Asia/Shanghai',
    };
  });
  const slice = all.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      users: slice,
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < all.length },
    },
  };
};

export const startZohoSimulator = async (opts: ZohoSimulatorOptions = {}): Promise<ZohoSimulator> => {
  const now = opts.now ?? Date.now;
  const offsetMinutes = opts.offsetMinutes ?? 480;
  const faults: ZohoFaults = { ...opts.faults };
  let url = '';
  const clientId = opts.clientId ?? '1000.SIMULATORCLIENT';
  const clientSecret = opts.clientSecret ?? 'simulator-client-secret';
  const accounts = new AccountsServer({
    clientId,
    clientSecret,
    apiDomain: () => url,
    now,
    refreshLimit: opts.refreshLimit ?? { max: 10, windowMs: 10 * 60_000 },
    legacyShape: () => !!faults.legacyTokenShape,
  });
  const store = new RecordStore(seedData(opts.seed ?? {}, now()), offsetMinutes);
  const channels = new Channels({
    now,
    offsetMinutes,
    apiDomain: () => url,
    hasModule: (m) => store.has(m),
    duplicate: () => !!faults.duplicateNotifications,
    outOfOrder: () => !!faults.outOfOrderNotifications,
  });
  const records = new RecordsApi({
    store,
    channels,
    now,
    notModifiedStatus: () => (faults.notModified304 ? 304 : 204),
  });
  const requests: SimRequest[] = [];

  const api = async (req: IncomingMessage, u: URL, raw: string) => {
    const auth = req.headers.authorization ?? '';
    if (!auth) return apiError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed');
    if (!auth.startsWith('Zoho-oauthtoken ') || !accounts.validAccess(auth.slice(16))) {
      return apiError(401, 'INVALID_TOKEN', 'invalid oauth token');
    }
    if (faults.slowMs) await new Promise((r) => setTimeout(r, faults.slowMs));
    if (faults.tooManyRequests) {
      faults.tooManyRequests--;
      return apiError(
        429,
        'TOO_MANY_REQUESTS',
        'The concurrency limit of the user for the given app is exceeded',
      );
    }
    if (faults.serverErrors) {
      faults.serverErrors--;
      return apiError(500, 'INTERNAL_ERROR', 'Internal Server Error');
    }
    const [, , version = '', ...parts] = u.pathname.split('/');
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return apiError(400, 'INVALID_DATA', 'the body is not valid JSON');
      }
    }
    if (parts[0] === 'users' && !parts[1] && req.method === 'GET') return usersPage(u.searchParams);
    if (parts[0] === 'actions' && parts[1] === 'watch')
      return channels.handle(req.method ?? 'GET', version, u.searchParams, body);
    const headers = { 'if-modified-since': req.headers['if-modified-since'] };
    return records.route(req.method ?? 'GET', parts, u.searchParams, headers, body);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://sim');
      const raw = await readBody(req);
      let answer: { status: number; body?: unknown };
      if (u.pathname === '/oauth/v2/token' && req.method === 'POST') {
        // The docs put parameters in the query; SDKs send a form body. Accept both.
        const params = new URLSearchParams(u.search);
        for (const [k, v] of new URLSearchParams(raw)) params.set(k, v);
        answer = accounts.token(params);
      } else if (u.pathname === '/oauth/v2/token/revoke' && req.method === 'POST') {
        answer = accounts.revoke(u.searchParams.get('token') ?? new URLSearchParams(raw).get('token') ?? '');
      } else if (/^\/crm\/v\d+(\.\d+)?\//.test(u.pathname)) {
        answer = await api(req, u, raw);
      } else {
        answer = apiError(
          404,
          'INVALID_URL_PATTERN',
          'Please check if the URL trying to access is a correct one',
        );
      }
      requests.push({
        method: req.method ?? '',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        status: answer.status,
      });
      send(res, answer.status, answer.body);
    })().catch((err: unknown) =>
      send(res, 500, { code: 'INTERNAL_ERROR', details: {}, message: String(err), status: 'error' }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const changeRecords = async (
    module: string,
    changes: { id: string; values: Record<string, unknown> }[],
  ) => {
    const applied = changes.flatMap((c) => {
      const changed = store.update(module, c.id, c.values, now());
      if (!changed) throw new Error(`no ${module} record ${c.id}`);
      return [{ id: c.id, values: Object.fromEntries(changed.map((k) => [k, c.values[k]])) }];
    });
    return channels.notify(module, 'update', applied);
  };

  return {
    url,
    clientId,
    clientSecret,
    faults,
    requests,
    created: records.created,
    accounts,
    store,
    channels,
    issueGrantCode: (redirectUri) => accounts.issueGrantCode(redirectUri),
    issueRefreshToken: () => accounts.issueRefreshToken(),
    expireAccessTokens: () => accounts.expireAll(),
    changeRecord: (module, id, values) => changeRecords(module, [{ id, values }]),
    changeRecords,
    deleteRecord: async (module, id) => {
      const r: SeedRecord | undefined = store.get(module, id);
      if (!r || !store.remove(module, id, now())) throw new Error(`no ${module} record ${id}`);
      const manager = USERS[0];
      return channels.notify(module, 'delete', [
        {
          id,
          values: {
            Modified_By: manager ? { name: manager.name, id: manager.id } : null,
            Record_Status__s: 'Recycle',
          },
        },
      ]);
    },
    flushNotifications: () => channels.flush(),
    stop: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
};
