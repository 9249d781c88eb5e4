/**
 * Conditions, compiled once per config into closures: field lookup, value parsing and the comparison are decided at
 * compile time, so evaluating an event is a few property reads per condition. A check returns undefined when the
 * condition holds and the reason when it does not ("amount is 5000.00, not ≥ 100000"), which is what explain shows.
 *
 * Compiling is also validating: an unknown field, an operator the field's type cannot take, or a value of the wrong
 * type comes back as an error string, which validate.ts reports at the condition's path. One code path decides both
 * what a rule means and whether it is valid, so the two cannot disagree.
 */
import Decimal from 'decimal.js';
import { DEAL_STATUSES } from '../../events/records';
import type { AmountConverter } from './amounts';
import type { Condition, LeafCondition, TriggerEvent, WorkflowConfig } from './definition';
import { CHANGE_FIELD, type Check, type EvalContext, type FieldType, resolveField } from './fields';

// ---- values by type ------------------------------------------------------------------------------------------
type Parsed = string | number | boolean | Decimal;
interface Kind {
  parse(v: unknown): Parsed | undefined;
  /** Present for ordered types. */
  cmp?: (a: Parsed, b: Parsed) => number;
  eq(a: Parsed, b: Parsed): boolean;
  /** What a config value of this type must look like, for the error message. */
  expects: string;
}
const toDecimal = (v: unknown): Decimal | undefined => {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  if (typeof v === 'string' && !/^-?\d+(\.\d+)?$/.test(v)) return undefined;
  return new Decimal(v);
};
const strict = (a: Parsed, b: Parsed) => a === b;
const order = (a: Parsed, b: Parsed) => (a < b ? -1 : a > b ? 1 : 0);
const KINDS: Record<FieldType, Kind> = {
  text: { parse: (v) => (typeof v === 'string' ? v : undefined), eq: strict, expects: 'a string' },
  status: {
    parse: (v) => (typeof v === 'string' && (DEAL_STATUSES as readonly string[]).includes(v) ? v : undefined),
    eq: strict,
    expects: `one of ${DEAL_STATUSES.join(', ')}`,
  },
  decimal: {
    // Money compares as exact decimals: "100000" equals "100000.00", and 0.1 + 0.2 never enters into it.
    parse: toDecimal,
    cmp: (a, b) => (a as Decimal).cmp(b as Decimal),
    eq: (a, b) => (a as Decimal).eq(b as Decimal),
    expects: 'a decimal string such as "100000.00"',
  },
  number: {
    parse: (v) =>
      typeof v === 'number'
        ? v
        : typeof v === 'string' && v.trim() !== '' && Number.isFinite(+v)
          ? +v
          : undefined,
    cmp: order,
    eq: strict,
    expects: 'a number',
  },
  date: {
    parse: (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined),
    cmp: order,
    eq: strict,
    expects: 'a date as yyyy-mm-dd',
  },
  datetime: {
    parse: (v) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined),
    cmp: order,
    eq: strict,
    expects: 'an ISO date-time',
  },
  boolean: { parse: (v) => (typeof v === 'boolean' ? v : undefined), eq: strict, expects: 'true or false' },
};

const show = (v: unknown): string =>
  v instanceof Decimal ? v.toString() : typeof v === 'string' ? `"${v}"` : String(v);
const showRaw = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : String(v));
const SYMBOL = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;
const HOLDS = {
  gt: (c: number) => c > 0,
  gte: (c: number) => c >= 0,
  lt: (c: number) => c < 0,
  lte: (c: number) => c <= 0,
};

export interface CompileEnv {
  event: TriggerEvent;
  mapped: WorkflowConfig['mappedFields'];
  teams: WorkflowConfig['teams'];
  /**
   * Conditions on the deal's amount compare it in the tenant's currency (amounts.ts). Without it (validation, which
   * does not evaluate) amounts are compared as they are.
   */
  amounts?: AmountConverter;
}

/** The fields that hold the record's amount, in the record's currency. */
const isAmount = (f: string, event: TriggerEvent) =>
  f === 'amount' || ((f === 'change.from' || f === 'change.to') && CHANGE_FIELD[event] === 'amount');

/** Compiles one condition; an error string says why the condition is invalid for this trigger. */
export const compileCondition = (cond: Condition, env: CompileEnv): Check | { error: string } => {
  if (cond.op === 'any') {
    const parts: Check[] = [];
    for (const [i, c] of cond.conditions.entries()) {
      const compiled = compileCondition(c, env);
      if ('error' in compiled) return { error: `conditions[${i}]: ${compiled.error}` };
      parts.push(compiled);
    }
    return (ctx) => {
      const reasons: string[] = [];
      for (const p of parts) {
        const r = p(ctx);
        if (r === undefined) return undefined;
        reasons.push(r);
      }
      return `none of: ${reasons.join('; ')}`;
    };
  }
  return compileLeaf(cond, env);
};

const ownerKeys = (ctx: EvalContext): string[] =>
  [ctx.record.owner?.id, ctx.record.owner?.email].filter((k): k is string => k !== undefined);

const compileLeaf = (cond: LeafCondition, env: CompileEnv): Check | { error: string } => {
  if (cond.op === 'owner_in') {
    const set = new Set(cond.owners);
    return (ctx) =>
      ownerKeys(ctx).some((k) => set.has(k))
        ? undefined
        : `owner ${ownerKeys(ctx)[0] ?? '(none)'} is not one of ${cond.owners.join(', ')}`;
  }
  if (cond.op === 'team_in') {
    const members = new Set<string>();
    for (const t of cond.teams) {
      const team = Object.hasOwn(env.teams, t) ? env.teams[t] : undefined;
      if (!team)
        return { error: `unknown team "${t}" (teams: ${Object.keys(env.teams).join(', ') || 'none'})` };
      for (const m of team.members) members.add(m);
    }
    return (ctx) =>
      ownerKeys(ctx).some((k) => members.has(k))
        ? undefined
        : `owner ${ownerKeys(ctx)[0] ?? '(none)'} is not in team ${cond.teams.join(' or ')}`;
  }
  const spec = resolveField(cond.field, env.event, env.mapped);
  if ('error' in spec) return spec;
  const kind = KINDS[spec.type];
  const f = cond.field;
  const value = (v: unknown): Parsed | { error: string } => {
    const p = kind.parse(v);
    return p === undefined
      ? { error: `${showRaw(v)} is not ${kind.expects}, as ${f} (${spec.type}) needs` }
      : p;
  };
  const values = (vs: unknown): Parsed[] | { error: string } => {
    const out: Parsed[] = [];
    for (const v of Array.isArray(vs) ? vs : [vs]) {
      const p = value(v);
      if (typeof p === 'object' && 'error' in p) return p;
      out.push(p);
    }
    return out;
  };
  const money = env.amounts && isAmount(f, env.event) ? env.amounts : undefined;
  /**
   * A value as compared: an amount in the tenant's currency (with how it was converted, for the reason), or why it
   * cannot be compared. The rate is the one for the date of the record version being evaluated.
   */
  const compared = (
    raw: unknown,
    ctx: EvalContext,
  ): { v: Parsed | undefined; seen: string } | { missing: string } => {
    const p = kind.parse(raw);
    const seen = p === undefined ? 'missing' : show(p);
    if (p === undefined || !money) return { v: p, seen };
    const c = money.convert(p as Decimal, ctx.record.currency, ctx.record.modifiedAt.slice(0, 10));
    return 'missing' in c
      ? { missing: `${f} is ${seen} ${ctx.record.currency}, ${c.missing}` }
      : { v: c.value, seen: `${seen}${c.shown}` };
  };

  switch (cond.op) {
    case 'exists':
    case 'missing': {
      const want = cond.op === 'exists';
      return (ctx) => {
        const raw = spec.get(ctx);
        const present = raw !== undefined && raw !== null && raw !== '';
        return present === want ? undefined : want ? `${f} is missing` : `${f} is present (${showRaw(raw)})`;
      };
    }
    case 'eq':
    case 'ne':
    case 'in':
    case 'not_in': {
      const list = values('value' in cond ? cond.value : cond.values);
      if ('error' in list) return list;
      const positive = cond.op === 'eq' || cond.op === 'in';
      const expected = list.length === 1 ? show(list[0]) : `one of ${list.map(show).join(', ')}`;
      return (ctx) => {
        const c = compared(spec.get(ctx), ctx);
        if ('missing' in c) return `${c.missing}, so not compared with ${expected}`;
        const actual = c.v;
        const hit = actual !== undefined && list.some((v) => kind.eq(actual, v));
        if (hit === positive) return undefined;
        return positive ? `${f} is ${c.seen}, not ${expected}` : `${f} is ${c.seen}, which is excluded`;
      };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const { cmp } = kind;
      if (!cmp) return { error: `"${cond.op}" needs a decimal, number or date field; ${f} is ${spec.type}` };
      const bound = value(cond.value);
      if (typeof bound === 'object' && 'error' in bound) return bound;
      const holds = HOLDS[cond.op];
      const text = `${SYMBOL[cond.op]} ${show(bound)}`;
      return (ctx) => {
        const c = compared(spec.get(ctx), ctx);
        if ('missing' in c) return `${c.missing}, so not compared with ${text}`;
        if (c.v === undefined) return `${f} is missing, so not ${text}`;
        return holds(cmp(c.v, bound)) ? undefined : `${f} is ${c.seen}, not ${text}`;
      };
    }
    case 'changed':
    case 'changed_from_to':
    case 'crossed_above':
    case 'crossed_below': {
      const of = CHANGE_FIELD[env.event];
      if (of !== f) {
        return {
          error: `${env.event} carries ${of ? `a change of ${of}, not of ${f}` : 'no change'}; "${cond.op}" needs one`,
        };
      }
      const from = (ctx: EvalContext) => kind.parse(ctx.change?.from);
      const to = (ctx: EvalContext) => kind.parse(ctx.change?.to);
      const desc = (ctx: EvalContext) =>
        `${f} changed from ${showRaw(ctx.change?.from ?? null)} to ${showRaw(ctx.change?.to ?? null)}`;
      if (cond.op === 'changed') {
        return (ctx) => {
          const a = from(ctx);
          const b = to(ctx);
          const same = a === undefined ? b === undefined : b !== undefined && kind.eq(a, b);
          return same ? `${f} did not change (${showRaw(ctx.change?.to ?? null)})` : undefined;
        };
      }
      if (cond.op === 'changed_from_to') {
        if (cond.from === undefined && cond.to === undefined) return { error: 'needs "from", "to" or both' };
        const fromList = cond.from === undefined ? undefined : values(cond.from);
        const toList = cond.to === undefined ? undefined : values(cond.to);
        if (fromList && 'error' in fromList) return fromList;
        if (toList && 'error' in toList) return toList;
        const inList = (v: Parsed | undefined, l: Parsed[]) =>
          v !== undefined && l.some((x) => kind.eq(v, x));
        return (ctx) => {
          if (fromList && !inList(from(ctx), fromList))
            return `${desc(ctx)}, not from ${fromList.map(show).join(' or ')}`;
          if (toList && !inList(to(ctx), toList))
            return `${desc(ctx)}, not to ${toList.map(show).join(' or ')}`;
          return undefined;
        };
      }
      const { cmp } = kind;
      if (!cmp) return { error: `"${cond.op}" needs a decimal, number or date field; ${f} is ${spec.type}` };
      const bound = value(cond.value);
      if (typeof bound === 'object' && 'error' in bound) return bound;
      const up = cond.op === 'crossed_above';
      return (ctx) => {
        const ca = compared(ctx.change?.from, ctx);
        const cb = compared(ctx.change?.to, ctx);
        const missing = 'missing' in ca ? ca.missing : 'missing' in cb ? cb.missing : undefined;
        if (missing) return `${desc(ctx)}: ${missing}, so not compared with ${show(bound)}`;
        const a = 'v' in ca ? ca.v : undefined;
        const b = 'v' in cb ? cb.v : undefined;
        // Crossing above: was below the threshold (or unset), is now at or over it; below is the mirror image.
        const crossed =
          b !== undefined &&
          (up
            ? cmp(b, bound) >= 0 && (a === undefined || cmp(a, bound) < 0)
            : cmp(b, bound) < 0 && (a === undefined || cmp(a, bound) >= 0));
        return crossed
          ? undefined
          : `${desc(ctx)}, which does not cross ${up ? 'above' : 'below'} ${show(bound)}`;
      };
    }
  }
};
