/**
 * The port sync uses to fetch changed records from the tenant's CRM, already normalized. Zoho and Fxiaoke
 * notifications carry ids only (see shared/crm/*), so the canonical copy is built from what the CRM says now.
 * Implementations: shared/crm/zoho/reader.ts, shared/crm/fxiaoke/reader.ts; wiring: functions/wiring/crm.ts.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { RetryLaterError } from '../errors';

export interface CrmRead {
  record: CanonicalRecord;
  /** The CRM says the record is gone (recycle bin, invalidated): the canonical copy becomes a tombstone. */
  deleted: boolean;
}

export interface CrmReadOptions {
  /**
   * The change being synced was received at this instant. Readers that must search for deletions (Zoho's recycle
   * bin) start there, minus a margin of their own, instead of scanning months of deleted records.
   */
  since?: Date;
}

export interface CrmReader {
  /**
   * Every requested id is a key of the result (batched as the CRM allows). `undefined` means the CRM neither has
   * the record nor says it was deleted; transport and CRM failures (5xx, 429, timeouts) are thrown, never mapped
   * to `undefined`, so the event is retried.
   */
  read(
    object: CrmObject,
    ids: readonly string[],
    opts?: CrmReadOptions,
  ): Promise<Map<string, CrmRead | undefined>>;
}

/**
 * The CRM does not have a record a notification said had changed. Usually read-after-write lag or a permission
 * gap: thrown (not dropped) so the bus retries, and after its retries the event lands in the DLQ for a person.
 */
export class CrmRecordNotFoundError extends RetryLaterError {
  constructor(
    readonly object: CrmObject,
    readonly recordId: string,
  ) {
    super('not_found', `the CRM has no ${object} ${recordId} and does not report it deleted`, {
      object,
      recordId,
    });
  }
}
