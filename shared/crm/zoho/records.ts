/**
 * Zoho records API (crm-protocols.md §1.3): full and incremental lists, reads by id, deleted records, and the
 * write-backs automations need (Task, Note, Call on a record). Paging follows the documented rule: `page` reaches
 * only the first 2,000 records, then `next_page_token` takes over. Per-record errors in 200/207 answers are
 * returned or thrown as ZohoRecordError, never dropped.
 */
import * as z from '../../../events/zod';
import type { ZohoClient } from './client';
import { ZohoApiError, ZohoRecordError } from './errors';

export const MAX_PER_PAGE = 200;
export const DISCRETE_PAGING_LIMIT = 2000;
export const MAX_FIELDS = 50;
/** Writes take at most 100 records; reads by `ids` are batched the same way. */
export const MAX_BATCH = 100;

export type ZohoRecord = { id: string } & Record<string, unknown>;

const recordSchema = z.lazy(() => z.looseObject({ id: z.string().check(z.minLength(1)) }));
const listInfo = z.lazy(() =>
  z.looseObject({
    more_records: z.optional(z.boolean()),
    next_page_token: z.nullish(z.string()),
  }),
);
const listResponse = z.lazy(() => z.looseObject({ data: z.array(recordSchema), info: z.optional(listInfo) }));
const deletedSchema = z.lazy(() =>
  z.looseObject({
    id: z.string(),
    display_name: z.nullish(z.string()),
    type: z.optional(z.string()),
    deleted_time: z.optional(z.string()),
    deleted_by: z.nullish(z.looseObject({ id: z.string(), name: z.optional(z.string()) })),
  }),
);
const deletedResponse = z.lazy(() =>
  z.looseObject({ data: z.array(deletedSchema), info: z.optional(listInfo) }),
);
const writeResponse = z.lazy(() =>
  z.looseObject({
    data: z.array(
      z.looseObject({
        code: z.string(),
        status: z.string(),
        message: z.optional(z.string()),
        details: z.optional(z.looseObject({ id: z.optional(z.string()) })),
      }),
    ),
  }),
);

export type DeletedRecord = z.infer<typeof deletedSchema>;
export type WriteResult = { ok: true; id: string } | { ok: false; error: ZohoRecordError };

export interface ListOptions {
  /** Mandatory when listing; at most 50 API names. */
  fields: readonly string[];
  /** Only records modified after this instant (`If-Modified-Since`). */
  modifiedSince?: Date;
  perPage?: number;
}

/** Zoho's documented header form, `2019-07-25T15:26:49+05:30` (seconds precision, numeric offset). */
export const formatZohoDateTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

const parseOr = <S extends z.ZodMiniType>(schema: S, data: unknown, what: string): z.infer<S> => {
  const r = schema.safeParse(data);
  if (!r.success)
    throw new ZohoApiError(200, 'UNEXPECTED_RESPONSE', `${what}: ${r.error.message}`, undefined, what);
  return r.data;
};

const requestErrorEnvelope = z.lazy(() =>
  z.looseObject({
    code: z.string(),
    message: z.optional(z.string()),
    details: z.unknown(),
  }),
);

/** A whole-request error whose body is not per-record results (top-level envelope, or anything else). */
const requestError = (status: number, data: unknown, what: string): ZohoApiError => {
  const env = requestErrorEnvelope.safeParse(data);
  return env.success
    ? new ZohoApiError(status, env.data.code, env.data.message ?? env.data.code, env.data.details, what)
    : new ZohoApiError(status, 'UNEXPECTED_RESPONSE', `unexpected answer (HTTP ${status})`, undefined, what);
};

/** A task, call or note hangs off its parent via What_Id/$se_module, except contacts, which go in Who_Id. */
const parentLink = (parent: RecordRef): Record<string, unknown> =>
  parent.module === 'Contacts'
    ? { Who_Id: { id: parent.id } }
    : { What_Id: { id: parent.id }, $se_module: parent.module };

export interface RecordRef {
  module: string;
  id: string;
}

export class ZohoRecords {
  constructor(private readonly client: ZohoClient) {}

  /** Pages of records; stops on 204/304 (nothing, or nothing modified) and when `more_records` is false. */
  async *pages(module: string, opts: ListOptions): AsyncGenerator<ZohoRecord[]> {
    if (opts.fields.length === 0 || opts.fields.length > MAX_FIELDS) {
      throw new RangeError(`fields must name 1 to ${MAX_FIELDS} API names, got ${opts.fields.length}`);
    }
    const perPage = Math.min(opts.perPage ?? MAX_PER_PAGE, MAX_PER_PAGE);
    const headers = opts.modifiedSince
      ? { 'If-Modified-Since': formatZohoDateTime(opts.modifiedSince) }
      : undefined;
    let page = 1;
    let pageToken: string | undefined;
    for (;;) {
      const res = await this.client.send({
        kind: 'list',
        method: 'GET',
        path: `/${module}`,
        // `page` and `page_token` together are AMBIGUITY_DURING_PROCESSING: send exactly one.
        query: {
          fields: opts.fields.join(','),
          per_page: perPage,
          ...(pageToken ? { page_token: pageToken } : { page }),
        },
        ...(headers ? { headers } : {}),
      });
      if (res.data === undefined) return;
      const body = parseOr(listResponse, res.data, `GET /${module}`);
      if (body.data.length > 0) yield body.data;
      if (!body.info?.more_records) return;
      if (!pageToken && (page + 1) * perPage <= DISCRETE_PAGING_LIMIT) {
        page++;
        continue;
      }
      const next = body.info.next_page_token;
      if (!next) {
        throw new ZohoApiError(
          200,
          'NO_PAGE_TOKEN',
          `more than ${DISCRETE_PAGING_LIMIT} records but no next_page_token`,
          undefined,
          `GET /${module}`,
        );
      }
      pageToken = next;
    }
  }

  async listAll(module: string, opts: ListOptions): Promise<ZohoRecord[]> {
    const all: ZohoRecord[] = [];
    for await (const page of this.pages(module, opts)) all.push(...page);
    return all;
  }

  /** Records by id, 100 per call; ids Zoho does not return (deleted, no permission) are simply absent. */
  async getByIds(module: string, ids: readonly string[], fields?: readonly string[]): Promise<ZohoRecord[]> {
    const unique = [...new Set(ids)];
    const out: ZohoRecord[] = [];
    for (let i = 0; i < unique.length; i += MAX_BATCH) {
      const res = await this.client.send({
        kind: 'get',
        method: 'GET',
        path: `/${module}`,
        query: {
          ids: unique.slice(i, i + MAX_BATCH).join(','),
          ...(fields ? { fields: fields.join(',') } : {}),
        },
      });
      if (res.data !== undefined) out.push(...parseOr(listResponse, res.data, `GET /${module}?ids`).data);
    }
    return out;
  }

  /** One record with subforms and multi-select lookups (which lists leave out). */
  async get(module: string, id: string): Promise<ZohoRecord | undefined> {
    const res = await this.client.send({
      kind: 'get',
      method: 'GET',
      path: `/${module}/${encodeURIComponent(id)}`,
    });
    return res.data === undefined
      ? undefined
      : parseOr(listResponse, res.data, `GET /${module}/{id}`).data[0];
  }

  /** Deleted records (recycle bin 60 days, permanent 120), optionally only those deleted since a time. */
  async deleted(module: string, opts: { type?: 'all' | 'recycle' | 'permanent'; modifiedSince?: Date } = {}) {
    const out: DeletedRecord[] = [];
    for (let page = 1; ; page++) {
      const res = await this.client.send({
        kind: 'deleted',
        method: 'GET',
        path: `/${module}/deleted`,
        query: { type: opts.type ?? 'all', page, per_page: MAX_PER_PAGE },
        ...(opts.modifiedSince
          ? { headers: { 'If-Modified-Since': formatZohoDateTime(opts.modifiedSince) } }
          : {}),
      });
      if (res.data === undefined) return out;
      const body = parseOr(deletedResponse, res.data, `GET /${module}/deleted`);
      out.push(...body.data);
      if (!body.info?.more_records) return out;
    }
  }

  /** Inserts up to any number of records (100 per call); one result per input, in input order. */
  async insert(module: string, records: readonly Record<string, unknown>[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    for (let i = 0; i < records.length; i += MAX_BATCH) {
      const batch = records.slice(i, i + MAX_BATCH);
      const res = await this.client.send({
        kind: 'write',
        method: 'POST',
        path: `/${module}`,
        body: { data: batch },
        // Zoho answers 400 when every record failed, still with per-record results in data[].
        passStatuses: [400],
      });
      const body = writeResponse.safeParse(res.data);
      if (!body.success) throw requestError(res.status, res.data, `POST /${module}`);
      if (body.data.data.length !== batch.length) {
        throw new ZohoApiError(
          res.status,
          'UNEXPECTED_RESPONSE',
          `${batch.length} records sent, ${body.data.data.length} results`,
          undefined,
          `POST /${module}`,
        );
      }
      body.data.data.forEach((r, j) => {
        const id = r.details?.id;
        results.push(
          r.status === 'success' && id
            ? { ok: true, id }
            : {
                ok: false,
                error: new ZohoRecordError(module, i + j, r.code, r.message ?? r.code, r.details),
              },
        );
      });
    }
    return results;
  }

  /** Inserts one record and returns its id, or throws its per-record error. */
  async insertOne(module: string, record: Record<string, unknown>): Promise<string> {
    const [result] = await this.insert(module, [record]);
    if (!result)
      throw new ZohoApiError(200, 'UNEXPECTED_RESPONSE', 'no result', undefined, `POST /${module}`);
    if (!result.ok) throw result.error;
    return result.id;
  }

  /**
   * Upserts one record, matched on `duplicateCheckFields` (unique fields): a repeat of the same write updates the
   * record it made the first time instead of making a second one. Returns the id and what Zoho did.
   */
  async upsertOne(
    module: string,
    record: Record<string, unknown>,
    duplicateCheckFields: readonly string[],
  ): Promise<{ id: string; action: 'insert' | 'update' }> {
    const what = `POST /${module}/upsert`;
    const res = await this.client.send({
      kind: 'write',
      method: 'POST',
      path: `/${module}/upsert`,
      body: { data: [record], duplicate_check_fields: duplicateCheckFields },
      passStatuses: [400],
    });
    const body = writeResponse.safeParse(res.data);
    if (!body.success) throw requestError(res.status, res.data, what);
    const [r] = body.data.data;
    if (!r || body.data.data.length !== 1) {
      throw new ZohoApiError(
        res.status,
        'UNEXPECTED_RESPONSE',
        '1 record sent, other results',
        undefined,
        what,
      );
    }
    const id = r.details?.id;
    if (r.status !== 'success' || !id)
      throw new ZohoRecordError(module, 0, r.code, r.message ?? r.code, r.details);
    return { id, action: (r as { action?: unknown }).action === 'update' ? 'update' : 'insert' };
  }

  createTask(
    parent: RecordRef,
    t: { subject: string; dueDate?: string; ownerId?: string; description?: string },
  ) {
    return this.insertOne('Tasks', taskRecord(parent, t));
  }

  createNote(parent: RecordRef, n: { title?: string; content: string }) {
    return this.insertOne('Notes', noteRecord(parent, n, this.client.apiVersion));
  }

  /** A logged (completed) call; Zoho refuses a zero duration. `durationSeconds` becomes "mm:ss". */
  createCall(
    parent: RecordRef,
    c: {
      subject: string;
      startTime: Date;
      durationSeconds: number;
      type?: 'Outbound' | 'Inbound';
      ownerId?: string;
    },
  ) {
    const mm = Math.floor(c.durationSeconds / 60);
    const ss = String(Math.floor(c.durationSeconds % 60)).padStart(2, '0');
    return this.insertOne('Calls', {
      Subject: c.subject,
      Call_Type: c.type ?? 'Outbound',
      Call_Start_Time: formatZohoDateTime(c.startTime),
      Call_Duration: `${String(mm).padStart(2, '0')}:${ss}`,
      ...(c.type !== 'Inbound' ? { Outbound_Call_Status: 'Completed' } : {}),
      ...(c.ownerId ? { Owner: { id: c.ownerId } } : {}),
      ...parentLink(parent),
    });
  }
}

/** A Tasks record on `parent`. */
export const taskRecord = (
  parent: RecordRef,
  t: { subject: string; dueDate?: string; ownerId?: string; description?: string },
): Record<string, unknown> => ({
  Subject: t.subject,
  ...(t.dueDate ? { Due_Date: t.dueDate } : {}),
  ...(t.ownerId ? { Owner: { id: t.ownerId } } : {}),
  ...(t.description ? { Description: t.description } : {}),
  ...parentLink(parent),
});

/**
 * A Notes record on `parent`. API v4 and later take `Parent_Id: {module: {api_name}, id}`; older versions took
 * `Parent_Id` as the id with `se_module` beside it (no `$`, unlike tasks and calls).
 */
export const noteRecord = (
  parent: RecordRef,
  n: { title?: string; content: string },
  apiVersion: string,
): Record<string, unknown> => {
  const legacy = Number(/^v(\d+)/.exec(apiVersion)?.[1] ?? 8) < 4;
  return {
    ...(n.title ? { Note_Title: n.title } : {}),
    Note_Content: n.content,
    ...(legacy
      ? { Parent_Id: parent.id, se_module: parent.module }
      : { Parent_Id: { module: { api_name: parent.module }, id: parent.id } }),
  };
};

/** A scheduled outbound call (a call the owner is to make): no duration until it is logged as completed. */
export const scheduledCallRecord = (
  parent: RecordRef,
  c: { subject: string; startTime: Date; ownerId?: string; description?: string },
): Record<string, unknown> => ({
  Subject: c.subject,
  Call_Type: 'Outbound',
  Call_Start_Time: formatZohoDateTime(c.startTime),
  Outbound_Call_Status: 'Scheduled',
  ...(c.ownerId ? { Owner: { id: c.ownerId } } : {}),
  ...(c.description ? { Description: c.description } : {}),
  ...parentLink(parent),
});
