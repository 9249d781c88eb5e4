/**
 * The canonical record as carried between ingest, sync and automations. CRM connectors normalize into this shape;
 * the generic webhook receives it directly. Money is a decimal string, never a binary float.
 * Like every schema that runs inside the Lambdas, it is written with zod/mini (see events/zod.ts).
 */
import * as z from './zod';

export const CRM_OBJECTS = ['deal', 'lead', 'contact', 'account', 'activity'] as const;
export type CrmObject = (typeof CRM_OBJECTS)[number];

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;

export const decimalString = z.lazy(() =>
  z.string().check(
    z.regex(/^-?\d{1,15}(\.\d{1,6})?$/, {
      error: 'must be a decimal number as a string, such as "12500.00"',
    }),
  ),
);

const scalar = z.lazy(() =>
  z.union([z.string().check(z.maxLength(10_000)), z.number(), z.boolean(), z.null()]),
);
const text = (max: number) => z.string().check(z.maxLength(max));
const id = z.lazy(() => z.string().check(z.minLength(1), z.maxLength(200)));

/**
 * A record id as a sender may name it: it becomes part of table keys, log lines and CRM URLs, so letters, digits and
 * `_ . : -` only, at most 128 characters (Zoho's 19 digits, Fxiaoke's 24 hex, UUIDs and prefixed ids all fit).
 * Zoho's own receivers narrow it to digits.
 */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const recordIdSchema = z.lazy(() =>
  z.string().check(
    z.regex(RECORD_ID_PATTERN, {
      error: 'must be 1 to 128 letters, digits or _ . : - (starting with a letter or digit)',
    }),
  ),
);

export const ownerSchema = z.lazy(() =>
  z.strictObject({
    id,
    name: z.optional(text(200)),
    email: z.optional(z.email()),
    managerEmail: z.optional(z.email()),
  }),
);

export const canonicalRecordSchema = z.lazy(() =>
  z.strictObject({
    id: recordIdSchema,
    /** Source modification time: the record's version; older data never overwrites newer. */
    modifiedAt: z.iso.datetime({ offset: true }),
    /**
     * When the record was created in the source (Zoho Created_Time, Fxiaoke create_time, the generic webhook's own).
     * Optional: a record without one keeps the creation time stored before, else the first version seen
     * (store/records.ts), so "created in the period" never moves with later edits.
     */
    createdAt: z.optional(z.iso.datetime({ offset: true })),
    owner: z.optional(ownerSchema),
    name: z.optional(text(500)),
    email: z.optional(z.email()),
    stage: z.optional(text(200)),
    status: z.optional(z.enum(DEAL_STATUSES)),
    amount: z.optional(decimalString),
    currency: z.optional(
      z.string().check(z.regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as CNY' })),
    ),
    closeDate: z.optional(z.iso.date()),
    /** Further source fields a tenant maps; scalars only. */
    fields: z._default(z.record(text(200), scalar), {}),
  }),
);

export type CanonicalRecord = z.infer<typeof canonicalRecordSchema>;
