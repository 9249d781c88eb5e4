import { describe, expect, it } from 'vitest';
import { itemBytes, readUnits, valueBytes, writeUnits } from '../../bench/capacity-units';

describe('DynamoDB item sizes, as AWS documents them', () => {
  it('counts strings in UTF-8 bytes, so Chinese text counts three bytes a character', () => {
    expect(valueBytes('abc')).toBe(3);
    expect(valueBytes('王小明')).toBe(9);
    expect(valueBytes('🎉')).toBe(4);
  });

  it('counts numbers by significant digits, binaries by bytes, and containers with their overhead', () => {
    expect(valueBytes(7)).toBe(2);
    expect(valueBytes(128000)).toBe(3); // "128": leading and trailing zeros are not significant
    expect(valueBytes(-12.345)).toBe(5); // 5 digits → 3, + 1, + 1 for the sign
    expect(valueBytes(new Uint8Array(10))).toBe(10);
    expect(valueBytes(true)).toBe(1);
    expect(valueBytes(null)).toBe(1);
    expect(valueBytes(['a', 'bc'])).toBe(3 + 1 + 1 + 1 + 2);
    expect(valueBytes({ a: 'xy' })).toBe(3 + 1 + (1 + 2));
    expect(itemBytes({ pk: 'EFFECT#k', n: 1, skipped: undefined })).toBe(2 + 8 + 1 + 2);
  });
});

describe('request units', () => {
  const small = { pk: 'A', sk: 'B' };
  const big = { pk: 'A', sk: 'B', body: 'x'.repeat(3000) };
  const indexed = (item: Record<string, unknown>) => ({
    ...item,
    gsi1pk: 'EFFECT#pending',
    gsi1sk: '2026-03-03',
  });

  it('a write costs 1 KB units of the larger of the item before and after', () => {
    expect(writeUnits(undefined, small, true)).toEqual({ table: 1, indexes: 0 });
    expect(writeUnits(undefined, big, true)).toEqual({ table: 3, indexes: 0 });
    expect(writeUnits(big, small, true)).toEqual({ table: 3, indexes: 0 });
    // A failed condition costs the existing item's size, and nothing on the indexes.
    expect(writeUnits(indexed(big), indexed(big), false)).toEqual({ table: 3, indexes: 0 });
  });

  it('an index holding the item before or after bills a put, a delete, or both when its key moves', () => {
    expect(writeUnits(undefined, indexed(big), true).indexes).toBe(3);
    expect(writeUnits(indexed(big), big, true).indexes).toBe(3);
    expect(writeUnits(indexed(small), { ...indexed(big), gsi1sk: '2026-03-04' }, true).indexes).toBe(1 + 3);
    expect(writeUnits(indexed(small), indexed(big), true).indexes).toBe(3);
  });

  it('a read costs 4 KB units of the whole items, half when eventually consistent, and the minimum when absent', () => {
    expect(readUnits([], true)).toBe(1);
    expect(readUnits([big, big], true)).toBe(2);
    expect(readUnits([big], false)).toBe(0.5);
  });
});
