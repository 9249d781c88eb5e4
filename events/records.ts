/**
 * The canonical record as carried between ingest, sync and automations. CRM connectors normalize into this shape;
 * the generic webhook receives it directly. Money is a decimal string, never a binary float.
 */
import * as z from 'zod';

export const CRM_OBJECTS = ['deal', 'lead', 'contact', 'account', 'activity'] as const;
export type CrmObject = (typeof CRM_OBJECTS)[number];

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;

export const decimalString = z
  .string()
  .regex(/^-?\d{1,15}(\.\d{1,6})?$/, { error: 'must be a decimal number as a string, such as "12500.00"' });

const scalar = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);

export const ownerSchema = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  email: z.email().optional(),
  managerEmail: z.email().optional(),
});

export const canonicalRecordSchema = z.strictObject({
  id: z.string().min(1).max(200),
  /** Source modification time: the record's version; older data never overwrites newer. */
  modifiedAt: z.iso.datetime({ offset: true }),
  owner: ownerSchema.optional(),
  name: z.string().max(500).optional(),
  email: z.email().optional(),
  stage: z.string().max(200).optional(),
  status: z.enum(DEAL_STATUSES).optional(),
  amount: decimalString.optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as CNY' })
    .optional(),
  closeDate: z.iso.date().optional(),
  /** Further source fields a tenant maps; scalars only. */
  fields: z.record(z.string().max(200), scalar).default({}),
});

export type CanonicalRecord = z.infer<typeof canonicalRecordSchema>;
