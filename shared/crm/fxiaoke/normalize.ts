/**
 * Fxiaoke object data (data/get, data/query) → the canonical record. Fxiaoke leaves empty fields out, sends
 * `owner` as a list of employee ids, money as strings (or, by some accounts, numbers) and times as epoch ms.
 * Which `sales_stage` option values mean won or lost is tenant-specific, so it is an argument, never guessed.
 */
import { Decimal } from 'decimal.js';
import { type CanonicalRecord, type CrmObject, canonicalRecordSchema, decimalString } from '../../../events';
import { formatIssuePath } from '../../config/tenant';
import { RejectedInputError } from '../../errors';
import { applyFieldMap, type FieldMap } from '../field-map';
import { canonicalObjectFor, type OpportunityObject } from './objects';

export interface StageMapping {
  /** `sales_stage` option values that mean the deal is won / lost (e.g. ["5"] and ["6"]). */
  won: readonly string[];
  lost: readonly string[];
  /** Option value → label shown as the canonical stage; unmapped values are kept as they are. */
  labels?: Readonly<Record<string, string>>;
}

export interface NormalizeOptions {
  opportunityObject: OpportunityObject;
  stages: StageMapping;
  /** For close dates, which Fxiaoke stores as midnight in the tenant's zone, in epoch ms. */
  timeZone: string;
  /** Used when the record carries no currency of its own. */
  currency?: string;
  /** Employee id → what we know of the person (name, email, manager), from the org directory. */
  people?: Readonly<Record<string, { name?: string; email?: string; managerEmail?: string }>>;
  /** Further scalar fields to carry over into `fields` (custom `field_xxx__c` and the like). */
  extraFields?: readonly string[];
  /** The tenant's mapping: per object, API name → name in `fields`. */
  fieldMap?: FieldMap;
}

const LINK_FIELD: Partial<Record<CrmObject, string>> = {
  deal: 'dealId',
  lead: 'leadId',
  contact: 'contactId',
  account: 'accountId',
};

/**
 * A follow-up record's links (`related_object_data: [{describe_api_name, id}]`, as the writer sends them) as the
 * canonical `fields.dealId`, `leadId`, `contactId` and `accountId` (the first of each).
 */
const relatedLinks = (related: unknown, opportunityObject: OpportunityObject): Record<string, string> => {
  const out: Record<string, string> = {};
  if (!Array.isArray(related)) return out;
  for (const r of related) {
    const { describe_api_name: api, id } = (r ?? {}) as { describe_api_name?: unknown; id?: unknown };
    if (typeof api !== 'string' || typeof id !== 'string' || id === '') continue;
    const object = canonicalObjectFor(api, opportunityObject);
    const field = object ? LINK_FIELD[object] : undefined;
    if (field && !(field in out)) out[field] = id;
  }
  return out;
};

export interface NormalizedRecord {
  object: CrmObject;
  record: CanonicalRecord;
  /** Invalidated (作废) or deleted: the canonical copy becomes a tombstone. */
  deleted: boolean;
}

const bad = (apiName: string, field: string, message: string): RejectedInputError =>
  new RejectedInputError('invalid_payload', `${apiName}.${field} ${message}`, { field });

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** `sales_stage` and other select_one values arrive as option-value strings; numbers are tolerated. */
const optionValue = (v: unknown): string | undefined =>
  typeof v === 'number' ? String(v) : typeof v === 'string' && v ? v : undefined;

/** Exact decimal string: strings are kept digit for digit; numbers use their shortest round-trip form. */
export const toDecimalString = (v: unknown): string | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const raw = typeof v === 'string' ? v.trim().replace(/,/g, '') : v;
  if (typeof raw === 'string' && decimalString.safeParse(raw).success) return raw;
  let d: Decimal;
  try {
    d = new Decimal(raw);
  } catch {
    return undefined;
  }
  if (!d.isFinite()) return undefined;
  const s = d.toFixed();
  return decimalString.safeParse(s).success ? s : undefined;
};

const isoDateIn = (ms: number, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    ms,
  );

const epochMs = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** `life_status: "invalid"` is how Fxiaoke marks 作废 records; `is_deleted` once they are deleted. [I] */
export const isTombstone = (data: Record<string, unknown>): boolean =>
  data.life_status === 'invalid' || data.is_deleted === true || data.is_deleted === 'true';

/**
 * A converted lead (已转换): `biz_status` "transformed" on LeadsObj. `life_status` is the approval lifecycle
 * (normal / invalid / under_review …), not conversion, so it never marks a lead converted. [I]
 */
export const isConvertedLead = (data: Record<string, unknown>): boolean => data.biz_status === 'transformed';

const dealStatus = (data: Record<string, unknown>, stages: StageMapping): 'open' | 'won' | 'lost' => {
  const stage = optionValue(data.sales_stage);
  if (stage !== undefined) {
    if (stages.won.includes(stage)) return 'won';
    if (stages.lost.includes(stage)) return 'lost';
    return 'open';
  }
  // No stage at all: fall back to sales_status ("2" won), the only other documented signal.
  return optionValue(data.sales_status) === '2' ? 'won' : 'open';
};

/** Scalars as they are; a one-element list (select_many, employee, lookup ids) as its element. */
const fxiaokeScalar = (v: unknown): string | number | boolean | null | undefined => {
  const one = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return typeof one === 'string' || typeof one === 'number' || typeof one === 'boolean' ? one : undefined;
};

export const normalizeFxiaokeRecord = (
  apiName: string,
  data: Record<string, unknown>,
  opts: NormalizeOptions,
): NormalizedRecord => {
  const object = canonicalObjectFor(apiName, opts.opportunityObject);
  if (!object) throw bad(apiName, '(object)', 'is not an object this tenant syncs');
  const id = text(data._id);
  if (!id) throw bad(apiName, '_id', 'is missing');
  const modified = epochMs(data.last_modified_time);
  if (modified === undefined)
    throw bad(apiName, 'last_modified_time', 'is missing or not epoch milliseconds');

  const ownerId = Array.isArray(data.owner) ? text(data.owner[0]) : text(data.owner);
  const ownerRef = data.owner__r as { name?: unknown } | undefined;
  const person = ownerId ? opts.people?.[ownerId] : undefined;
  const ownerName = person?.name ?? text(ownerRef?.name);

  const record: Record<string, unknown> = {
    id,
    modifiedAt: new Date(modified).toISOString(),
    fields: { fxiaokeObject: apiName },
  };
  if (ownerId) {
    record.owner = {
      id: ownerId,
      ...(ownerName ? { name: ownerName } : {}),
      ...(person?.email ? { email: person.email } : {}),
      ...(person?.managerEmail ? { managerEmail: person.managerEmail } : {}),
    };
  }
  const name = text(data.name) ?? text(data.active_record_content)?.slice(0, 500);
  if (name) record.name = name.slice(0, 500);
  const email = text(data.email);
  if (email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) record.email = email;

  if (object === 'deal') {
    const stage = optionValue(data.sales_stage);
    if (stage !== undefined) record.stage = opts.stages.labels?.[stage] ?? stage;
    record.status = dealStatus(data, opts.stages);
    if (data.amount !== undefined && data.amount !== null && data.amount !== '') {
      const amount = toDecimalString(data.amount);
      if (amount === undefined)
        throw bad(apiName, 'amount', `is not an exact decimal: ${String(data.amount)}`);
      record.amount = amount;
    }
    const currency = text(data.mc_currency) ?? opts.currency;
    if (currency && /^[A-Z]{3}$/.test(currency)) record.currency = currency;
    const close = epochMs(data.close_date);
    if (close !== undefined) record.closeDate = isoDateIn(close, opts.timeZone);
  }
  const fields = record.fields as Record<string, unknown>;
  for (const key of opts.extraFields ?? []) {
    const v = data[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[key] = v;
  }
  applyFieldMap(opts.fieldMap, object, data, fields, fxiaokeScalar);
  if (object === 'lead' && isConvertedLead(data)) fields.converted = true;
  if (object === 'activity')
    Object.assign(fields, relatedLinks(data.related_object_data, opts.opportunityObject));

  const parsed = canonicalRecordSchema.safeParse(record);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw bad(apiName, first ? formatIssuePath(first.path) : '(record)', first?.message ?? 'is invalid');
  }
  return { object, record: parsed.data, deleted: isTombstone(data) };
};
