/**
 * The port reconcile and the initial import use to list what changed in the tenant's CRM, a page at a time, already
 * normalized. Beside CrmReader (records by id, for notifications): a scanner answers "everything modified since",
 * so a lost notification only delays data. Implementations: shared/crm/zoho/scanner.ts,
 * shared/crm/fxiaoke/scanner.ts; wiring: functions/wiring/crm-scanner.ts.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { DomainError } from '../errors';

export interface ScannedRecord {
  object: CrmObject;
  record: CanonicalRecord;
  /** Deleted or invalidated in the CRM: the canonical copy becomes a tombstone. */
  deleted: boolean;
}

export interface ScanPage {
  records: ScannedRecord[];
  /** Records the CRM returned that do not normalize (named, so a person can fix them in the CRM). */
  rejected: { id: string; message: string }[];
  /**
   * Where to continue once this page is applied: passed back to `scan`, it resumes after this page. Opaque,
   * and bound to the `since` the scan started with (a Zoho page token is bound to its request).
   */
  cursor: string;
}

export interface ScanOptions {
  /** Only records modified after this instant; absent for a full import. */
  since?: Date;
  /** Resume after the page that returned this cursor (with the same `since`). */
  cursor?: string;
  /**
   * Also list deletions since this instant, for CRMs that keep them apart (Zoho's recycle bin). Fxiaoke reports an
   * invalidated record as modified, so its scanner ignores this.
   */
  deletedSince?: Date;
}

export interface CrmScanner {
  /** The CRM provider's id (shared/crm/registry.ts). */
  readonly provider: string;
  /** The Zoho modules or Fxiaoke objects this tenant syncs, in the order they are scanned. */
  readonly modules: readonly string[];
  /**
   * Pages in the CRM's order. Transport and CRM failures are thrown (never an empty page), so a caller that
   * persisted the previous page's cursor resumes exactly where it stopped. A cursor that can no longer be resumed
   * (an expired page token) is a ScanCursorLostError: the caller starts that scan again from its `since`.
   */
  scan(module: string, opts?: ScanOptions): AsyncIterable<ScanPage>;
}

/** The CRM no longer honours a saved position (Zoho page tokens live 24 h); nothing was skipped or applied. */
export class ScanCursorLostError extends DomainError {
  override readonly name = 'ScanCursorLostError';
  constructor(
    readonly module: string,
    readonly reason: string,
  ) {
    super('scan_cursor_lost', `the saved scan position for ${module} can no longer be resumed: ${reason}`);
  }
}
