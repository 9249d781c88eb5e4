/**
 * CrmScanner for Zoho CRM (crm-protocols.md §1.3): the records list with `If-Modified-Since`, 200 a page, `page` for
 * the first 2,000 records and `next_page_token` after that, then (when asked) the recycle bin since a time. Every
 * call goes through the tenant's ZohoClient (auth, retries, call counting); this file only decides what to ask for
 * and where a scan stands.
 *
 * Order: Zoho's default, by id. Paging is by position, so a record that moves while a scan is under way can shift
 * another across a page boundary. Ordering by Modified_Time would move every record edited mid-scan to the end and
 * shift unread records back into pages already read (a skip); by id an edit moves nothing, a new record lands
 * before the position (read next time, as it is newer than the scan's start), and only a deletion mid-scan can
 * shift one record back, which the recycle-bin pass does not repair (see reconcile.ts, "what a scan guarantees").
 */

import type { CanonicalRecord } from '../../../events';
import * as z from '../../../events/zod';
import {
  type CrmScanner,
  ScanCursorLostError,
  type ScanOptions,
  type ScanPage,
} from '../../sync/crm-scanner';
import type { OwnerDetails } from '../../sync/crm-users';
import { mappedSourceFields } from '../field-map';
import type { ZohoClient } from './client';
import { ZohoApiError } from './errors';
import { objectForModule } from './modules';
import { normalizeZohoRecord, ZohoNormalizeError, type ZohoNormalizeOptions } from './normalize';
import { DISCRETE_PAGING_LIMIT, formatZohoDateTime, MAX_PER_PAGE, type ZohoRecords } from './records';

/**
 * What the list asks for: exactly the fields normalizeZohoRecord reads (lists need `fields`, at most 50). Currency
 * is left out because single-currency orgs have no such field; those records take the tenant's currency.
 */
const BASE_FIELDS = ['Modified_Time', 'Created_Time', 'Owner'];
export const ZOHO_SCAN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Deals: ['Deal_Name', 'Stage', 'Amount', 'Closing_Date'],
  Leads: ['First_Name', 'Last_Name', 'Full_Name', 'Email', 'Converted__s'],
  Contacts: ['First_Name', 'Last_Name', 'Full_Name', 'Email'],
  Accounts: ['Account_Name'],
  Notes: ['Note_Title'],
  Tasks: ['Subject'],
  Calls: ['Subject'],
};

const listResponse = z.looseObject({
  data: z.array(z.looseObject({ id: z.string().check(z.minLength(1)) })),
  info: z.optional(
    z.looseObject({ more_records: z.optional(z.boolean()), next_page_token: z.nullish(z.string()) }),
  ),
});

/** Where a scan stands: a page number (first 2,000 records), a page token, the recycle-bin pass, or done. */
type Position = { page: number } | { token: string } | { deleted: true } | { done: true };

const decode = (module: string, cursor: string | undefined): Position => {
  if (cursor === undefined) return { page: 1 };
  try {
    const p = JSON.parse(cursor) as Position;
    if (p && typeof p === 'object' && ('page' in p || 'token' in p || 'deleted' in p || 'done' in p))
      return p;
  } catch {
    // fall through
  }
  throw new ScanCursorLostError(module, `unreadable cursor ${JSON.stringify(cursor).slice(0, 80)}`);
};

/** Answers to a page-token request that mean the token is gone, not that the request is wrong. */
const LOST_TOKEN_CODES = new Set(['EXPIRED_VALUE', 'INVALID_DATA', 'TOKEN_BOUND_DATA_MISMATCH']);

export interface ZohoScannerOptions {
  client: Pick<ZohoClient, 'send'>;
  records: Pick<ZohoRecords, 'deleted'>;
  modules: readonly string[];
  normalize?: ZohoNormalizeOptions;
  /** Owners' emails and managers' emails (the stored CRM users), read once per page. */
  people?: () => Promise<Readonly<Record<string, OwnerDetails>>>;
  now?: () => Date;
}

export class ZohoScanner implements CrmScanner {
  readonly provider = 'zoho' as const;
  readonly modules: readonly string[];
  private readonly now: () => Date;

  constructor(private readonly opts: ZohoScannerOptions) {
    for (const m of opts.modules) {
      if (!objectForModule(m, opts.normalize)) throw new Error(`Zoho module ${m} has no canonical object`);
    }
    this.modules = opts.modules;
    this.now = opts.now ?? (() => new Date());
  }

  fieldsFor(module: string): string[] {
    const own = ZOHO_SCAN_FIELDS[module] ?? ['Name'];
    const mapped = mappedSourceFields(
      this.opts.normalize?.fieldMap,
      objectForModule(module, this.opts.normalize),
    );
    return [...new Set([...BASE_FIELDS, ...own, ...(this.opts.normalize?.extraFields ?? []), ...mapped])];
  }

  async *scan(module: string, opts: ScanOptions = {}): AsyncGenerator<ScanPage> {
    let pos = decode(module, opts.cursor);
    const deletedPass = opts.deletedSince !== undefined;
    while ('page' in pos || 'token' in pos) {
      const page = await this.listPage(module, pos, opts.since);
      if (!page) break;
      pos = page.next ?? (deletedPass ? { deleted: true } : { done: true });
      yield { records: page.records, rejected: page.rejected, cursor: JSON.stringify(pos) };
      if (!page.next) break;
    }
    if ('done' in pos || !opts.deletedSince) return;
    // The recycle bin is small and has no tokens: read whole, applied as one page.
    const entries = await this.opts.records.deleted(module, { modifiedSince: opts.deletedSince });
    const object = objectForModule(module, this.opts.normalize);
    if (!object) return;
    yield {
      records: entries.map((d) => ({ object, record: this.tombstone(d.id, d.deleted_time), deleted: true })),
      rejected: [],
      cursor: JSON.stringify({ done: true }),
    };
  }

  private async listPage(module: string, pos: { page: number } | { token: string }, since: Date | undefined) {
    let res: Awaited<ReturnType<ZohoClient['send']>>;
    try {
      res = await this.opts.client.send({
        kind: 'list',
        method: 'GET',
        path: `/${module}`,
        // `page` and `page_token` together are AMBIGUITY_DURING_PROCESSING: send exactly one.
        query: {
          fields: this.fieldsFor(module).join(','),
          per_page: MAX_PER_PAGE,
          ...('token' in pos ? { page_token: pos.token } : { page: pos.page }),
        },
        ...(since ? { headers: { 'If-Modified-Since': formatZohoDateTime(since) } } : {}),
      });
    } catch (err) {
      if ('token' in pos && err instanceof ZohoApiError && LOST_TOKEN_CODES.has(err.code)) {
        throw new ScanCursorLostError(module, `${err.code}: ${err.message}`);
      }
      throw err;
    }
    // 204 (nothing, or nothing after this position) and 304 (nothing modified since).
    if (res.data === undefined) return undefined;
    const parsed = listResponse.safeParse(res.data);
    if (!parsed.success) {
      throw new ZohoApiError(200, 'UNEXPECTED_RESPONSE', parsed.error.message, undefined, `GET /${module}`);
    }
    const body = parsed.data;
    const records: ScanPage['records'] = [];
    const rejected: ScanPage['rejected'] = [];
    const people = await this.opts.people?.();
    const normalize = people ? { ...this.opts.normalize, people } : this.opts.normalize;
    for (const r of body.data) {
      try {
        const n = normalizeZohoRecord(module, r, normalize);
        records.push({ object: n.object, record: n.record, deleted: false });
      } catch (err) {
        if (!(err instanceof ZohoNormalizeError)) throw err;
        rejected.push({ id: r.id, message: err.message });
      }
    }
    let next: Position | undefined;
    if (body.info?.more_records) {
      if ('page' in pos && (pos.page + 1) * MAX_PER_PAGE <= DISCRETE_PAGING_LIMIT)
        next = { page: pos.page + 1 };
      else if (body.info.next_page_token) next = { token: body.info.next_page_token };
      else {
        throw new ZohoApiError(
          200,
          'NO_PAGE_TOKEN',
          `more than ${DISCRETE_PAGING_LIMIT} records but no next_page_token`,
          undefined,
          `GET /${module}`,
        );
      }
    }
    return { records, rejected, next };
  }

  /** As ZohoReader does: the deletion time orders the tombstone against a later restore. */
  private tombstone(id: string, deletedTime: string | undefined): CanonicalRecord {
    const ms = deletedTime ? Date.parse(deletedTime) : Number.NaN;
    return { id, modifiedAt: (Number.isNaN(ms) ? this.now() : new Date(ms)).toISOString(), fields: {} };
  }
}
