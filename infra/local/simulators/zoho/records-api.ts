/**
 * The simulator's records API under `/crm/{version}`: list (fields, page/per_page up to 2,000 records, then
 * page_token bound to the request and valid 24 h), If-Modified-Since (204, or 304 if configured), get by ids or
 * id, deleted, search, COQL, and inserts with per-record results (201 all, 207 some, 400 none).
 */
import { randomBytes } from 'node:crypto';
import type { Channels } from './channels';
import { parseCoql, type RecordStore, searchPredicate } from './store';

export type Answer = { status: number; body?: unknown };
export const apiError = (
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): Answer => ({
  status,
  body: { code, details, message, status: 'error' },
});

export interface RecordsApiDeps {
  store: RecordStore;
  channels: Channels;
  now: () => number;
  notModifiedStatus: () => 204 | 304;
}

interface PageToken {
  bound: string;
  offset: number;
  expiresMs: number;
}

/** System-mandatory fields per module, checked on insert (crm-protocols.md §1.3 "Module fields"). */
const MANDATORY: Record<string, string[]> = {
  Deals: ['Deal_Name', 'Stage'],
  Leads: ['Last_Name'],
  Contacts: ['Last_Name'],
  Accounts: ['Account_Name'],
  Tasks: ['Subject'],
  Calls: ['Subject', 'Call_Type', 'Call_Start_Time', 'Call_Duration'],
  Notes: ['Note_Content', 'Parent_Id', 'se_module'],
};

export class RecordsApi {
  private readonly tokens = new Map<string, PageToken>();
  constructor(private readonly d: RecordsApiDeps) {}

  async route(
    method: string,
    parts: string[],
    q: URLSearchParams,
    headers: Record<string, string | undefined>,
    body: unknown,
  ): Promise<Answer> {
    const [module = '', sub] = parts;
    if (module === 'coql' && method === 'POST') return this.coql(body);
    if (!this.d.store.has(module))
      return apiError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { module });
    if (method === 'GET' && sub === 'deleted') return this.deleted(module, q, headers);
    if (method === 'GET' && sub === 'search') return this.search(module, q);
    if (method === 'GET' && sub) {
      const r = this.d.store.get(module, sub);
      return r ? { status: 200, body: { data: [this.d.store.render(r)] } } : { status: 204 };
    }
    if (method === 'GET') return q.has('ids') ? this.byIds(module, q) : this.list(module, q, headers);
    if (method === 'POST' && !sub) return this.insert(module, body);
    return apiError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
  }

  private list(module: string, q: URLSearchParams, headers: Record<string, string | undefined>): Answer {
    const fields = (q.get('fields') ?? '').split(',').filter(Boolean);
    if (fields.length === 0)
      return apiError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param: 'fields',
      });
    if (fields.length > 50) return apiError(400, 'LIMIT_EXCEEDED', 'the number of fields exceeds 50');
    const perPage = Number(q.get('per_page') ?? 200);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200)
      return apiError(400, 'INVALID_DATA', 'invalid data', { param: 'per_page', maximum: 200 });
    if (q.has('page') && q.has('page_token'))
      return apiError(400, 'AMBIGUITY_DURING_PROCESSING', 'ambiguity during processing', {
        ambiguity_due_to: ['page', 'page_token'],
      });
    const sortBy = q.get('sort_by') ?? 'id';
    const sortOrder = q.get('sort_order') ?? 'desc';
    const since = headers['if-modified-since'];
    const bound = JSON.stringify([fields, perPage, sortBy, sortOrder, since ?? null]);
    let offset: number;
    const tokenValue = q.get('page_token');
    if (tokenValue) {
      const t = this.tokens.get(tokenValue);
      if (!t) return apiError(400, 'INVALID_DATA', 'invalid data', { param: 'page_token' });
      if (t.expiresMs < this.d.now()) return apiError(400, 'EXPIRED_VALUE', 'the page token has expired');
      if (t.bound !== bound)
        return apiError(
          400,
          'TOKEN_BOUND_DATA_MISMATCH',
          'the parameters differ from those the token was issued for',
        );
      offset = t.offset;
    } else {
      const page = Number(q.get('page') ?? 1);
      if (page * perPage > 2000)
        return apiError(
          400,
          'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
          'use page_token to fetch records beyond 2000',
        );
      offset = (page - 1) * perPage;
    }
    if (offset >= 100_000) return apiError(400, 'PAGINATION_LIMIT_EXCEEDED', 'pagination limit exceeded');
    const sinceMs = since ? Date.parse(since) : Number.NaN;
    if (since && Number.isNaN(sinceMs))
      return apiError(400, 'INVALID_DATA', 'invalid data', { header: 'If-Modified-Since' });
    const key = (r: { id: string; createdMs: number; modifiedMs: number }) =>
      sortBy === 'Modified_Time' ? r.modifiedMs : sortBy === 'Created_Time' ? r.createdMs : BigInt(r.id);
    const rows = this.d.store
      .all(module)
      .filter((r) => Number.isNaN(sinceMs) || r.modifiedMs > sinceMs)
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (sortOrder === 'asc' ? 1 : -1));
    if (rows.length === 0) return { status: since ? this.d.notModifiedStatus() : 204 };
    const slice = rows.slice(offset, offset + perPage);
    if (slice.length === 0) return { status: 204 };
    const more = offset + perPage < rows.length;
    let next: string | null = null;
    const expiresMs = this.d.now() + 24 * 3_600_000;
    if (more) {
      next = randomBytes(12).toString('hex');
      this.tokens.set(next, { bound, offset: offset + perPage, expiresMs });
    }
    return {
      status: 200,
      body: {
        data: slice.map((r) => this.d.store.render(r, fields)),
        info: {
          call: false,
          per_page: perPage,
          next_page_token: next,
          count: slice.length,
          sort_by: sortBy,
          page: Math.floor(offset / perPage) + 1,
          previous_page_token: tokenValue ?? null,
          page_token_expiry: more ? new Date(expiresMs).toISOString() : null,
          sort_order: sortOrder,
          email: false,
          more_records: more,
        },
      },
    };
  }

  private byIds(module: string, q: URLSearchParams): Answer {
    const ids = (q.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length > 100) return apiError(400, 'LIMIT_EXCEEDED', 'at most 100 ids');
    const fields = q.get('fields')?.split(',').filter(Boolean);
    const rows = ids.flatMap((id) => {
      const r = this.d.store.get(module, id);
      return r ? [this.d.store.render(r, fields)] : [];
    });
    return rows.length
      ? { status: 200, body: { data: rows, info: { count: rows.length, more_records: false } } }
      : { status: 204 };
  }

  private deleted(module: string, q: URLSearchParams, headers: Record<string, string | undefined>): Answer {
    const type = q.get('type') ?? 'all';
    const page = Number(q.get('page') ?? 1);
    const perPage = Math.min(Number(q.get('per_page') ?? 200), 200);
    const since = headers['if-modified-since'] ? Date.parse(headers['if-modified-since']) : Number.NaN;
    const rows = (this.d.store.deleted.get(module) ?? []).filter(
      (e) => (type === 'all' || e.type === type) && (Number.isNaN(since) || e.deletedMs > since),
    );
    const slice = rows.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return { status: 204 };
    return {
      status: 200,
      body: {
        data: slice.map((e) => this.d.store.renderDeleted(e)),
        info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < rows.length },
      },
    };
  }

  private search(module: string, q: URLSearchParams): Answer {
    const criteria = q.get('criteria');
    let pred: ((r: Record<string, unknown>) => boolean) | undefined;
    if (criteria) pred = searchPredicate(criteria);
    else if (q.get('email')) pred = (r) => r.Email === q.get('email');
    else if (q.get('phone')) pred = (r) => r.Phone === q.get('phone') || r.Mobile === q.get('phone');
    else if (q.get('word'))
      pred = (r) =>
        JSON.stringify(r)
          .toLowerCase()
          .includes((q.get('word') ?? '').toLowerCase());
    if (!pred) return apiError(400, criteria ? 'INVALID_QUERY' : 'REQUIRED_PARAM_MISSING', 'invalid search');
    const page = Number(q.get('page') ?? 1);
    const perPage = Math.min(Number(q.get('per_page') ?? 200), 200);
    if (page * perPage > 2000) return apiError(400, 'LIMIT_REACHED', 'search returns at most 2000 records');
    const all = this.d.store
      .all(module)
      .map((r) => this.d.store.render(r))
      .filter((r) => pred?.(r));
    const slice = all.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return { status: 204 };
    return {
      status: 200,
      body: {
        data: slice,
        info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < all.length },
      },
    };
  }

  private coql(body: unknown): Answer {
    const query = (body as { select_query?: unknown })?.select_query;
    if (typeof query !== 'string')
      return apiError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'select_query' });
    const parsed = parseCoql(query);
    if (typeof parsed === 'string')
      return apiError(400, parsed, parsed === 'LIMIT_EXCEEDED' ? 'limit exceeded' : 'syntax error');
    if (!this.d.store.has(parsed.module))
      return apiError(400, 'INVALID_QUERY', 'invalid module', { module: parsed.module });
    if (parsed.offset + parsed.limit > 10_000)
      return apiError(400, 'LIMIT_EXCEEDED', 'at most 10000 rows through COQL');
    const all = this.d.store
      .all(parsed.module)
      .map((r) => this.d.store.render(r))
      .filter(parsed.where);
    const rows = all.slice(parsed.offset, parsed.offset + parsed.limit).map((r) => {
      const out: Record<string, unknown> = { id: r.id };
      for (const f of parsed.fields) {
        const v = r[f];
        // COQL returns lookups as {id} (names only with dotted fields, not simulated).
        out[f] = v && typeof v === 'object' && 'id' in v ? { id: (v as { id: unknown }).id } : (v ?? null);
      }
      return out;
    });
    if (rows.length === 0) return { status: 204 };
    return {
      status: 200,
      body: {
        data: rows,
        info: { count: rows.length, more_records: parsed.offset + parsed.limit < all.length },
      },
    };
  }

  private async insert(module: string, body: unknown): Promise<Answer> {
    const data = (body as { data?: unknown })?.data;
    if (!Array.isArray(data) || data.length === 0)
      return apiError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data' });
    if (data.length > 100) return apiError(400, 'LIMIT_EXCEEDED', 'at most 100 records per call');
    const now = this.d.now();
    const created: { id: string; values: Record<string, unknown> }[] = [];
    const results = data.map((rec: Record<string, unknown>, i) => {
      const missing = (MANDATORY[module] ?? []).find(
        (f) => rec[f] === undefined || rec[f] === null || rec[f] === '',
      );
      if (missing) {
        return {
          code: 'MANDATORY_NOT_FOUND',
          details: { api_name: missing, json_path: `$.data[${i}].${missing}` },
          message: 'required field not found',
          status: 'error',
        };
      }
      if (module === 'Calls' && !/^\d{1,4}:[0-5]\d$/.test(String(rec.Call_Duration))) {
        return {
          code: 'INVALID_DATA',
          details: { api_name: 'Call_Duration', json_path: `$.data[${i}].Call_Duration` },
          message: 'invalid data',
          status: 'error',
        };
      }
      if (module === 'Calls' && /^0+:00$/.test(String(rec.Call_Duration))) {
        return {
          code: 'INVALID_DATA',
          details: { api_name: 'Call_Duration', json_path: `$.data[${i}].Call_Duration` },
          message: 'duration must not be zero',
          status: 'error',
        };
      }
      const r = this.d.store.insert(module, rec, now);
      created.push({ id: r.id, values: rec });
      const who = { name: 'Li Na', id: '5725767000000411001' };
      return {
        code: 'SUCCESS',
        details: {
          Modified_Time: this.d.store.render(r).Modified_Time,
          Modified_By: who,
          Created_Time: this.d.store.render(r).Created_Time,
          id: r.id,
          Created_By: who,
        },
        message: 'record added',
        status: 'success',
      };
    });
    if (created.length > 0) await this.d.channels.notify(module, 'insert', created);
    const ok = created.length;
    return { status: ok === data.length ? 201 : ok === 0 ? 400 : 207, body: { data: results } };
  }
}
