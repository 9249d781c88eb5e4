/**
 * How the DynamoDB ledger stores an effect's payload: long strings (an email's HTML and text bodies) are kept
 * Brotli-compressed as binary attributes, everything else as it is. DynamoDB bills a write by the item's size per
 * 1 KB, once for the table and once more for the pending index that copies the item; the ledger writes a claimed
 * email's item twice (claim, then done), so a 6 KB email cost about 24 write units. Compressed, its bodies take a
 * seventh of that. Short strings stay readable as they are: the subject, the recipient, a schedule's name.
 *
 * An effect payload never holds binary data of its own (it is plain JSON: mail, chat text, schedule input), so a
 * binary value in a stored payload is always a packed string, and a payload stored before packing reads unchanged.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/** Strings at least this long (UTF-16 units) are packed; below it Brotli saves less than a write unit's rounding. */
export const PACK_FROM_CHARS = 512;

const compress = (s: string): Uint8Array => {
  const bytes = Buffer.from(s, 'utf8');
  // Quality 5 of 11: within a few per cent of the best ratio on mail HTML, at well under a millisecond for 20 KB
  // (quality 11, zlib's default, takes 10–20 ms).
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 5,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
};

const walk = (v: unknown, leaf: (x: unknown) => unknown): unknown => {
  const mapped = leaf(v);
  if (mapped !== v) return mapped;
  if (Array.isArray(v)) return v.map((x) => walk(x, leaf));
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, leaf)]));
  return v;
};

/** The payload as stored: each string of PACK_FROM_CHARS or more replaced by its compressed UTF-8 bytes. */
export const packPayload = <T>(payload: T): T =>
  walk(payload, (x) => (typeof x === 'string' && x.length >= PACK_FROM_CHARS ? compress(x) : x)) as T;

/** The payload as it was given to packPayload (one stored unpacked reads as it is). */
export const unpackPayload = <T>(stored: T): T =>
  walk(stored, (x) => (x instanceof Uint8Array ? brotliDecompressSync(x).toString('utf8') : x)) as T;
