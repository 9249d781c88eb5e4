/**
 * Zoho record → canonical record. Zoho sends currency as a JSON double; for the ≤15 significant digits a currency
 * field holds, the shortest decimal form of that double is exactly the text Zoho sent, so Decimal(String(n)) is
 * exact. Date-times arrive in the API user's offset and are stored in UTC.
 */
import Decimal from 'decimal.js';
import { type CanonicalRecord, type CrmObject, canonicalRecordSchema } from '../../../events';
import * as z from '../../../events/zod';
import { codedError } from '../../errors';
import type { OwnerDetails } from '../../sync/crm-users';
import { applyFieldMap, type FieldMap } from '../field-map';
import { zohoLinkFields } from './activity-links';
import { objectForModule } from './modules';
import type { ZohoRecord } from './records';

/** Zoho's default Stage picklist; tenants with renamed stages pass their own. */
export const DEFAULT_WON_STAGES = ['Closed Won'] as const;
export const DEFAULT_LOST_STAGES = ['Closed Lost', 'Closed Lost to Competition'] as const;

export interface ZohoNormalizeOptions {
  wonStages?: readonly string[];
  lostStages?: readonly string[];
  /** Used when the org is single-currency (no `Currency` field on the record). */
  defaultCurrency?: string;
  /** Further API names copied into `fields` (scalars; lookups as their display name). */
  extraFields?: readonly string[];
  /** The tenant's mapping: per object, API name → name in `fields` (lookups as their display name). */
  fieldMap?: FieldMap;
  moduleObjects?: Readonly<Record<string, CrmObject>>;
  /** Owner id → the owner's email and manager's email, from the stored CRM users (shared/store/users.ts). */
  people?: Readonly<Record<string, OwnerDetails>>;
}

export class ZohoNormalizeError extends codedError('invalid_crm_record') {
  override readonly name = 'ZohoNormalizeError';
}

const emailSchema = z.email();
const isEmail = (v: unknown): v is string => typeof v === 'string' && emailSchema.safeParse(v).success;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** Exact decimal string for a Zoho currency value (number or numeric string); undefined for null/empty. */
export const zohoAmount = (v: unknown): string | undefined => {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v !== 'number' && typeof v !== 'string')
    throw new ZohoNormalizeError(`amount ${String(v)} is not a number`);
  const d = new Decimal(typeof v === 'number' ? String(v) : v.trim());
  if (!d.isFinite() || d.decimalPlaces() > 6 || d.abs().gte('1e15')) {
    throw new ZohoNormalizeError(`amount ${String(v)} is out of range`);
  }
  return d.toFixed();
};

export const dealStatus = (
  stage: string | undefined,
  opts: Pick<ZohoNormalizeOptions, 'wonStages' | 'lostStages'> = {},
): 'open' | 'won' | 'lost' => {
  if (stage === undefined) return 'open';
  if ((opts.wonStages ?? DEFAULT_WON_STAGES).includes(stage)) return 'won';
  if ((opts.lostStages ?? DEFAULT_LOST_STAGES).includes(stage)) return 'lost';
  return 'open';
};

const displayName = (module: string, r: ZohoRecord): string | undefined => {
  switch (module) {
    case 'Deals':
      return str(r.Deal_Name);
    case 'Accounts':
      return str(r.Account_Name);
    case 'Leads':
    case 'Contacts': {
      const joined = [str(r.First_Name), str(r.Last_Name)].filter(Boolean).join(' ');
      return str(r.Full_Name) ?? str(joined);
    }
    case 'Notes':
      return str(r.Note_Title);
    default:
      return str(r.Subject) ?? str(r.Name);
  }
};

const owner = (v: unknown, people: ZohoNormalizeOptions['people']): CanonicalRecord['owner'] => {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as { id?: unknown; name?: unknown; email?: unknown };
  const id = str(o.id);
  if (!id) return undefined;
  const known = people?.[id];
  const name = str(o.name) ?? known?.name;
  const email = isEmail(o.email) ? o.email : known?.email;
  return {
    id,
    ...(name ? { name } : {}),
    ...(email && isEmail(email) ? { email } : {}),
    ...(known?.managerEmail && isEmail(known.managerEmail) ? { managerEmail: known.managerEmail } : {}),
  };
};

const scalarOf = (v: unknown): string | number | boolean | null | undefined => {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v && typeof v === 'object' && !Array.isArray(v)) return str((v as { name?: unknown }).name);
  return undefined;
};

/**
 * A converted lead: Zoho sets the system field `Converted__s` (and `$converted` in API v2+ responses) to true once
 * the lead is converted to a contact/account/deal. Either is enough; strings "true" are tolerated.
 */
export const isConvertedLead = (r: ZohoRecord): boolean =>
  [r.Converted__s, r.$converted].some((v) => v === true || v === 'true');

export const normalizeZohoRecord = (
  module: string,
  r: ZohoRecord,
  opts: ZohoNormalizeOptions = {},
): { object: CrmObject; record: CanonicalRecord } => {
  const object = objectForModule(module, opts);
  if (!object) throw new ZohoNormalizeError(`module ${module} has no canonical object`);
  const modified = str(r.Modified_Time);
  const ms = modified ? Date.parse(modified) : Number.NaN;
  if (Number.isNaN(ms)) throw new ZohoNormalizeError(`${module}/${r.id} has no valid Modified_Time`);

  const stage = object === 'deal' ? str(r.Stage) : undefined;
  const currency = str(r.Currency) ?? opts.defaultCurrency;
  const amount = object === 'deal' ? zohoAmount(r.Amount) : undefined;
  const closeDate = object === 'deal' ? str(r.Closing_Date) : undefined;
  const fields: Record<string, string | number | boolean | null> = {};
  for (const name of opts.extraFields ?? []) {
    const v = scalarOf(r[name]);
    if (v !== undefined) fields[name] = v;
  }
  applyFieldMap(opts.fieldMap, object, r, fields, scalarOf);
  if (object === 'lead' && isConvertedLead(r)) fields.converted = true;
  if (object === 'activity' || object === 'deal') Object.assign(fields, zohoLinkFields(module, r));
  const name = displayName(module, r);
  const o = owner(r.Owner, opts.people);
  const createdMs = Date.parse(str(r.Created_Time) ?? '');
  const candidate = {
    id: r.id,
    modifiedAt: new Date(ms).toISOString(),
    ...(Number.isNaN(createdMs) ? {} : { createdAt: new Date(createdMs).toISOString() }),
    ...(o ? { owner: o } : {}),
    ...(name ? { name: name.slice(0, 500) } : {}),
    ...(isEmail(r.Email) ? { email: r.Email } : {}),
    ...(stage ? { stage, status: dealStatus(stage, opts) } : {}),
    ...(amount !== undefined ? { amount } : {}),
    ...(amount !== undefined && currency && /^[A-Z]{3}$/.test(currency) ? { currency } : {}),
    ...(closeDate ? { closeDate } : {}),
    fields,
  };
  const parsed = canonicalRecordSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new ZohoNormalizeError(`${module}/${r.id} does not normalize: ${parsed.error.issues[0]?.message}`);
  }
  return { object, record: parsed.data };
};
