/**
 * CrmReader for Zoho CRM: records by id (100 per call) normalized with the tenant's stages; ids Zoho does not
 * return are looked up in the recycle bin, so a record deleted after its change notification becomes a tombstone
 * (at its deletion time) rather than an error. Ids found in neither stay `undefined` for the caller to act on.
 */
import type { CanonicalRecord, CrmObject } from '../../../events';
import type { CrmRead, CrmReader, CrmReadOptions } from '../../sync/crm-reader';
import type { OwnerDetails } from '../../sync/crm-users';
import { objectForModule } from './modules';
import { normalizeZohoRecord, type ZohoNormalizeOptions } from './normalize';
import type { ZohoRecords } from './records';

/**
 * How far before the receipt a deletion may lie: Zoho can deliver a notification late, and the record may have
 * been deleted before we received it. Without a receipt time the whole bin (60 + 120 days) is read.
 */
export const DELETED_LOOKBACK_MS = 24 * 3_600_000;

export interface ZohoReaderOptions {
  records: Pick<ZohoRecords, 'getByIds' | 'deleted'>;
  /** The tenant's subscribed modules: an object maps back to those of them that normalize into it. */
  modules: readonly string[];
  normalize?: ZohoNormalizeOptions;
  /** Owners' emails and managers' emails (the stored CRM users); without it owners carry what Zoho sends. */
  people?: () => Promise<Readonly<Record<string, OwnerDetails>>>;
  now?: () => Date;
}

export class ZohoReader implements CrmReader {
  private readonly now: () => Date;

  constructor(private readonly opts: ZohoReaderOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Several modules may map to one object (Tasks, Calls, Events → activity); Zoho ids are unique across them. */
  modulesFor(object: CrmObject): string[] {
    const modules = this.opts.modules.filter((m) => objectForModule(m, this.opts.normalize) === object);
    if (modules.length === 0) throw new Error(`none of the tenant's Zoho modules maps to ${object}`);
    return modules;
  }

  async read(
    object: CrmObject,
    ids: readonly string[],
    opts: CrmReadOptions = {},
  ): Promise<Map<string, CrmRead | undefined>> {
    const result = new Map<string, CrmRead | undefined>(ids.map((id) => [id, undefined]));
    const missing = new Set(ids);
    const modules = this.modulesFor(object);
    const people = await this.opts.people?.();
    const normalize = people ? { ...this.opts.normalize, people } : this.opts.normalize;
    for (const module of modules) {
      if (missing.size === 0) break;
      for (const r of await this.opts.records.getByIds(module, [...missing])) {
        if (!missing.delete(r.id)) continue;
        result.set(r.id, {
          record: normalizeZohoRecord(module, r, normalize).record,
          deleted: false,
        });
      }
    }
    if (missing.size === 0) return result;

    const modifiedSince = opts.since ? new Date(opts.since.getTime() - DELETED_LOOKBACK_MS) : undefined;
    for (const module of modules) {
      if (missing.size === 0) break;
      for (const d of await this.opts.records.deleted(module, modifiedSince ? { modifiedSince } : {})) {
        if (!missing.delete(d.id)) continue;
        const deletedMs = d.deleted_time ? Date.parse(d.deleted_time) : Number.NaN;
        const tombstone: CanonicalRecord = {
          id: d.id,
          // The deletion time orders the tombstone against a later restore; "now" only if Zoho omits it.
          modifiedAt: (Number.isNaN(deletedMs) ? this.now() : new Date(deletedMs)).toISOString(),
          fields: {},
        };
        result.set(d.id, { record: tombstone, deleted: true });
      }
    }
    return result;
  }
}
