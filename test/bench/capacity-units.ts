/**
 * DynamoDB's on-demand request units for one item, by its size, as AWS documents them ("Item sizes and formats",
 * "Read/write capacity mode", "Global secondary indexes: provisioned throughput considerations"), for the cost model.
 * Written here because no maintained library computes them: dynalite's own estimate counts strings in UTF-16 code
 * units (so a Chinese name counts a third of its bytes) and leaves the indexes out.
 *
 * - Size of an item: for each attribute, the UTF-8 length of its name plus its value's size. A string is its UTF-8
 *   length, a binary its bytes, a number about 1 byte per 2 significant digits plus 1, a boolean or null 1 byte, a
 *   list or map 3 bytes plus 1 byte per element plus its elements (a map's names included).
 * - A write: one unit per 1 KB of the larger of the item before and after (at least 1; a failed condition costs the
 *   same for the existing item). Each global secondary index the item is in, before or after, costs its own writes:
 *   a put of the index entry, a delete of the old one, or both when the item's index key changes.
 * - A read: one unit per 4 KB of the whole item read (a projection does not lower it), half for an eventually
 *   consistent read; a Query sums its items' sizes before rounding. An absent item still costs the minimum.
 */
import { TABLE } from '../../shared/store/table-design';

type Value = unknown;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

const numberSize = (n: number | bigint | string): number => {
  const digits = String(n)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return 1 + Math.ceil(Math.max(digits.length, 1) / 2) + (String(n).startsWith('-') ? 1 : 0);
};

/** The size DynamoDB gives one attribute value, in bytes (document-client form: plain JS values). */
export const valueBytes = (v: Value): number => {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number' || typeof v === 'bigint') return numberSize(v);
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) {
    let sum = 0;
    for (const x of v) sum += valueBytes(x);
    return sum;
  }
  if (Array.isArray(v)) return 3 + v.reduce<number>((sum, x) => sum + 1 + valueBytes(x), 0);
  if (typeof v === 'object') {
    // NumberValue (lib-dynamodb's wrapper for numbers beyond a double) carries its digits in `value`.
    if (v.constructor?.name === 'NumberValue') return numberSize(String((v as { value: string }).value));
    const entries = Object.entries(v as Record<string, Value>).filter(([, x]) => x !== undefined);
    return 3 + entries.length + itemBytes(Object.fromEntries(entries));
  }
  throw new Error(`no DynamoDB size for a ${typeof v}`);
};

/** The size of an item: its attributes' names and values. */
export const itemBytes = (item: Record<string, Value>): number => {
  let sum = 0;
  for (const [name, v] of Object.entries(item)) if (v !== undefined) sum += utf8(name) + valueBytes(v);
  return sum;
};

const units = (bytes: number, per: number) => Math.max(1, Math.ceil(bytes / per));

type Item = Record<string, Value> | undefined;

/** The table's global secondary indexes (both project every attribute, infra/constructs/data.ts). */
const INDEXES = [TABLE.gsi1, TABLE.gsi2];

const indexKey = (item: Item, index: { partitionKey: string; sortKey: string }) =>
  item?.[index.partitionKey] !== undefined && item[index.sortKey] !== undefined
    ? `${String(item[index.partitionKey])}\u0000${String(item[index.sortKey])}`
    : undefined;

/** Write request units of one item write: the table's and its indexes'. */
export const writeUnits = (
  before: Item,
  after: Item,
  succeeded: boolean,
): { table: number; indexes: number } => {
  const was = before ? itemBytes(before) : 0;
  if (!succeeded) return { table: units(was, 1024), indexes: 0 };
  const now = after ? itemBytes(after) : 0;
  let indexes = 0;
  for (const index of INDEXES) {
    const old = indexKey(before, index);
    const next = indexKey(after, index);
    if (old !== undefined && next !== undefined)
      indexes += old === next ? units(Math.max(was, now), 1024) : units(was, 1024) + units(now, 1024);
    else if (old !== undefined) indexes += units(was, 1024);
    else if (next !== undefined) indexes += units(now, 1024);
  }
  return { table: units(Math.max(was, now), 1024), indexes };
};

/** Read request units of items read together (one Get, one item of a batch, or one Query page). */
export const readUnits = (items: readonly Record<string, Value>[], consistent: boolean): number => {
  const bytes = items.reduce((sum, i) => sum + itemBytes(i), 0);
  return units(bytes, 4096) * (consistent ? 1 : 0.5);
};
