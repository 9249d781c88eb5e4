/**
 * Runs one DynamoDB document-client command for the cost model and adds its request units by item size
 * (capacity-units.ts) to a tally. A write's units need the item before and after it: they are read with consistent
 * Gets on the same client, sent past the counter, and their time is reported so the invocation's duration can
 * leave it out. A read's units need the whole item (a projection does not lower them): a projected read is read
 * again in full the same way.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../shared/store/table-design';
import { readUnits, writeUnits } from './capacity-units';

type Input = Record<string, unknown>;
type Item = Record<string, unknown>;
type Key = Record<string, unknown>;
type Send = (command: unknown) => Promise<unknown>;

export interface UnitTally {
  readUnits: number;
  writeUnits: number;
  /** The part of writeUnits spent on the global secondary indexes. */
  indexWriteUnits: number;
  writeUnitsBy: Record<string, number>;
}

const keyOf = (item: Item): Key => ({
  [TABLE.partitionKey]: item[TABLE.partitionKey],
  [TABLE.sortKey]: item[TABLE.sortKey],
});

interface Write {
  table: string;
  key: Key;
}

/** The items a write command names, by table and key (a failed condition check names its item too). */
const writesOf = (op: string, input: Input): Write[] => {
  const one = (table: unknown, w: Input): Write => ({
    table: String(table),
    key: (w.Key as Key | undefined) ?? keyOf(w.Item as Item),
  });
  if (op === 'Put' || op === 'Update' || op === 'Delete') return [one(input.TableName, input)];
  if (op === 'BatchWrite')
    return Object.entries(input.RequestItems as Record<string, Input[]>).flatMap(([table, reqs]) =>
      reqs.map((r) => one(table, (r.PutRequest ?? r.DeleteRequest) as Input)),
    );
  if (op === 'TransactWrite')
    return (input.TransactItems as Input[]).flatMap((t) => {
      const w = (t.Put ?? t.Update ?? t.Delete) as Input | undefined;
      return w ? [one(w.TableName, w)] : [];
    });
  return [];
};

const failedCondition = (err: unknown) =>
  err instanceof Error &&
  (err.name === 'ConditionalCheckFailedException' || err.name === 'TransactionCanceledException');

/**
 * Sends `command` (op: Put, Update, …, as cost-counter.ts names it) through `send` and adds its units to `t`.
 * `detail` names it in `writeUnitsBy`; `raw` sends past the counter. Returns the command's output, or rethrows its error.
 */
export const sendSized = async (
  t: UnitTally,
  detail: string,
  op: string,
  input: Input,
  send: () => Promise<unknown>,
  raw: Send,
  overheadMs: (ms: number) => void,
): Promise<unknown> => {
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      overheadMs(performance.now() - started);
    }
  };
  const get = (table: string, key: Key) =>
    raw(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })).then(
      (o) => (o as { Item?: Item }).Item,
    );

  const writes = writesOf(op, input);
  if (writes.length > 0) {
    const before = await timed(() => Promise.all(writes.map((w) => get(w.table, w.key))));
    let output: unknown;
    let failed: unknown;
    try {
      output = await send();
    } catch (err) {
      if (!failedCondition(err)) throw err;
      failed = err;
    }
    const after = failed ? before : await timed(() => Promise.all(writes.map((w) => get(w.table, w.key))));
    const factor = op === 'TransactWrite' ? 2 : 1;
    writes.forEach((_, i) => {
      const u = writeUnits(before[i], after[i], !failed);
      t.writeUnits += factor * (u.table + u.indexes);
      t.indexWriteUnits += factor * u.indexes;
      t.writeUnitsBy[detail] = (t.writeUnitsBy[detail] ?? 0) + factor * (u.table + u.indexes);
    });
    if (failed) throw failed;
    return output;
  }

  const output = (await send()) as {
    Item?: Item;
    Items?: Item[];
    Responses?: Record<string, Item[]>;
  };
  const full = async (table: string, items: Item[], projected: boolean) =>
    projected
      ? ((await timed(() => Promise.all(items.map((i) => get(table, keyOf(i)))))).filter(Boolean) as Item[])
      : items;
  const projected = input.ProjectionExpression !== undefined;
  const consistent = input.ConsistentRead === true;
  if (op === 'Get') {
    const items = output.Item ? await full(String(input.TableName), [output.Item], projected) : [];
    t.readUnits += readUnits(items, consistent);
  } else if (op === 'Query' || op === 'Scan') {
    t.readUnits += readUnits(await full(String(input.TableName), output.Items ?? [], projected), consistent);
  } else if (op === 'BatchGet') {
    for (const [table, req] of Object.entries(input.RequestItems as Record<string, Input>)) {
      const keys = (req.Keys as Key[]).length;
      const found = await full(
        table,
        output.Responses?.[table] ?? [],
        req.ProjectionExpression !== undefined,
      );
      const c = req.ConsistentRead === true;
      // Each key is its own read: an item's units by its size, an absent one the minimum.
      t.readUnits +=
        found.reduce((sum, i) => sum + readUnits([i], c), 0) + (keys - found.length) * readUnits([], c);
    }
  } else if (op === 'TransactGet') {
    t.readUnits += 2 * (input.TransactItems as Input[]).length;
  }
  return output;
};
