/**
 * Canonical JSON (keys sorted, undefined members dropped), which the statement hash writes the header with:
 * canonicalWalk (the loops) and canonicalJson (the native pass) against the map-and-join version the hash was
 * first defined by, copied here verbatim, for JSON-like data and the odd values storage or a caller could hand
 * in: undefined members and elements, holes, functions, non-ASCII keys and text (Chinese, emoji, lone surrogates).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalWalk } from '../../../shared/incentives/statement';

const reference = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
};

const text = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '张三',
    '销售部·华东',
    '🚀 Q1',
    'a"b\\c',
    '\u0000\u001f',
    '\ud800',
    '1',
    '10',
    '2',
    '__proto__',
  ),
);
const leaf = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.oneof(
    fc.array(tie('node'), { maxLength: 5 }),
    fc.sparseArray(tie('node'), { maxLength: 5 }),
    fc.array(tie('node'), { maxLength: 3 }).map((xs) => [...xs, () => 1]),
  ),
  object: fc.dictionary(text, tie('node'), { maxKeys: 6 }),
})).node;

describe('canonical JSON', () => {
  it('canonicalWalk and canonicalJson write exactly what the map-and-join reference writes', () => {
    fc.assert(
      fc.property(value, (v) => {
        if (v === undefined) return;
        expect(canonicalWalk(v)).toBe(reference(v));
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('a statement header with Chinese and emoji names, members in any order', () => {
    const header = {
      repId: '张三 🚀',
      totals: { payable: '1.00', credited: '¥', draws: undefined },
      segments: [{ tiers: [{ to: undefined, from: '0', componentId: '基础' }], planId: 'p' }],
      locale: 'zh-CN',
    };
    expect(canonicalWalk(header)).toBe(reference(header));
    expect(canonicalWalk(header)).toBe(
      '{"locale":"zh-CN","repId":"张三 🚀","segments":[{"planId":"p","tiers":[{"componentId":"基础","from":"0"}]}],"totals":{"credited":"¥","payable":"1.00"}}',
    );
  });
});
