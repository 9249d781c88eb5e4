/**
 * Where reconcile stands, per CRM module: the watermark (every change before it, less reconcile's overlap, is
 * applied), when Zoho's recycle bin was last read, and the scan under way with its saved cursor. The cursor is
 * written only after its page is applied, so an interrupted scan resumes after the last applied page, with the
 * `since` it started with (a Zoho page token is bound to it).
 *
 * Access pattern (to be listed in table-design.ts):
 *   sync state by module                 pk=WATERMARK#<module>    sk=WATERMARK
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

export interface ScanInProgress {
  /** When this scan began (ISO): the next watermark once it completes. */
  startedAt: string;
  /** The `since` it scans from (ISO); absent for a full import. */
  since?: string;
  /** The recycle-bin pass it includes (ISO), if any. */
  deletedSince?: string;
  /** Resume position after the last applied page; absent before the first page. */
  cursor?: string;
  pages: number;
  records: number;
  /** Who runs it and when it last saved a page: the scheduled reconcile leaves a live scan to its runner. */
  runner?: string;
  heartbeatAt?: string;
}

export interface SyncState {
  module: string;
  /** ISO; absent until the first full import completes. */
  watermark?: string;
  /** ISO; when the last completed scan that read deletions began. */
  deletedCheckedAt?: string;
  scan?: ScanInProgress;
}

export const syncStateKey = (module: string) => ({ pk: `WATERMARK#${module}`, sk: 'WATERMARK' });

/**
 * One item per module, replaced whole. Reconcile runs one scan per module at a time (the schedule's runs do not
 * overlap: the function's timeout is below the rate); if an operator's import runs beside it, both apply records
 * through the versioned upsert, so the worst case is reading pages twice, never a lost or older record.
 */
export class SyncStateRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(module: string): Promise<SyncState> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: syncStateKey(module), ConsistentRead: true }),
    );
    const item = out.Item as (SyncState & Record<string, unknown>) | undefined;
    if (!item) return { module };
    return {
      module,
      ...(item.watermark ? { watermark: item.watermark } : {}),
      ...(item.deletedCheckedAt ? { deletedCheckedAt: item.deletedCheckedAt } : {}),
      ...(item.scan ? { scan: item.scan } : {}),
    };
  }

  async put(state: SyncState): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...syncStateKey(state.module), type: 'syncState', ...state },
      }),
    );
  }

  /** Forgets the module's watermark and any scan: the next run is a full import (the CLI's `--restart`). */
  async reset(module: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: syncStateKey(module) }));
  }
}
