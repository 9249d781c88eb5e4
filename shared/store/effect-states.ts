/**
 * Reads effect-ledger items by key, for explaining what an event did (shared/workflows/explain-report.ts). Read-only:
 * the ledger itself (shared/effects/ledger.ts) is the only writer.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EffectStateReader, LedgerItem } from '../workflows/explain-report';
import { keys } from './table-design';

const BATCH = 100; // BatchGetItem's limit
const MAX_ROUNDS = 8;

export class EffectStates implements EffectStateReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(effectKeys: readonly string[]): Promise<Map<string, LedgerItem>> {
    const found = new Map<string, LedgerItem>();
    const unique = [...new Set(effectKeys)];
    for (let i = 0; i < unique.length; i += BATCH) {
      let pending: Record<string, unknown>[] = unique.slice(i, i + BATCH).map((k) => keys.effect(k));
      // Unprocessed keys (throttling) are asked again, a bounded number of times, then reported.
      for (let round = 0; pending.length > 0; round++) {
        if (round === MAX_ROUNDS)
          throw new Error(`could not read ${pending.length} ledger items (throttled)`);
        const out = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? [])
          found.set(String(item.pk).slice('EFFECT#'.length), item as LedgerItem);
        pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  }
}
