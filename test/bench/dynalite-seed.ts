/**
 * Seeds a dynalite folder in bulk, for benchmarks that need hundreds of thousands of items: the items are written
 * straight into dynalite's LevelDB with the keys and index entries its own PutItem writes (dynalite/db `createKey`
 * and `getIndexActions`, so a Query finds them exactly as if they had been put), in large LevelDB batches. Through
 * BatchWriteItem the stand-in takes minutes per 100,000 items (an HTTP request, a lock and three writes per item).
 * Only the seed goes around the API: what a benchmark measures then reads through the SDK client from dynalite
 * serving that folder in its own process, as `npm start` runs it with its data folder (infra/local/dynamodb.ts).
 */
import { createRequire } from 'node:module';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startDynamo } from '../../infra/local/dynamodb';
import { localClientConfig } from '../support/local-aws';

type AttributeItem = Record<string, unknown>;
interface TableDescription {
  GlobalSecondaryIndexes?: unknown[];
}
interface LevelBatch {
  batch(ops: { type: 'put'; key: string; value: unknown }[]): Promise<void>;
  compactRange(start: string, end: string): Promise<void>;
  close(callback: (err?: Error) => void): void;
}
/** The part of dynalite's store (dynalite/db) the seed uses; dynalite ships no types for it. */
interface DynaliteDb {
  create(options: { path: string }): {
    db: LevelBatch;
    getTable(name: string, cb: (err: Error | null, table: TableDescription) => void): void;
  };
  createKey(item: AttributeItem, table: TableDescription): string;
  getIndexActions(
    indexes: unknown[],
    existing: undefined,
    item: AttributeItem,
    table: TableDescription,
  ): { puts: { index: string; key: string; item: AttributeItem }[] };
}

const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as DynaliteDb;

/** Items per LevelDB batch: large enough to amortise a write, small enough to keep memory flat. */
const BATCH = 5_000;

/**
 * Creates the table in `path` (as the runtime does) and writes every item of `items` into it, each key once.
 * Returns how many items were written. The folder is closed afterwards, ready for `startDynamo({ path })`.
 */
export const seedDynalite = async (
  path: string,
  tableName: string,
  items: Iterable<Record<string, unknown>>,
): Promise<number> => {
  const dynamo = await startDynamo({ tableName, path });
  // dynalite marks a new table ACTIVE on a timer: stopped before that, the folder would keep it CREATING.
  const ddb = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  while ((await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE')
    await new Promise((r) => setTimeout(r, 10));
  ddb.destroy();
  await dynamo.stop();
  const store = dynaliteDb.create({ path });
  const table = await new Promise<TableDescription>((ok, fail) =>
    store.getTable(tableName, (err, t) => (err ? fail(err) : ok(t))),
  );
  const indexes = table.GlobalSecondaryIndexes ?? [];
  let ops: { type: 'put'; key: string; value: unknown }[] = [];
  let written = 0;
  for (const plain of items) {
    const item = marshall(plain, { removeUndefinedValues: true }) as AttributeItem;
    ops.push({ type: 'put', key: `item-${tableName}~${dynaliteDb.createKey(item, table)}`, value: item });
    for (const p of dynaliteDb.getIndexActions(indexes, undefined, item, table).puts)
      ops.push({ type: 'put', key: `index-global~${tableName}~${p.index}~${p.key}`, value: p.item });
    if (++written % BATCH === 0) {
      await store.db.batch(ops);
      ops = [];
    }
  }
  if (ops.length) await store.db.batch(ops);
  // A bulk load leaves LevelDB's newest level full of overlapping files that it would compact while the benchmark
  // reads: compacted now, the folder is as settled as a runtime's data folder that has been in use.
  await store.db.compactRange('', '\uffff');
  await new Promise<void>((ok, fail) => store.db.close((err) => (err ? fail(err) : ok())));
  return written;
};
