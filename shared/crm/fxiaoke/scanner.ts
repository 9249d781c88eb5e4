/**
 * CrmScanner for Fxiaoke (crm-protocols.md §2.3): FxiaokeClient.modifiedSince, i.e. data/query filtered on
 * `last_modified_time GTE since`, keyset-paged by `_id` (offsets stop at 10,000). The cursor is the last `_id`
 * applied; resuming adds `_id GT <cursor>` to the same query, so no page is read twice and none is skipped. An
 * invalidated (作废) record is a modification, so deletions need no separate pass.
 */

import { RejectedInputError } from '../../errors';
import type { CrmScanner, ScanOptions, ScanPage } from '../../sync/crm-scanner';
import type { FxiaokeClient, QueryFilter } from './client';
import { type NormalizeOptions, normalizeFxiaokeRecord } from './normalize';
import { canonicalObjectFor, defaultFxiaokeObjects } from './objects';
import { type FxiaokeDirectory, withOwners } from './people';

export { defaultFxiaokeObjects };

export interface FxiaokeScannerOptions {
  client: Pick<FxiaokeClient, 'modifiedSince'>;
  normalize: NormalizeOptions;
  /** Owner names and emails from PersonnelObj, looked up once per page. */
  directory?: Pick<FxiaokeDirectory, 'people'>;
  objects?: readonly string[];
}

export class FxiaokeScanner implements CrmScanner {
  readonly provider = 'fxiaoke' as const;
  readonly modules: readonly string[];

  constructor(private readonly opts: FxiaokeScannerOptions) {
    this.modules = opts.objects ?? defaultFxiaokeObjects(opts.normalize.opportunityObject);
    for (const o of this.modules) {
      if (!canonicalObjectFor(o, opts.normalize.opportunityObject)) {
        throw new Error(`Fxiaoke object ${o} has no canonical object`);
      }
    }
  }

  async *scan(apiName: string, opts: ScanOptions = {}): AsyncGenerator<ScanPage> {
    // A full import is "modified since the epoch": one code path, and the same keyset paging.
    const sinceMs = opts.since?.getTime() ?? 0;
    const after: QueryFilter[] = opts.cursor
      ? [{ field_name: '_id', operator: 'GT', field_values: [opts.cursor] }]
      : [];
    for await (const page of this.opts.client.modifiedSince(apiName, sinceMs, { filters: after })) {
      const records: ScanPage['records'] = [];
      const rejected: ScanPage['rejected'] = [];
      const normalize = await withOwners(this.opts.normalize, this.opts.directory, page);
      for (const data of page) {
        try {
          const n = normalizeFxiaokeRecord(apiName, data, normalize);
          records.push({ object: n.object, record: n.record, deleted: n.deleted });
        } catch (err) {
          if (!(err instanceof RejectedInputError)) throw err;
          rejected.push({ id: String(data._id), message: err.message });
        }
      }
      const last = page[page.length - 1]?._id;
      // modifiedSince yields only non-empty pages and checks that _id ascends.
      yield { records, rejected, cursor: String(last) };
    }
  }
}
