/**
 * The simulator's records: per module, with system fields rendered the way Zoho renders them (ids as strings,
 * date-times in the API user's offset, Owner as {name,id,email}), plus the recycle bin, search and a COQL subset.
 */
import { nextId, type SeedRecord, USERS } from './seed';

export interface DeletedEntry {
  id: string;
  display_name: string;
  type: 'recycle' | 'permanent';
  deletedMs: number;
  deleted_by: { name: string; id: string };
  created_by: { name: string; id: string };
}

/** `2026-03-02T09:00:00+08:00`: Zoho formats in the user's time zone. */
export const formatAt = (ms: number, offsetMinutes: number): string => {
  const shifted = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

const manager = USERS[0] ?? { name: 'Admin', id: '1' };
const systemUser = { name: manager.name, id: manager.id };

const NAME_FIELDS = [
  'Deal_Name',
  'Full_Name',
  'Account_Name',
  'Subject',
  'Note_Title',
  'Note_Content',
  'Last_Name',
];

/**
 * What a person calls the record: the first text among its naming fields (a lookup, such as a contact's
 * Account_Name, is an object, not a name).
 */
export const displayName = (f: Record<string, unknown>): string => {
  for (const k of NAME_FIELDS) {
    const v = f[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
};

export class RecordStore {
  readonly modules = new Map<string, Map<string, SeedRecord>>();
  readonly deleted = new Map<string, DeletedEntry[]>();

  constructor(
    seed: Record<string, SeedRecord[]>,
    private readonly offsetMinutes: number,
  ) {
    for (const [module, records] of Object.entries(seed)) {
      this.modules.set(module, new Map(records.map((r) => [r.id, r])));
    }
  }

  has(module: string): boolean {
    return this.modules.has(module);
  }

  all(module: string): SeedRecord[] {
    return [...(this.modules.get(module)?.values() ?? [])];
  }

  get(module: string, id: string): SeedRecord | undefined {
    return this.modules.get(module)?.get(id);
  }

  /** Zoho's JSON for a record; `fields` limits the output (id is always there). */
  render(r: SeedRecord, fields?: readonly string[]): Record<string, unknown> {
    const full: Record<string, unknown> = {
      ...r.fields,
      Created_Time: formatAt(r.createdMs, this.offsetMinutes),
      Modified_Time: formatAt(r.modifiedMs, this.offsetMinutes),
      Created_By: systemUser,
      Modified_By: systemUser,
      id: r.id,
    };
    if (!fields) return full;
    const out: Record<string, unknown> = { id: r.id };
    for (const f of fields) out[f] = f in full ? full[f] : null;
    return out;
  }

  insert(module: string, fields: Record<string, unknown>, nowMs: number): SeedRecord {
    const r: SeedRecord = { id: nextId(), createdMs: nowMs, modifiedMs: nowMs, fields: { ...fields } };
    let m = this.modules.get(module);
    if (!m) {
      m = new Map();
      this.modules.set(module, m);
    }
    m.set(r.id, r);
    return r;
  }

  /** Applies changes; returns the names whose values actually changed. */
  update(module: string, id: string, values: Record<string, unknown>, nowMs: number): string[] | undefined {
    const r = this.get(module, id);
    if (!r) return undefined;
    const changed = Object.keys(values).filter(
      (k) => JSON.stringify(r.fields[k]) !== JSON.stringify(values[k]),
    );
    Object.assign(r.fields, values);
    // Zoho's Modified_Time has second precision; keep strictly increasing so version checks see every change.
    r.modifiedMs = Math.max(nowMs, r.modifiedMs + 1000);
    return changed;
  }

  remove(module: string, id: string, nowMs: number): boolean {
    const r = this.get(module, id);
    if (!r) return false;
    this.modules.get(module)?.delete(id);
    const list = this.deleted.get(module) ?? [];
    list.push({
      id,
      display_name: displayName(r.fields),
      type: 'recycle',
      deletedMs: nowMs,
      deleted_by: systemUser,
      created_by: systemUser,
    });
    this.deleted.set(module, list);
    return true;
  }

  renderDeleted(e: DeletedEntry): Record<string, unknown> {
    const { deletedMs, ...rest } = e;
    return { ...rest, deleted_time: formatAt(deletedMs, this.offsetMinutes) };
  }
}

type Op = (a: unknown, b: string) => boolean;
const num = (v: unknown) => Number(typeof v === 'object' && v ? (v as { id?: unknown }).id : v);
const text = (v: unknown): string =>
  typeof v === 'object' && v
    ? String((v as { name?: unknown }).name ?? (v as { id?: unknown }).id ?? '')
    : String(v ?? '');

/** Search API operators; `equals` is documented to behave like "contains". */
const SEARCH_OPS: Record<string, Op> = {
  equals: (a, b) => text(a).toLowerCase().includes(b.toLowerCase()),
  not_equal: (a, b) => text(a) !== b,
  starts_with: (a, b) => text(a).toLowerCase().startsWith(b.toLowerCase()),
  in: (a, b) => b.split(',').includes(text(a)),
  greater_than: (a, b) => num(a) > Number(b),
  greater_equal: (a, b) => num(a) >= Number(b),
  less_than: (a, b) => num(a) < Number(b),
  less_equal: (a, b) => num(a) <= Number(b),
  between: (a, b) => {
    const [lo, hi] = b.split(',').map(Number);
    return num(a) >= (lo ?? Number.NaN) && num(a) <= (hi ?? Number.NaN);
  },
};

/** `((Stage:equals:Closed Won)and(Amount:greater_than:1000))`; only `and` chains. Returns undefined if malformed. */
export const searchPredicate = (criteria: string) => {
  const parts = [...criteria.matchAll(/\(([^():]+):([a-z_]+):((?:\\.|[^()\\])*)\)/g)];
  if (parts.length === 0 || parts.length > 10) return undefined;
  const conds = parts.map(([, field, op, value]) => ({
    field: field ?? '',
    op: SEARCH_OPS[op ?? ''],
    value: (value ?? '').replace(/\\([(),])/g, '$1'),
  }));
  if (conds.some((c) => !c.op)) return undefined;
  return (r: Record<string, unknown>) => conds.every((c) => c.op?.(r[c.field], c.value));
};

const COQL_OPS: Record<string, Op> = {
  '=': (a, b) => text(a) === b,
  '!=': (a, b) => text(a) !== b,
  '>': (a, b) => num(a) > Number(b),
  '>=': (a, b) => num(a) >= Number(b),
  '<': (a, b) => num(a) < Number(b),
  '<=': (a, b) => num(a) <= Number(b),
  like: (a, b) =>
    new RegExp(`^${b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`, 'i').test(text(a)),
};

export interface CoqlQuery {
  fields: string[];
  module: string;
  where: (r: Record<string, unknown>) => boolean;
  limit: number;
  offset: number;
}

/**
 * The COQL subset: `select a, b from M [where X op 'v' [and Y op v]...] [limit [offset,] n]`. Comparisons on the
 * field's display text (lookups by name), as Zoho v7+ does for lookups and users.
 */
export const parseCoql = (query: string): CoqlQuery | string => {
  const m =
    /^\s*select\s+(.+?)\s+from\s+(\w+)(?:\s+where\s+(.+?))?(?:\s+limit\s+(\d+)(?:\s*,\s*(\d+))?)?\s*$/i.exec(
      query,
    );
  if (!m) return 'SYNTAX_ERROR';
  const fields = (m[1] ?? '').split(',').map((f) => f.trim());
  if (fields.length > 50) return 'LIMIT_EXCEEDED';
  const conds = (m[3] ?? '').trim() ? (m[3] ?? '').split(/\s+and\s+/i) : [];
  const preds: ((r: Record<string, unknown>) => boolean)[] = [];
  for (const c of conds) {
    const p = /^\(?\s*(\w+(?:\.\w+)?)\s*(=|!=|>=|<=|>|<|like)\s*('(?:[^']*)'|[\w.-]+)\s*\)?$/i.exec(c.trim());
    if (!p) return 'SYNTAX_ERROR';
    const op = COQL_OPS[(p[2] ?? '').toLowerCase()];
    const field = (p[1] ?? '').split('.')[0] ?? '';
    const value = (p[3] ?? '').replace(/^'|'$/g, '');
    if (!op) return 'SYNTAX_ERROR';
    preds.push((r) => op(r[field], value));
  }
  // Zoho's `limit offset, count` form.
  const [limit, offset] = m[5] !== undefined ? [Number(m[5]), Number(m[4])] : [Number(m[4] ?? 200), 0];
  if (limit > 200) return 'LIMIT_EXCEEDED';
  return { fields, module: m[2] ?? '', where: (r) => preds.every((p) => p(r)), limit, offset };
};
