/**
 * Incentive plans as versioned, effective-dated config, validated with zod. Rates and attainment are fractions
 * ("0.08" = 8%, "1.2" = 120% of quota); money is a decimal string in the plan's currency. The cross-field rules
 * (contiguous tiers, rate ranges, one plan per rep at a time, known teams) live in `validate.ts`.
 */
import * as z from 'zod';
import { Dec, isCurrency } from './money';
import { validateConfig } from './validate';

/**
 * The same shape as events/records.ts `decimalString` (the canonical record's money), declared here rather than
 * extended: that schema is typed as a plain zod string and `.refine` on it is not available under every loader.
 */
export const decimalString = z
  .string()
  .regex(/^-?\d{1,15}(\.\d{1,6})?$/, { error: 'must be a decimal number as a string, such as "12500.00"' });
const nonNegative = decimalString.refine((s) => !s.startsWith('-'), { error: 'must not be negative' });
const positive = nonNegative.refine((s) => new Dec(s).gt(0), { error: 'must be greater than zero' });
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/, {
  error: 'must be 1-100 letters, digits or _.:@- starting with a letter or digit',
});
const isoDate = z.iso.date({ error: 'must be a date such as 2025-03-01' });
export const currencyCode = z
  .string()
  .refine(isCurrency, { error: 'is not an ISO 4217 currency code (for example CNY, USD)' });
const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'is not an IANA time zone (for example Asia/Shanghai)' },
);

/** Common to components that pay on credited amounts. */
const payout = {
  id,
  label: z.string().max(200).optional(),
  /** Nothing is paid by this component while period attainment is below this fraction. */
  gate: nonNegative.optional(),
  /** Most this component pays for one deal (before the component cap). */
  capPerDeal: nonNegative.optional(),
  /** Most this component pays in one period (prorated by days for a partial assignment). */
  cap: nonNegative.optional(),
};

export const tierSchema = z.strictObject({
  /** Attainment fractions: [from, to); `to` omitted on the last tier means "and above". */
  from: nonNegative,
  to: nonNegative.optional(),
  rate: nonNegative,
});

export const componentSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...payout, type: z.literal('flat'), rate: nonNegative }),
  z.strictObject({
    ...payout,
    type: z.literal('tiered'),
    /** marginal: each slice of attainment at its tier's rate; whole: everything at the highest tier reached. */
    mode: z.enum(['marginal', 'whole']),
    tiers: z.array(tierSchema).min(1).max(20),
  }),
  z.strictObject({
    id,
    label: z.string().max(200).optional(),
    type: z.literal('spiff'),
    when: z
      .strictObject({
        products: z.array(z.string().min(1)).min(1).optional(),
        newAccount: z.boolean().optional(),
        stageReached: z.string().min(1).optional(),
        /** On the whole deal in plan currency, not the rep's split share. */
        minAmount: nonNegative.optional(),
        maxAmount: nonNegative.optional(),
      })
      .default({}),
    /** Exactly one: a fixed amount per matching deal (times the rep's split), or a rate on the credited amount. */
    fixed: nonNegative.optional(),
    rate: nonNegative.optional(),
    cap: nonNegative.optional(),
  }),
  z.strictObject({
    id,
    label: z.string().max(200).optional(),
    type: z.literal('milestone'),
    thresholds: z
      .array(z.strictObject({ attainment: positive, amount: nonNegative }))
      .min(1)
      .max(20),
  }),
  z.strictObject({
    id,
    label: z.string().max(200).optional(),
    type: z.literal('override'),
    teamId: id,
    rate: nonNegative,
    cap: nonNegative.optional(),
  }),
  z.strictObject({
    id,
    label: z.string().max(200).optional(),
    type: z.literal('teamBonus'),
    teamId: id,
    /** Team credited amount in the period that releases the pool. */
    goal: positive,
    pool: nonNegative,
    split: z.enum(['equal', 'proRata']),
  }),
]);

export const planSchema = z.strictObject({
  id,
  version: z.number().int().min(1),
  name: z.string().min(1).max(200),
  effectiveFrom: isoDate,
  /** Inclusive; omitted means open-ended. */
  effectiveTo: isoDate.optional(),
  currency: currencyCode,
  timeZone,
  period: z.enum(['month', 'quarter']),
  /** Full-period quota; an assignment may override it. */
  quota: positive,
  /** Highest rate allowed below 100% attainment (1 = 100%). */
  maxRate: nonNegative.default('1'),
  /** Highest rate allowed on tiers starting at or above 100% attainment (accelerators). */
  maxAcceleratorRate: nonNegative.default('1'),
  credit: z
    .strictObject({
      /** Key of `deal.amounts` to credit, e.g. "amount", "arr". */
      amountField: z.string().min(1).default('amount'),
      /** Key of `deal.dates` that decides the period, e.g. "wonAt", "closeDate". */
      dateField: z.string().min(1).default('closeDate'),
    })
    .default({ amountField: 'amount', dateField: 'closeDate' }),
  /** Most all commission components together pay in one period. */
  periodCap: nonNegative.optional(),
  draw: z
    .strictObject({
      type: z.enum(['recoverable', 'nonRecoverable']),
      /** Guaranteed payable per period while the draw runs. */
      amount: positive,
      from: isoDate.optional(),
      to: isoDate.optional(),
      /** Share of earnings above the guarantee used to recover an outstanding balance. */
      recoveryShare: nonNegative.default('1'),
    })
    .optional(),
  clawback: z
    .strictObject({
      /** A won deal reversed within this many days of its credit date is clawed back; later reversals are kept. */
      windowDays: z.number().int().min(0).max(3650).default(90),
      /** true: the reversed deal leaves attainment (other deals may re-price); false: attainment is kept. */
      reduceAttainment: z.boolean().default(true),
    })
    .default({ windowDays: 90, reduceAttainment: true }),
  components: z.array(componentSchema).min(1).max(30),
});

export const assignmentSchema = z.strictObject({
  repId: id,
  planId: id,
  from: isoDate,
  /** Inclusive; omitted means until further notice. */
  to: isoDate.optional(),
  /** Overrides the plan's quota for this rep. */
  quota: positive.optional(),
});

export const incentiveConfigSchema = z
  .strictObject({
    plans: z.array(planSchema).min(1),
    assignments: z.array(assignmentSchema).default([]),
    reps: z
      .array(
        z.strictObject({
          id,
          name: z.string().max(200).optional(),
          locale: z.enum(['zh-CN', 'en']),
          /** Where the period statement (and, for a team's manager, the team summary) is mailed. */
          email: z.email({ error: 'must be an email address' }).optional(),
        }),
      )
      .default([]),
    teams: z.array(z.strictObject({ id, managerId: id, members: z.array(id).min(1) })).default([]),
    /** Conversion into a plan currency, per period key ("2025-03" or "2025-Q1"): 1 `from` = rate `to`. */
    fxRates: z
      .array(z.strictObject({ period: z.string(), from: currencyCode, to: currencyCode, rate: positive }))
      .default([]),
    /**
     * How a stored canonical deal (the CRM sync's copy) becomes an engine deal: the owner's id is the rep id; a
     * split is the text "<rep>:<percent>;<rep>:<percent>" in `fields[splitField]`; product and new-account flags
     * come from those fields too. Other decimal-string fields become amounts, date fields dates.
     */
    dealSource: z
      .strictObject({
        splitField: z.string().min(1).default('creditSplit'),
        productField: z.string().min(1).default('product'),
        newAccountField: z.string().min(1).default('newAccount'),
      })
      .default({ splitField: 'creditSplit', productField: 'product', newAccountField: 'newAccount' }),
  })
  .superRefine(validateConfig);

export type Tier = z.infer<typeof tierSchema>;
export type Component = z.infer<typeof componentSchema>;
export type Plan = z.infer<typeof planSchema>;
export type Assignment = z.infer<typeof assignmentSchema>;
export type IncentiveConfig = z.infer<typeof incentiveConfigSchema>;
export type IncentiveConfigInput = z.input<typeof incentiveConfigSchema>;
export type Locale = 'zh-CN' | 'en';
