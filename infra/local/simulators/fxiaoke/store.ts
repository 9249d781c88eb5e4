/**
 * The simulator's records and the `search_query_info` semantics of data/query (crm-protocols.md §2.3): filters
 * (snake_case, string values), orders (camelCase), limit ≤ 100, offset a multiple of limit and ≤ 10,000
 * (beyond: errorCode 10013), `total` only when asked, empty fields left out. It is strict on purpose: the common
 * mistakes (offset as a page number, camelCase filters) fail here as they do against the real service.
 */
import { VendorError } from '../../../../shared/errors';

export type SimRecord = Record<string, unknown> & { _id: string };

/** A parameter error the caller must fix. Codes other than 10013 are the simulator's choice. [I] */
/** A refusal the simulator answers as Fxiaoke would: `errorCode`, and `code` as its text. */
export class SimParamError extends VendorError {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(String(errorCode), message);
  }
}
export const PARAM_ERROR = 10001;
export const OFFSET_OUT_OF_RANGE = 10013;
export const MAX_LIMIT = 100;
export const MAX_OFFSET = 10_000;

const OPERATORS = new Set([
  'EQ',
  'N',
  'GT',
  'GTE',
  'LT',
  'LTE',
  'LIKE',
  'NLIKE',
  'IS',
  'ISN',
  'IN',
  'NIN',
  'BETWEEN',
  'NBETWEEN',
  'STARTWITH',
  'ENDWITH',
  'HASANYOF',
  'NHASANYOF',
  'CONTAINS',
]);

interface Filter {
  field: string;
  op: string;
  values: string[];
}
interface Order {
  field: string;
  asc: boolean;
}

const param = (message: string) => new SimParamError(PARAM_ERROR, message);

/** Numbers compare as numbers (epoch ms, amounts), everything else as strings, as a database index would. */
const compare = (a: unknown, b: string): number => {
  if (typeof a === 'number') return a - Number(b);
  const s = String(a);
  return s < b ? -1 : s > b ? 1 : 0;
};

const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

const NEGATION: Record<string, string> = { N: 'EQ', NIN: 'IN', NHASANYOF: 'HASANYOF', NLIKE: 'LIKE' };

const matchOne = (v: unknown, f: Filter): boolean => {
  const [a = '', b = ''] = f.values;
  if (f.op === 'IS') return isEmpty(v);
  if (f.op === 'ISN') return !isEmpty(v);
  if (isEmpty(v)) return f.op === 'N' || f.op === 'NIN' || f.op === 'NLIKE' || f.op === 'NHASANYOF';
  // List fields (owner: ["1001"]) match when any element does; negations when none does.
  if (Array.isArray(v)) {
    const positive = NEGATION[f.op];
    if (positive) return !v.some((e) => matchOne(e, { ...f, op: positive }));
    return v.some((e) => matchOne(e, f));
  }
  switch (f.op) {
    case 'EQ':
      return compare(v, a) === 0;
    case 'N':
      return compare(v, a) !== 0;
    case 'GT':
      return compare(v, a) > 0;
    case 'GTE':
      return compare(v, a) >= 0;
    case 'LT':
      return compare(v, a) < 0;
    case 'LTE':
      return compare(v, a) <= 0;
    case 'IN':
    case 'HASANYOF':
      return f.values.some((x) => compare(v, x) === 0);
    case 'NIN':
    case 'NHASANYOF':
      return !f.values.some((x) => compare(v, x) === 0);
    case 'BETWEEN':
      return compare(v, a) >= 0 && compare(v, b) <= 0;
    case 'NBETWEEN':
      return compare(v, a) < 0 || compare(v, b) > 0;
    case 'LIKE':
    case 'CONTAINS':
      return String(v).includes(a);
    case 'NLIKE':
      return !String(v).includes(a);
    case 'STARTWITH':
      return String(v).startsWith(a);
    case 'ENDWITH':
      return String(v).endsWith(a);
    default:
      return false;
  }
};

const parseFilters = (raw: unknown): Filter[] => {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw param('search_query_info.filters must be a list');
  return raw.map((f: Record<string, unknown>, i) => {
    if (typeof f?.field_name !== 'string')
      throw param(`search_query_info.filters[${i}].field_name is required`);
    if (typeof f.operator !== 'string' || !OPERATORS.has(f.operator)) {
      throw param(`search_query_info.filters[${i}].operator ${JSON.stringify(f.operator)} is not supported`);
    }
    const values = f.field_values;
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
      throw param(`search_query_info.filters[${i}].field_values must be a list of strings`);
    }
    return { field: f.field_name, op: f.operator, values: values as string[] };
  });
};

const parseOrders = (raw: unknown): Order[] => {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw param('search_query_info.orders must be a list');
  return raw.map((o: Record<string, unknown>, i) => {
    if (typeof o?.fieldName !== 'string') throw param(`search_query_info.orders[${i}].fieldName is required`);
    if (typeof o.isAsc !== 'boolean')
      throw param(`search_query_info.orders[${i}].isAsc must be true or false`);
    return { field: o.fieldName, asc: o.isAsc };
  });
};

const int = (v: unknown, name: string, fallback: number): number => {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw param(`${name} must be a whole number ≥ 0`);
  return v;
};

/** Leaves out null and empty fields (unless includeNull) and applies the projection. Returns a copy. */
export const present = (r: SimRecord, projection?: string[], includeNull = false): SimRecord => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (projection && !projection.includes(k)) continue;
    if (!includeNull && (v === null || v === undefined)) continue;
    out[k] = structuredClone(v);
  }
  return out as SimRecord;
};

export class SimRecords {
  private readonly byObject = new Map<string, Map<string, SimRecord>>();

  objects(): string[] {
    return [...this.byObject.keys()];
  }

  list(apiName: string): SimRecord[] {
    return [...(this.byObject.get(apiName)?.values() ?? [])].map((r) => structuredClone(r));
  }

  count(apiName: string): number {
    return this.byObject.get(apiName)?.size ?? 0;
  }

  get(apiName: string, id: string): SimRecord | undefined {
    const r = this.byObject.get(apiName)?.get(id);
    return r && structuredClone(r);
  }

  /** Inserts or replaces a record as is (tests use this to arrange data; no callback is sent). */
  put(apiName: string, record: SimRecord): void {
    let m = this.byObject.get(apiName);
    if (!m) {
      m = new Map();
      this.byObject.set(apiName, m);
    }
    m.set(record._id, structuredClone(record));
  }

  /** The data/query semantics; throws SimParamError with the errorCode to answer. */
  query(apiName: string, info: Record<string, unknown>, findTotal: boolean) {
    const records = this.byObject.get(apiName);
    if (!records) throw param(`object ${apiName} does not exist or is not enabled`);
    const limit = int(info.limit, 'search_query_info.limit', 20);
    const offset = int(info.offset, 'search_query_info.offset', 0);
    if (limit < 1 || limit > MAX_LIMIT) throw param(`search_query_info.limit must be 1..${MAX_LIMIT}`);
    if (offset > MAX_OFFSET)
      throw new SimParamError(OFFSET_OUT_OF_RANGE, `offset out of range ${MAX_OFFSET}`);
    if (offset % limit !== 0) throw param('search_query_info.offset must be a multiple of limit');
    const filters = parseFilters(info.filters);
    const orders = parseOrders(info.orders);
    const projection = info.fieldProjection;
    if (
      projection !== undefined &&
      (!Array.isArray(projection) || projection.some((p) => typeof p !== 'string'))
    ) {
      throw param('search_query_info.fieldProjection must be a list of field names');
    }
    // Default order: newest change first, then _id, so that pages are stable. [I]
    const sortBy = orders.length ? orders : [{ field: 'last_modified_time', asc: false }];
    const matched = [...records.values()].filter((r) => filters.every((f) => matchOne(r[f.field], f)));
    matched.sort((x, y) => {
      for (const o of [...sortBy, { field: '_id', asc: true }]) {
        const a = x[o.field];
        const b = y[o.field];
        if (a === b) continue;
        if (a === undefined) return 1;
        if (b === undefined) return -1;
        const c = compare(a, String(b));
        if (c !== 0) return o.asc ? c : -c;
      }
      return 0;
    });
    const dataList = matched.slice(offset, offset + limit).map((r) => present(r, projection as string[]));
    return { dataList, offset, limit, total: findTotal ? matched.length : 0 };
  }
}
