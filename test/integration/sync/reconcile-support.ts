/**
 * Wiring for the reconcile and import tests: ReconcileDeps on dynalite with a recording bus, a bus that fails on
 * demand (a crash between the upserts and the publish), and a count of what the table holds.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CrmObject } from '../../../events';
import type { BusEntry, EventBusPort } from '../../../shared/ports';
import { RecordRepository, type StoredRecord } from '../../../shared/store/records';
import { SyncStateRepository } from '../../../shared/store/sync-state';
import type { CrmScanner } from '../../../shared/sync/crm-scanner';
import type { ReconcileDeps } from '../../../shared/sync/reconcile';
import type { LocalTable } from '../../support/local-aws';

/** Publishes to `inner` unless told to fail the next N publishes (the process "crashes" before the bus). */
export class FlakyBus implements EventBusPort {
  failures = 0;
  constructor(private readonly inner: EventBusPort) {}
  async publish(entries: readonly BusEntry[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('bus unavailable (test)');
    }
    await this.inner.publish(entries);
  }
}

export const reconcileDepsOn = (
  table: LocalTable,
  tenantId: string,
  scanner: CrmScanner,
  bus: EventBusPort,
  now: () => Date,
): ReconcileDeps & { state: SyncStateRepository; records: RecordRepository } => ({
  tenantId,
  scanner,
  state: new SyncStateRepository(table.doc, table.tableName),
  records: new RecordRepository(table.doc, table.tableName),
  bus,
  now,
});

/** Every canonical record of one object in the table (a full scan: fine at test sizes). */
export const storedRecords = async (table: LocalTable, object: CrmObject): Promise<StoredRecord[]> => {
  const out: StoredRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': `REC#${object}#` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) out.push((item as { data: StoredRecord }).data);
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
};
