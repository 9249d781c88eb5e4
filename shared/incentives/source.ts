/**
 * Canonical deals (the CRM sync's normalized copy) → engine deals. The owner's id is the rep id; a split credit is
 * the text "<rep>:<percent>;<rep>:<percent>" in the configured field (the engine checks the percentages sum to
 * 100); a deleted record is a cancelled deal, so a won deal deleted in the CRM is clawed back like a reversal.
 * Every deal that cannot be read is reported by id before anything is credited.
 */
import type { CanonicalRecord } from '../../events';
import { type Deal, dealSchema } from './credit';
import { IncentiveInputError, type Problem } from './errors';
import type { IncentiveConfig } from './plan';

export interface SourceDeal {
  record: CanonicalRecord;
  deleted: boolean;
}

export interface SourceOptions {
  /** Currency of a deal that names none: the tenant's. */
  currency: string;
  mapping: IncentiveConfig['dealSource'];
}

const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const SPLIT_PART = /^\s*([^:;\s]+)\s*:\s*(\d{1,3}(\.\d{1,6})?)\s*$/;

const parseSplit = (text: string): { repId: string; percent: string }[] | undefined => {
  const parts = text.split(';').filter((p) => p.trim() !== '');
  const owners: { repId: string; percent: string }[] = [];
  for (const p of parts) {
    const m = SPLIT_PART.exec(p);
    if (!m?.[1] || !m[2]) return undefined;
    owners.push({ repId: m[1], percent: m[2] });
  }
  return owners.length ? owners : undefined;
};

/** One canonical deal, or a problem; undefined for a deal nobody can be credited for (no owner at all). */
export const dealFromRecord = (
  stored: SourceDeal,
  opts: SourceOptions,
): { deal: Deal } | { problem: Problem } | undefined => {
  const r = stored.record;
  const at = `deal ${r.id}`;
  const { splitField, productField, newAccountField } = opts.mapping;
  const amounts: Record<string, string> = {};
  const dates: Record<string, string> = { modifiedAt: r.modifiedAt };
  for (const [k, v] of Object.entries(r.fields ?? {})) {
    if (typeof v !== 'string') continue;
    if (DECIMAL.test(v)) amounts[k] = v;
    else if (DATE.test(v) || INSTANT.test(v)) dates[k] = v;
  }
  if (r.amount !== undefined) amounts.amount = r.amount;
  if (r.closeDate !== undefined) dates.closeDate = r.closeDate;

  const splitText = r.fields?.[splitField];
  let owners: { repId: string; percent: string }[] | undefined;
  if (typeof splitText === 'string' && splitText.trim() !== '') {
    owners = parseSplit(splitText);
    if (!owners)
      return {
        problem: {
          path: `${at}.fields.${splitField}`,
          message: `"${splitText}" is not a split such as "u1:60;u2:40"`,
        },
      };
  } else if (r.owner) owners = [{ repId: r.owner.id, percent: '100' }];
  if (!owners) return undefined;

  const product = r.fields?.[productField];
  const flag = r.fields?.[newAccountField];
  const newAccount =
    typeof flag === 'boolean' ? flag : flag === 'true' ? true : flag === 'false' ? false : undefined;
  const candidate: Deal = {
    id: r.id,
    modifiedAt: r.modifiedAt,
    status: stored.deleted ? 'cancelled' : (r.status ?? 'open'),
    currency: r.currency ?? opts.currency,
    amounts,
    dates,
    owners,
    ...(r.stage !== undefined ? { stage: r.stage } : {}),
    ...(typeof product === 'string' && product !== '' ? { product } : {}),
    ...(newAccount !== undefined ? { newAccount } : {}),
  };
  const parsed = dealSchema.safeParse(candidate);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { problem: { path: `${at}.${i?.path.join('.') ?? ''}`, message: i?.message ?? 'is invalid' } };
  }
  return { deal: parsed.data };
};

/** All deals, or a refusal listing every deal that cannot be read (by id, with the field and reason). */
export const dealsFromRecords = (
  stored: Iterable<SourceDeal>,
  opts: SourceOptions,
  source = 'deals',
  /** Where to put records that cannot be read as deals, instead of refusing them all (see CreditOptions.held). */
  held?: Problem[],
): Deal[] => {
  const deals: Deal[] = [];
  const problems: Problem[] = [];
  for (const s of stored) {
    const out = dealFromRecord(s, opts);
    if (!out) continue;
    if ('deal' in out) deals.push(out.deal);
    else problems.push(out.problem);
  }
  if (problems.length) {
    if (!held) throw new IncentiveInputError(source, problems);
    held.push(...problems);
  }
  return deals.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
};
