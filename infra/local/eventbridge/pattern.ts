import { codedError } from '../../../shared/errors';
// EventBridge event-pattern matcher for the local event bus.
//
// Written by hand on purpose: no maintained npm package implements EventBridge's pattern language (the
// reference implementation is AWS's Java library aws/event-ruler). The local bus must route with exactly
// the patterns the CDK rules deploy, so the semantics below follow the AWS docs ("Event patterns",
// "Content filtering in Amazon EventBridge event patterns") and, where the docs are silent, event-ruler.
//
// Model: a pattern is a tree of objects whose leaves are arrays of alternatives. Fields are ANDed,
// alternatives ORed. `matches` assumes a pattern that passed `validatePattern` (validate once, when a rule
// is registered, not per event).

export type EventPattern = Record<string, unknown>;

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);
const ANYTHING_BUT_OPS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);
// event-ruler refuses these as field names inside `$or` branches: they are almost always a matcher put
// where a field was meant (e.g. `"$or": [{ "prefix": "a" }, ...]`).
const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'wildcard'];
const RESERVED_IN_OR = new Set([...OPERATORS, 'cidr', 'exact', ...NUMERIC_OPS]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const toList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const lower = (s: string) => s.toLowerCase();

// ---------------------------------------------------------------------------------------------- validation

class PatternError extends codedError('invalid_event_pattern') {
  override readonly name = 'PatternError';
}

function fail(path: string, message: string): never {
  throw new PatternError(`${path}: ${message}`);
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Checks `pattern` against EventBridge's grammar; throws naming the JSON path of the first problem. */
export function validatePattern(pattern: unknown): EventPattern {
  if (!isObject(pattern)) fail('pattern', 'must be a JSON object');
  validateObject(pattern, 'pattern', false);
  return pattern;
}

function validateObject(obj: Record<string, unknown>, path: string, inOr: boolean): void {
  const keys = Object.keys(obj);
  if (keys.length === 0) fail(path, 'empty objects are not allowed');
  for (const key of keys) {
    const value = obj[key];
    const here = childPath(path, key);
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        fail(here, '$or must be an array of at least 2 objects');
      }
      for (const [i, branch] of value.entries()) validateObject(branch, `${here}[${i}]`, true);
    } else if (inOr && RESERVED_IN_OR.has(key)) {
      fail(here, `"${key}" is a matcher keyword and cannot be a field name inside $or`);
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail(here, 'empty arrays are not allowed');
      for (const alt of value) validateAlternative(alt, here);
    } else if (isObject(value)) {
      validateObject(value, here, inOr);
    } else {
      fail(here, 'must be an array of match values or a nested object');
    }
  }
}

function validateAlternative(alt: unknown, path: string): void {
  if (alt === null || ['string', 'number', 'boolean'].includes(typeof alt)) return;
  if (!isObject(alt)) fail(path, 'match values must be strings, numbers, booleans, null or operator objects');
  const [op, ...extra] = Object.keys(alt);
  if (op === undefined || extra.length > 0) fail(path, 'an operator object must have exactly one key');
  const arg = alt[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (isObject(arg)) {
        const keys = Object.keys(arg);
        if (keys.length !== 1 || typeof arg['equals-ignore-case'] !== 'string') {
          fail(path, `${op} accepts a string or { "equals-ignore-case": string }`);
        }
      } else if (typeof arg !== 'string') fail(path, `${op} expects a string`);
      return;
    case 'equals-ignore-case':
      if (typeof arg !== 'string') fail(path, 'equals-ignore-case expects a string');
      return;
    case 'wildcard':
      if (typeof arg !== 'string') fail(path, 'wildcard expects a string');
      validateWildcard(arg, path);
      return;
    case 'exists':
      if (typeof arg !== 'boolean') fail(path, 'exists expects true or false');
      return;
    case 'numeric':
      validateNumeric(arg, path);
      return;
    case 'cidr':
      if (typeof arg !== 'string' || parseCidr(arg) === undefined) {
        fail(path, 'cidr expects an IPv4 block like "10.0.0.0/24" (IPv6 is not supported locally)');
      }
      return;
    case 'anything-but':
      validateAnythingBut(arg, path);
      return;
    default:
      fail(path, `unknown operator "${op}"`);
  }
}

function validateAnythingBut(arg: unknown, path: string): void {
  if (isObject(arg)) {
    const [op, ...extra] = Object.keys(arg);
    if (op === undefined || extra.length > 0 || !ANYTHING_BUT_OPS.has(op)) {
      fail(path, 'anything-but object must be one of prefix, suffix, equals-ignore-case, wildcard');
    }
    const values = toList(arg[op]);
    if (values.length === 0 || !values.every((v) => typeof v === 'string')) {
      fail(path, `anything-but ${op} expects a string or a non-empty list of strings`);
    }
    // An empty prefix/suffix would exclude every string; event-ruler rejects it as a likely mistake.
    if ((op === 'prefix' || op === 'suffix') && values.includes('')) fail(path, `empty ${op} not allowed`);
    if (op === 'wildcard') for (const v of values) validateWildcard(v as string, path);
    return;
  }
  const values = toList(arg);
  const allStrings = values.every((v) => typeof v === 'string');
  const allNumbers = values.every((v) => typeof v === 'number');
  if (values.length === 0 || !(allStrings || allNumbers)) {
    fail(
      path,
      'anything-but expects a string, a number, or a non-empty list of only strings or only numbers',
    );
  }
}

function validateNumeric(arg: unknown, path: string): void {
  const pairs = Array.isArray(arg) && (arg.length === 2 || arg.length === 4);
  if (!pairs || arg.some((v, i) => (i % 2 === 0 ? !NUMERIC_OPS.has(v) : !Number.isFinite(v)))) {
    fail(path, 'numeric expects operator/value pairs, e.g. [">", 0, "<=", 5]');
  }
  const [op1, lo, op2, hi] = arg as [string, number, string?, number?];
  // Like event-ruler: a two-sided range is a lower bound followed by an upper bound, nothing else.
  if (op2 !== undefined) {
    if (!(op1 === '>' || op1 === '>=') || !(op2 === '<' || op2 === '<=')) {
      fail(path, 'numeric range must be a lower bound (>, >=) followed by an upper bound (<, <=)');
    }
    if (hi === undefined || lo >= hi) fail(path, 'numeric range lower bound must be below the upper bound');
  }
}

function validateWildcard(pattern: string, path: string): void {
  // Same restrictions as event-ruler: no "**", and a backslash may only escape "*" or "\".
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') fail(path, 'wildcard cannot contain consecutive "*"');
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') fail(path, 'wildcard may only escape "*" or "\\"');
      i++;
    }
  }
}

// ------------------------------------------------------------------------------------------------ matching

/** True when `event` satisfies `pattern` (which must have passed `validatePattern`). */
export function matches(pattern: EventPattern, event: Record<string, unknown>): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: EventPattern, node: unknown): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') return (sub as EventPattern[]).some((branch) => matchObject(branch, node));
    // A missing parent is not a failure by itself: `exists: false` below it must still be able to match.
    const child = isObject(node) ? node[key] : undefined;
    if (Array.isArray(sub)) return matchLeaf(sub, leafValues(child));
    return matchNested(sub as EventPattern, child);
  });
}

function matchNested(pattern: EventPattern, child: unknown): boolean {
  if (!Array.isArray(child)) return matchObject(pattern, child);
  // An array of objects matches when one element satisfies the whole sub-pattern. Requiring a single
  // element (instead of mixing fields from different elements) is event-ruler's "array-consistent" mode.
  const items = child.flat(Number.POSITIVE_INFINITY);
  return items.length === 0
    ? matchObject(pattern, undefined)
    : items.some((item) => matchObject(pattern, item));
}

// Leaf values of a field: scalars (incl. null), with arrays flattened. Objects are not leaves, which is why
// `exists` does not see intermediate nodes and why a leaf matcher never matches an object.
function leafValues(value: unknown): unknown[] {
  if (value === undefined) return [];
  return toList(value)
    .flat(Number.POSITIVE_INFINITY)
    .filter((v) => v === null || typeof v !== 'object');
}

function matchLeaf(alternatives: unknown[], values: unknown[]): boolean {
  return alternatives.some((alt) => {
    if (isObject(alt) && 'exists' in alt) return alt.exists === values.length > 0;
    // Against an event array this is "any element matches" (the docs' non-empty intersection).
    return values.some((value) => matchValue(alt, value));
  });
}

function matchValue(alt: unknown, value: unknown): boolean {
  // Exact match is type-strict: "5" never equals 5, "" never equals null. Numbers compare by value, so
  // 5 and 5.0 (identical once parsed) match, as in event-ruler's numeric-equals.
  if (!isObject(alt)) return alt === value;
  const [op] = Object.keys(alt);
  const arg = op === undefined ? undefined : alt[op];
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (typeof value !== 'string') return false;
      const ignoreCase = isObject(arg);
      const needle = String(ignoreCase ? arg['equals-ignore-case'] : arg);
      const hay = ignoreCase ? lower(value) : value;
      const n = ignoreCase ? lower(needle) : needle;
      return op === 'prefix' ? hay.startsWith(n) : hay.endsWith(n);
    }
    case 'equals-ignore-case':
      return typeof value === 'string' && lower(value) === lower(String(arg));
    case 'wildcard':
      return typeof value === 'string' && wildcardRegExp(String(arg)).test(value);
    case 'numeric':
      return typeof value === 'number' && matchNumeric(arg as unknown[], value);
    case 'cidr':
      return typeof value === 'string' && matchCidr(String(arg), value);
    case 'anything-but':
      // The exclusions only apply to values of their own type, so a value of another type (the number 5
      // against anything-but "5") is "anything but" and matches, as in event-ruler. The field must exist:
      // matchLeaf never calls this for a missing field.
      return !isExcluded(arg, value);
    default:
      return false;
  }
}

function isExcluded(arg: unknown, value: unknown): boolean {
  if (isObject(arg)) {
    const [op] = Object.keys(arg);
    return op !== undefined && toList(arg[op]).some((v) => matchValue({ [op]: v }, value));
  }
  return toList(arg).some((v) => v === value);
}

function matchNumeric(ops: unknown[], value: number): boolean {
  for (let i = 0; i < ops.length; i += 2) {
    const bound = ops[i + 1] as number;
    const ok = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[ops[i] as '=' | '<' | '<=' | '>' | '>='];
    if (!ok) return false;
  }
  return true;
}

const wildcardCache = new Map<string, RegExp>();

// `*` matches any run of characters (including none); `\*` is a literal star and `\\` a literal backslash.
function wildcardRegExp(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (re) return re;
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) src += escapeRegExp(pattern[++i] as string);
    else src += c === '*' ? '.*' : escapeRegExp(c);
  }
  re = new RegExp(`^${src}$`, 's');
  wildcardCache.set(pattern, re);
  return re;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function parseIpv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function parseCidr(cidr: string): { base: number; bits: number } | undefined {
  const [ip, bitsText, ...rest] = cidr.split('/');
  const base = ip === undefined ? undefined : parseIpv4(ip);
  const bits = Number(bitsText);
  const validBits = /^\d{1,2}$/.test(bitsText ?? '') && bits <= 32;
  return base === undefined || rest.length > 0 || !validBits ? undefined : { base, bits };
}

function matchCidr(cidr: string, value: string): boolean {
  const block = parseCidr(cidr);
  const ip = parseIpv4(value);
  if (!block || ip === undefined) return false;
  // Compare the network parts by integer division rather than bit ops, which are signed 32-bit in JS.
  const size = 2 ** (32 - block.bits);
  return Math.floor(ip / size) === Math.floor(block.base / size);
}
