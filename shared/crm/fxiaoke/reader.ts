/**
 * CrmReader for Fxiaoke: data/get per id (the API has no batch get), a few at a time, normalized with the tenant's
 * stage mapping. Invalidated (作废) or deleted records normalize as tombstones. When data/get refuses an id with a
 * business error, a query by `_id` decides: Fxiaoke's "not found" code is undocumented, and branching on its
 * reworded message would be guesswork.
 */
import type { CrmObject } from '../../../events';
import type { CrmRead, CrmReader } from '../../sync/crm-reader';
import type { FxiaokeClient, ObjectData } from './client';
import { FxiaokeApiError } from './errors';
import { type NormalizeOptions, normalizeFxiaokeRecord } from './normalize';
import { fxiaokeObjectFor } from './objects';
import { type FxiaokeDirectory, withOwners } from './people';

/** The per-API limit is 100 calls per 20 s; a handful in flight keeps a batch well inside it. */
const DEFAULT_CONCURRENCY = 4;

export interface FxiaokeReaderOptions {
  client: Pick<FxiaokeClient, 'get' | 'query'>;
  normalize: NormalizeOptions;
  /** Owner names and emails from PersonnelObj; without it records carry the owner id only. */
  directory?: Pick<FxiaokeDirectory, 'people'>;
  concurrency?: number;
}

/** A refusal of the request itself (HTTP 200, non-zero errorCode), not a transport, throttling or token failure. */
const isRefusal = (err: unknown): err is FxiaokeApiError =>
  err instanceof FxiaokeApiError &&
  err.httpStatus === 200 &&
  err.errorCode !== undefined &&
  err.errorCode !== 0 &&
  !err.retryable &&
  !err.tokenExpired;

export class FxiaokeReader implements CrmReader {
  constructor(private readonly opts: FxiaokeReaderOptions) {}

  async read(object: CrmObject, ids: readonly string[]): Promise<Map<string, CrmRead | undefined>> {
    const apiName = fxiaokeObjectFor(object, this.opts.normalize.opportunityObject);
    const unique = [...new Set(ids)];
    const result = new Map<string, CrmRead | undefined>(ids.map((id) => [id, undefined]));
    let next = 0;
    const worker = async () => {
      while (next < unique.length) {
        const id = unique[next++] as string;
        const data = await this.fetch(apiName, id);
        if (!data) continue;
        const normalize = await withOwners(this.opts.normalize, this.opts.directory, [data]);
        const n = normalizeFxiaokeRecord(apiName, data, normalize);
        result.set(id, { record: n.record, deleted: n.deleted });
      }
    };
    const workers = Math.min(this.opts.concurrency ?? DEFAULT_CONCURRENCY, unique.length);
    await Promise.all(Array.from({ length: workers }, worker));
    return result;
  }

  private async fetch(apiName: string, id: string): Promise<ObjectData | undefined> {
    try {
      return await this.opts.client.get(apiName, id);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      const page = await this.opts.client.query(apiName, {
        limit: 1,
        offset: 0,
        filters: [{ field_name: '_id', operator: 'EQ', field_values: [id] }],
      });
      return page.dataList[0];
    }
  }
}
