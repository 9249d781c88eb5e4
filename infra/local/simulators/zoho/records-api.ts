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
  Calls: ['Subject', 'Call_Type', 'Call_Start_Time'],
  Notes: ['Note_Content', 'Parent_Id'],
};

/** Where an activity points at its parent: [field, module] pairs to check, or an error naming the field. */
const parentRefs = (module: string, rec: Record<string, unknown>): [string, string, string][] | string => {
  const idOf = (v: unknown) => (v && typeof v === 'object' ? (v as { id?: unknown }).id : v);
  const refs: [string, string, string][] = [];
  if (module === 'Notes') {
    const p = rec.Parent_Id;
    // v4+: {module:{api_name}, id}; v2/v3: the id, with se_module beside it.
    const m =
      p && typeof p === 'object'
        ? (p as { module?: { api_name?: unknown } }).module?.api_name
        : (rec.se_module ?? undefined);
    if (typeof m !== 'string') return 'Parent_Id';
    refs.push(['Parent_Id', m, String(idOf(p))]);
    return refs;
  }
  if (module !== 'Tasks' && module !== 'Calls' && module !== 'Events') return refs;
  if (rec.What_Id !== undefined) {
    if (typeof rec.$se_module !== 'string') return '$se_module';
    refs.push(['What_Id', rec.$se_module, String(idOf(rec.What_Id))]);
  }
  if (rec.Who_Id !== undefined) refs.push(['Who_Id', 'Contacts', String(idOf(rec.Who_Id))]);
  return refs;
};

export class RecordsApi {
  private readonly tokens = new Map<string, PageToken>();
  /** Records created through the API (insert, and upserts that inserted), by module. */
  readonly created: Record<string, number> = {};
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
    if (method === 'POST' && sub === 'upsert') return this.upsert(module, body);
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
      const refused = this.refuse(module, rec, i);
      if (refused) return refused;
      const scheduled = rec.Outbound_Call_Status === 'Scheduled';
      if (module === 'Calls' && !scheduled && !/^\d{1,4}:[0-5]\d$/.test(String(rec.Call_Duration))) {
        return {
          code: 'INVALID_DATA',
          details: { api_name: 'Call_Duration', json_path: `$.data[${i}].Call_Duration` },
          message: 'invalid data',
          status: 'error',
        };
      }
      if (module === 'Calls' && !scheduled && /^0+:00$/.test(String(rec.Call_Duration))) {
        return {
          code: 'INVALID_DATA',
          details: { api_name: 'Call_Duration', json_path: `$.data[${i}].Call_Duration` },
          message: 'duration must not be zero',
          status: 'error',
        };
      }
      const r = this.d.store.insert(module, rec, now);
      this.created[module] = (this.created[module] ?? 0) + 1;
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

  /** Parents that do not exist are INVALID_DATA naming the field, as Zoho answers. */
  private refuse(module: string, rec: Record<string, unknown>, i: number) {
    const refs = parentRefs(module, rec);
    const invalid = (field: string) => ({
      code: 'INVALID_DATA',
      details: { api_name: field, json_path: `$.data[${i}].${field}` },
      message: 'invalid data',
      status: 'error',
    });
    if (typeof refs === 'string') return invalid(refs);
    const bad = refs.find(([, m, id]) => !this.d.store.get(m, id));
    return bad ? invalid(bad[0]) : undefined;
  }

  /**
   * `POST /{Module}/upsert`: one record matched on `duplicate_check_fields` is updated (action "update"), none is
   * inserted (action "insert"). Enough for the write-back idempotency path; one record per call.
   */
  private async upsert(module: string, body: unknown): Promise<Answer> {
    const b = body as { data?: unknown; duplicate_check_fields?: unknown };
    const fields = b?.duplicate_check_fields;
    if (!Array.isArray(b?.data) || b.data.length !== 1)
      return apiError(400, 'INVALID_DATA', 'the simulator upserts one record per call', { api_name: 'data' });
    if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string'))
      return apiError(400, 'INVALID_DATA', 'invalid data', { api_name: 'duplicate_check_fields' });
    const rec = b.data[0] as Record<string, unknown>;
    const match = this.d.store
      .all(module)
      .find((r) => (fields as string[]).every((f) => rec[f] !== undefined && r.fields[f] === rec[f]));
    if (!match) {
      const inserted = await this.insert(module, { data: [rec] });
      const row = (inserted.body as { data?: Record<string, unknown>[] } | undefined)?.data?.[0];
      return row?.status === 'success'
        ? { status: 201, body: { data: [{ ...row, action: 'insert' }] } }
        : inserted;
    }
    const refused = this.refuse(module, rec, 0);
    if (refused) return { status: 400, body: { data: [refused] } };
    const now = this.d.now();
    this.d.store.update(module, match.id, rec, now);
    const rendered = this.d.store.render(match);
    await this.d.channels.notify(module, 'update', [{ id: match.id, values: rec }]);
    return {
      status: 200,
      body: {
        data: [
          {
            code: 'SUCCESS',
            duplicate_field: fields[0],
            action: 'update',
            details: {
              Modified_Time: rendered.Modified_Time,
              id: match.id,
              Created_Time: rendered.Created_Time,
            },
            message: 'record updated',
            status: 'success',
          },
        ],
      },
    };
  }
}
