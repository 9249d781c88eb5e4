/**
 * Statements: per rep per period, the credited deals, attainment, every line with its trace, draws and the total
 * payable. A statement is plain strings and numbers, so its content hash (sha256 of canonical JSON: keys sorted,
 * undefined dropped) is the same wherever it is recomputed, and a frozen statement can be verified later.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { SegmentSummary } from './calculate';
import type { CreditRecord } from './credit';
import type { LineKind, RawLine, Trace } from './lines';
import type { Locale } from './plan';
import { type Micro, microMoney, sumMicro, toMicro } from './units';

export const STATEMENT_FORMAT = 'quotaflow.incentive-statement/1';

export interface StatementLine {
  key: string;
  kind: LineKind;
  componentId?: string;
  dealId?: string;
  amount: string;
  trace: Trace;
  origin?: { periodKey: string; key: string };
}

export interface Statement {
  format: typeof STATEMENT_FORMAT;
  repId: string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  locale: Locale;
  segments: SegmentSummary[];
  credits: CreditRecord[];
  lines: StatementLine[];
  /** Closed periods of this rep restated by this close: their effective credits from now on. */
  restatements: { periodKey: string; credits: CreditRecord[] }[];
  totals: { credited: string; earnings: string; adjustments: string; draws: string; payable: string };
  drawBalance: { before: string; after: string };
  hash: string;
}

/**
 * Canonical JSON as first written: keys sorted, undefined members dropped; the reference for `canonical`. First
 * written with map and join, which is what it must keep doing to the letter: an array's undefined element is
 * "null", a hole or a function in an array is written as nothing, a function member as "undefined". Written as
 * loops: a statement's header (a few hundred bytes) is hashed this way, once per rep at every close, where the
 * arrays map and join make and the native pass below (built for large values) both cost more.
 */
export const canonicalWalk = (value: unknown): string | undefined => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      if (!(i in value)) continue; // a hole: map skips it, join writes nothing
      const v: unknown = value[i];
      out += v === undefined ? 'null' : (canonicalWalk(v) ?? ''); // join writes an undefined result as nothing
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  // Sorting the keys and then dropping undefined members is the same as filtering first.
  const { sorted, quoted } = shapeOf(Object.keys(obj));
  let out = '{';
  let first = true;
  for (let i = 0; i < sorted.length; i++) {
    const v = obj[sorted[i] as string];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${quoted[i]}${canonicalWalk(v)}`;
    first = false;
  }
  return `${out}}`;
};

interface Shape {
  keys: string[];
  sorted: string[];
  /** `"key":` for each sorted key. */
  quoted: string[];
}
let shapes: Shape[] = [];
/** Objects of one shape (every statement header has the same few) sort and quote their keys once. */
const shapeOf = (keys: string[]): Shape => {
  for (const shape of shapes) {
    const known = shape.keys;
    if (known.length !== keys.length) continue;
    let same = true;
    for (let i = 0; same && i < keys.length; i++) same = known[i] === keys[i];
    if (same) return shape;
  }
  const sorted = [...keys].sort();
  const shape = { keys, sorted, quoted: sorted.map((k) => `${JSON.stringify(k)}:`) };
  if (shapes.length >= 32) shapes = []; // a bound: statements have a handful of shapes
  shapes.push(shape);
  return shape;
};

/**
 * The same string, from the engine's native JSON.stringify: given an array of property names it writes every
 * object's members in that array's order and drops undefined ones, so the sorted union of all keys yields the
 * canonical form in one native pass (the recursive version above was a third of a close). One walk collects the
 * keys and checks the value is plain data, where both agree; anything else (toJSON, functions, prototypes,
 * sparse arrays, inherited names) takes the reference path.
 */
const canonical = (value: unknown): string => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return section(value) as string;
  // An object's members are written one by one, so that each member's key list stays short: the property
  // list is applied to every nested object, and its length is what the native pass costs per object.
  const obj = value as Record<string, unknown>;
  const proto = Object.getPrototypeOf(obj);
  if ((proto !== OBJECT && proto !== null) || 'toJSON' in obj) return canonicalWalk(value) as string;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    if (typeof v === 'function' || typeof v === 'symbol') return canonicalWalk(value) as string;
    parts.push(`${JSON.stringify(k)}:${section(v)}`);
  }
  return `{${parts.join(',')}}`;
};

const section = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const keys = new Set<string>();
  lastKeys = [];
  if (!collectKeys(value, keys)) return canonicalWalk(value) as string;
  for (const k of keys) if (k in Object.prototype) return canonicalWalk(value) as string;
  return JSON.stringify(value, [...keys].sort());
};

const OBJECT = Object.prototype;
let lastKeys: string[] = [];
/** Adds every own key under `value` to `into`; false when the value is not plain JSON-like data. */
const collectKeys = (value: object, into: Set<string>): boolean => {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined ? !(i in value) : !plainMember(v, into)) return false;
    }
    return Object.getPrototypeOf(value) === Array.prototype;
  }
  const proto = Object.getPrototypeOf(value);
  if ((proto !== OBJECT && proto !== null) || 'toJSON' in value) return false;
  const keys = Object.keys(value);
  // Records of one shape repeat their key list: skip re-adding it.
  let same = keys.length === lastKeys.length;
  for (let i = 0; same && i < keys.length; i++) same = keys[i] === lastKeys[i];
  if (!same) {
    for (const k of keys) into.add(k);
    lastKeys = keys;
  }
  const obj = value as Record<string, unknown>;
  for (const k of keys) if (!plainMember(obj[k], into)) return false;
  return true;
};

const plainMember = (v: unknown, into: Set<string>): boolean => {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined' || v === null) return true;
  return t === 'object' && collectKeys(v as object, into);
};
export const canonicalJson = canonical;

/**
 * The content hash, scheme "qf-statement-hash/2": sha256 of one JSON array
 *
 *   ["qf-statement-hash/2", header, credits, lines, restatements]
 *
 * - header: canonical JSON (keys sorted, undefined dropped) of every member except hash, credits, lines and
 *   restatements (a few hundred bytes);
 * - credits: one array per credit, the values of CREDIT_FIELDS in that order (absent → null);
 * - lines: one array per line, LINE_FIELDS in order, then the trace as [code, ...its TRACE_FIELDS values] and the
 *   origin as [periodKey, key] (or null);
 * - restatements: [periodKey, credits as above] each.
 * Positions stand for key names, so one native JSON.stringify writes the bulk with no key sorting (scheme 1 hashed
 * the canonical JSON of the whole statement, which cost a third of a 200,000-deal close), and the order in which
 * members come back from storage (DynamoDB maps keep none) does not matter. The hash covers every member the
 * `Statement` type declares, with its JSON type ("1" and 1 differ); members outside the type are not part of a
 * statement (the store keeps none), and a trace whose code is unknown is hashed as its canonical JSON.
 */
export const HASH_SCHEME = 'qf-statement-hash/2';

const TRACE_FIELDS: Record<Trace['code'], readonly string[]> = {
  rate: ['base', 'mode', 'rate', 'tier', 'tierFrom', 'tierTo'],
  fixed: ['amount', 'share'],
  milestone: ['attainment', 'threshold'],
  override: ['base', 'memberId', 'rate'],
  teamBonus: ['goal', 'memberCredited', 'pool', 'split', 'teamCredited'],
  capDeal: ['cap', 'uncapped'],
  capComponent: ['cap', 'uncapped'],
  capPeriod: ['cap', 'uncapped'],
  gate: ['attainment', 'gate'],
  restated: ['now', 'originPeriod', 'reason', 'was'],
  drawTopUp: ['earnings', 'guarantee', 'recoverable'],
  drawRecovery: ['available', 'balanceBefore'],
  deficit: ['earnings'],
};

// CREDIT_FIELDS, in order: amount date dealAmount dealId fxRate newAccount originalAmount originalCurrency payable
// periodKey product repId share stagesReached.
const creditRow = (c: CreditRecord): unknown[] => [
  c.amount,
  c.date,
  c.dealAmount,
  c.dealId,
  c.fxRate,
  c.newAccount ?? null,
  c.originalAmount,
  c.originalCurrency,
  c.payable,
  c.periodKey,
  c.product ?? null,
  c.repId,
  c.share,
  c.stagesReached ?? null,
];

const traceRow = (t: Trace): unknown => {
  if (t.code === 'rate')
    return ['rate', t.base, t.mode ?? null, t.rate, t.tier ?? null, t.tierFrom ?? null, t.tierTo ?? null];
  const fields = TRACE_FIELDS[t.code];
  if (!fields) return canonicalWalk(t) as string;
  const out: unknown[] = [t.code];
  for (const f of fields) out.push((t as Record<string, unknown>)[f] ?? null);
  return out;
};

// LINE_FIELDS, in order: amount componentId dealId key kind; then trace and origin.
const lineRow = (l: StatementLine): unknown[] => [
  l.amount,
  l.componentId ?? null,
  l.dealId ?? null,
  l.key,
  l.kind,
  traceRow(l.trace),
  l.origin ? [l.origin.periodKey, l.origin.key] : null,
];

export const statementHash = (s: Omit<Statement, 'hash'> & { hash?: string }): string => {
  const { hash: _omit, credits, lines, restatements, ...header } = s;
  const body = [
    HASH_SCHEME,
    canonicalWalk(header),
    credits.map(creditRow),
    lines.map(lineRow),
    restatements.map((r) => [r.periodKey, r.credits.map(creditRow)]),
  ];
  const json = JSON.stringify(body);
  // UTF-8 needs more bytes than UTF-16 code units for any character past ASCII, so equal counts mean ASCII only,
  // whose UTF-8 bytes are its latin1 bytes: hashed as a plain copy instead of through the encoder (same digest).
  const ascii = Buffer.byteLength(json, 'utf8') === json.length;
  return createHash('sha256')
    .update(json, ascii ? 'latin1' : 'utf8')
    .digest('hex');
};

/** True when the stored statement still matches its hash (nothing rewrote it). */
export const verifyStatement = (s: Statement): boolean => statementHash(s) === s.hash;

export const toStatementLine = (l: RawLine, currency: string): StatementLine => {
  const amount = microMoney(l.amount, currency);
  // The usual shapes as whole literals (a member added after the literal costs each line a second allocation),
  // with the members in the order the general case below adds them.
  if (l.origin === undefined && l.componentId !== undefined)
    return l.dealId === undefined
      ? { key: l.key, kind: l.kind, amount, trace: l.trace, componentId: l.componentId }
      : { key: l.key, kind: l.kind, amount, trace: l.trace, componentId: l.componentId, dealId: l.dealId };
  const out: StatementLine = { key: l.key, kind: l.kind, amount, trace: l.trace };
  if (l.componentId !== undefined) out.componentId = l.componentId;
  if (l.dealId !== undefined) out.dealId = l.dealId;
  if (l.origin !== undefined) out.origin = l.origin;
  return out;
};

const ADJUSTING: ReadonlySet<LineKind> = new Set(['adjustment', 'clawback']);

export const buildStatement = (input: {
  repId: string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  locale: Locale;
  segments: SegmentSummary[];
  credits: CreditRecord[];
  /** Σ of the credits' recorded amounts, when the caller already has it exactly. */
  credited?: Micro;
  lines: RawLine[];
  restatements?: { periodKey: string; credits: CreditRecord[] }[];
  drawBalanceBefore: Micro;
  drawBalanceAfter: Micro;
}): Statement => {
  const c = input.currency;
  let draws = 0n;
  let adjustments = 0n;
  let earnings = 0n;
  for (const l of input.lines) {
    if (l.kind === 'draw') draws += l.amount;
    else if (ADJUSTING.has(l.kind)) adjustments += l.amount;
    else earnings += l.amount;
  }
  const body: Omit<Statement, 'hash'> = {
    format: STATEMENT_FORMAT,
    repId: input.repId,
    periodKey: input.periodKey,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    currency: c,
    locale: input.locale,
    segments: input.segments,
    credits: input.credits,
    lines: input.lines.map((l) => toStatementLine(l, c)),
    restatements: input.restatements ?? [],
    totals: {
      credited: microMoney(input.credited ?? sumMicro(input.credits.map((x) => toMicro(x.amount))), c),
      earnings: microMoney(earnings, c),
      adjustments: microMoney(adjustments, c),
      draws: microMoney(draws, c),
      // Totals are sums of rounded lines: never rounded again.
      payable: microMoney(earnings + adjustments + draws, c),
    },
    drawBalance: {
      before: microMoney(input.drawBalanceBefore, c),
      after: microMoney(input.drawBalanceAfter, c),
    },
  };
  return { ...body, hash: statementHash(body) };
};

export const statementJson = (s: Statement): string => JSON.stringify(s, null, 2);
