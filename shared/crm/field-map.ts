/**
 * Per-tenant field mapping: which CRM source fields a tenant carries into `record.fields`, and under what canonical
 * names, per canonical object. Declared in the tenant's crm connection (shared/config/tenant.ts) and applied by
 * both CRMs' normalizers; the Zoho scanner asks for the mapped fields in its lists (which name every field).
 *
 *   "fields": { "deal": { "Lead_Source": "leadSource", "Region__c": "region" }, "lead": { "Rating": "rating" } }
 */
import { CRM_OBJECTS, type CrmObject } from '../../events/records';
import * as z from '../../events/zod';

export type FieldMap = Readonly<Partial<Record<CrmObject, Readonly<Record<string, string>>>>>;

/** Names the normalizers set themselves; a mapping may not take them. */
export const RESERVED_FIELD_NAMES = ['converted', 'fxiaokeObject'] as const;
/**
 * A Zoho list names at most 50 fields and the scanner needs up to 7 of its own: 40 mapped fields per object leaves
 * room. Fxiaoke has no such limit; the same cap keeps records small.
 */
export const MAX_MAPPED_FIELDS = 40;

const TARGET = /^[a-z][A-Za-z0-9_]{0,63}$/;

/** Zoho API names (`Lead_Source`, `Region__c`) and Fxiaoke ones (`field_x1y2__c`, `account_no`). */
export const SOURCE_FIELD = {
  zoho: /^[A-Za-z][A-Za-z0-9_]{0,99}$/,
  fxiaoke: /^[A-Za-z_][A-Za-z0-9_]{0,99}$/,
} as const;

const checkMapping = (
  crm: keyof typeof SOURCE_FIELD,
  mapping: Record<string, string>,
): string | undefined => {
  const entries = Object.entries(mapping);
  if (entries.length > MAX_MAPPED_FIELDS)
    return `maps ${entries.length} fields; at most ${MAX_MAPPED_FIELDS}`;
  const seen = new Map<string, string>();
  for (const [source, target] of entries) {
    if (!SOURCE_FIELD[crm].test(source)) {
      const name = crm === 'zoho' ? 'Zoho' : 'Fxiaoke';
      return `"${source}" must be a ${name} field API name (letters, digits and _)`;
    }
    if (!TARGET.test(target)) {
      return `maps ${source} to "${target}": a field name is a letter a-z, then letters, digits or _ (at most 64)`;
    }
    if ((RESERVED_FIELD_NAMES as readonly string[]).includes(target)) return `"${target}" is reserved`;
    const other = seen.get(target);
    if (other) return `maps both ${other} and ${source} to "${target}"`;
    seen.set(target, source);
  }
  return undefined;
};

/** The `fields` setting of a crm connection, source names checked with the CRM's own pattern. */
export const fieldMapSchema = (crm: keyof typeof SOURCE_FIELD) =>
  z.partialRecord(
    z.enum(CRM_OBJECTS),
    z.record(z.string(), z.string()).check(
      z.superRefine((mapping, ctx) => {
        const problem = checkMapping(crm, mapping);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: mapping });
      }),
    ),
  );

type Scalar = string | number | boolean | null;

/**
 * Copies the mapped fields of `object` from `source` into `fields` under their canonical names. `scalarOf` turns a
 * source value into a scalar (Zoho lookups become their display name); values it cannot turn are left out.
 */
export const applyFieldMap = (
  map: FieldMap | undefined,
  object: CrmObject,
  source: Record<string, unknown>,
  fields: Record<string, unknown>,
  scalarOf: (v: unknown) => Scalar | undefined,
): void => {
  for (const [from, to] of Object.entries(map?.[object] ?? {})) {
    const v = scalarOf(source[from]);
    if (v !== undefined) fields[to] = typeof v === 'string' ? v.slice(0, 10_000) : v;
  }
};

/** The source fields mapped for `object` (what a Zoho list must ask for). */
export const mappedSourceFields = (map: FieldMap | undefined, object: CrmObject | undefined): string[] =>
  object ? Object.keys(map?.[object] ?? {}) : [];
