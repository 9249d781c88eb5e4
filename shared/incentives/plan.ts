/**
 * Incentive plans as versioned, effective-dated config, validated with zod. Rates and attainment are fractions
 * ("0.08" = 8%, "1.2" = 120% of quota); money is a decimal string in the plan's currency. The cross-field rules
 * (contiguous tiers, rate ranges, one plan per rep at a time, known teams) live in `validate.ts`.
 *
 * zod/mini: the incentive Lambdas parse this config at cold start (the CLI shares the same schemas).
 */
import * as z from '../../events/zod';
import { Dec, isCurrency } from './money';
import { validateConfig } from './validate';

/**
 * Every schema of the plan document, built on first use (and once): a function whose tenant has no plans never
 * builds these ~200 zod schemas at cold start.
 */
const build = () => {
  /**
   * The same shape as events/records.ts `decimalString` (the canonical record's money), declared here with this
   * engine's own message rather than reused.
   */
  const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;
  const decimalString = z
    .string()
    .check(z.regex(DECIMAL, { error: 'must be a decimal number as a string, such as "12500.00"' }));
  const nonNegative = decimalString.check(
    z.refine((s) => !s.startsWith('-'), { error: 'must not be negative' }),
  );
  // zod runs a refinement after a failed regex too: a malformed string is reported by the regex alone.
  const positive = nonNegative.check(
    z.refine((s) => !DECIMAL.test(s) || new Dec(s).gt(0), { error: 'must be greater than zero' }),
  );
  const id = z.string().check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/, {
      error: 'must be 1-100 letters, digits or _.:@- starting with a letter or digit',
    }),
  );
  const isoDate = z.iso.date({ error: 'must be a date such as 2025-03-01' });
  const currencyCode = z
    .string()
    .check(z.refine(isCurrency, { error: 'is not an ISO 4217 currency code (for example CNY, USD)' }));
  const timeZone = z.string().check(
    z.refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { error: 'is not an IANA time zone (for example Asia/Shanghai)' },
    ),
  );
  const upTo200 = z.optional(z.string().check(z.maxLength(200)));
  const text = z.string().check(z.minLength(1));
  /** What statements call a component: one text for every reader, or one per locale (missing: the kind's default). */
  const label = z.optional(
    z.union([z.string().check(z.maxLength(200)), z.strictObject({ 'zh-CN': upTo200, en: upTo200 })]),
  );

  /** Common to components that pay on credited amounts. */
  const payout = {
    id,
    label,
    /** Nothing is paid by this component while period attainment is below this fraction. */
    gate: z.optional(nonNegative),
    /** Most this component pays for one deal (before the component cap). */
    capPerDeal: z.optional(nonNegative),
    /** Most this component pays in one period (prorated by days for a partial assignment). */
    cap: z.optional(nonNegative),
  };

  const tierSchema = z.strictObject({
    /** Attainment fractions: [from, to); `to` omitted on the last tier means "and above". */
    from: nonNegative,
    to: z.optional(nonNegative),
    rate: nonNegative,
  });

  const componentSchema = z.discriminatedUnion('type', [
    z.strictObject({ ...payout, type: z.literal('flat'), rate: nonNegative }),
    z.strictObject({
      ...payout,
      type: z.literal('tiered'),
      /** marginal: each slice of attainment at its tier's rate; whole: everything at the highest tier reached. */
      mode: z.enum(['marginal', 'whole']),
      tiers: z.array(tierSchema).check(z.minLength(1), z.maxLength(20)),
    }),
    z.strictObject({
      id,
      label,
      type: z.literal('spiff'),
      when: z._default(
        z.strictObject({
          products: z.optional(z.array(text).check(z.minLength(1))),
          newAccount: z.optional(z.boolean()),
          stageReached: z.optional(text),
          /** On the whole deal in plan currency, not the rep's split share. */
          minAmount: z.optional(nonNegative),
          maxAmount: z.optional(nonNegative),
        }),
        {},
      ),
      /** Exactly one: a fixed amount per matching deal (times the rep's split), or a rate on the credited amount. */
      fixed: z.optional(nonNegative),
      rate: z.optional(nonNegative),
      cap: z.optional(nonNegative),
    }),
    z.strictObject({
      id,
      label,
      type: z.literal('milestone'),
      thresholds: z
        .array(z.strictObject({ attainment: positive, amount: nonNegative }))
        .check(z.minLength(1), z.maxLength(20)),
    }),
    z.strictObject({
      id,
      label,
      type: z.literal('override'),
      teamId: id,
      rate: nonNegative,
      cap: z.optional(nonNegative),
    }),
    z.strictObject({
      id,
      label,
      type: z.literal('teamBonus'),
      teamId: id,
      /** Team credited amount in the period that releases the pool. */
      goal: positive,
      pool: nonNegative,
      split: z.enum(['equal', 'proRata']),
    }),
  ]);

  const planSchema = z.strictObject({
    id,
    version: z.int().check(z.minimum(1)),
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    effectiveFrom: isoDate,
    /** Inclusive; omitted means open-ended. */
    effectiveTo: z.optional(isoDate),
    currency: currencyCode,
    timeZone,
    period: z.enum(['month', 'quarter']),
    /** Full-period quota; an assignment may override it. */
    quota: positive,
    /** Highest rate allowed below 100% attainment (1 = 100%). */
    maxRate: z._default(nonNegative, '1'),
    /** Highest rate allowed on tiers starting at or above 100% attainment (accelerators). */
    maxAcceleratorRate: z._default(nonNegative, '1'),
    credit: z._default(
      z.strictObject({
        /** Key of `deal.amounts` to credit, e.g. "amount", "arr". */
        amountField: z._default(text, 'amount'),
        /** Key of `deal.dates` that decides the period, e.g. "wonAt", "closeDate". */
        dateField: z._default(text, 'closeDate'),
      }),
      { amountField: 'amount', dateField: 'closeDate' },
    ),
    /** Most all commission components together pay in one period. */
    periodCap: z.optional(nonNegative),
    draw: z.optional(
      z.strictObject({
        type: z.enum(['recoverable', 'nonRecoverable']),
        /** Guaranteed payable per period while the draw runs. */
        amount: positive,
        from: z.optional(isoDate),
        to: z.optional(isoDate),
        /** Share of earnings above the guarantee used to recover an outstanding balance. */
        recoveryShare: z._default(nonNegative, '1'),
      }),
    ),
    clawback: z._default(
      z.strictObject({
        /** A won deal reversed within this many days of its credit date is clawed back; later reversals are kept. */
        windowDays: z._default(z.int().check(z.minimum(0), z.maximum(3650)), 90),
        /** true: the reversed deal leaves attainment (other deals may re-price); false: attainment is kept. */
        reduceAttainment: z._default(z.boolean(), true),
      }),
      { windowDays: 90, reduceAttainment: true },
    ),
    components: z.array(componentSchema).check(z.minLength(1), z.maxLength(30)),
  });

  const assignmentSchema = z.strictObject({
    repId: id,
    planId: id,
    from: isoDate,
    /** Inclusive; omitted means until further notice. */
    to: z.optional(isoDate),
    /** Overrides the plan's quota for this rep. */
    quota: z.optional(positive),
  });

  const incentiveConfigSchema = z
    .strictObject({
      plans: z.array(planSchema).check(z.minLength(1)),
      assignments: z._default(z.array(assignmentSchema), []),
      reps: z._default(
        z.array(
          z.strictObject({
            id,
            name: upTo200,
            locale: z.enum(['zh-CN', 'en']),
            /** Where the period statement (and, for a team's manager, the team summary) is mailed. */
            email: z.optional(z.email({ error: 'must be an email address' })),
          }),
        ),
        [],
      ),
      teams: z._default(
        z.array(z.strictObject({ id, managerId: id, members: z.array(id).check(z.minLength(1)) })),
        [],
      ),
      /** Conversion into a plan currency, per period key ("2025-03" or "2025-Q1"): 1 `from` = rate `to`. */
      fxRates: z._default(
        z.array(z.strictObject({ period: z.string(), from: currencyCode, to: currencyCode, rate: positive })),
        [],
      ),
      /**
       * How a stored canonical deal (the CRM sync's copy) becomes an engine deal: the owner's id is the rep id; a
       * split is the text "<rep>:<percent>;<rep>:<percent>" in `fields[splitField]`; product and new-account flags
       * come from those fields too. Other decimal-string fields become amounts, date fields dates.
       */
      dealSource: z._default(
        z.strictObject({
          splitField: z._default(text, 'creditSplit'),
          productField: z._default(text, 'product'),
          newAccountField: z._default(text, 'newAccount'),
        }),
        { splitField: 'creditSplit', productField: 'product', newAccountField: 'newAccount' },
      ),
    })
    .check(
      z.superRefine((config, ctx) => {
        try {
          validateConfig(config, ctx);
        } catch (err) {
          // The cross-field rules also run when a field already failed; a malformed decimal among them is reported
          // at its own path already, so the cross-field pass stops there instead of failing the whole parse.
          if (!(ctx.issues.length > 0 && isDecimalError(err))) throw err;
        }
      }),
    );
  return {
    decimalString,
    currencyCode,
    tierSchema,
    componentSchema,
    planSchema,
    assignmentSchema,
    incentiveConfigSchema,
  };
};
let built: ReturnType<typeof build> | undefined;
/** The schemas themselves (not lazy wrappers), for a module composing them into its own (credit.ts). */
export const planSchemas = (): ReturnType<typeof build> => {
  built ??= build();
  return built;
};

export const tierSchema = z.lazy(() => planSchemas().tierSchema);
export const componentSchema = z.lazy(() => planSchemas().componentSchema);
export const planSchema = z.lazy(() => planSchemas().planSchema);
export const assignmentSchema = z.lazy(() => planSchemas().assignmentSchema);
export const incentiveConfigSchema = z.lazy(() => planSchemas().incentiveConfigSchema);

const isDecimalError = (err: unknown) => err instanceof Error && err.message.startsWith('[DecimalError]');

export type Tier = z.infer<typeof tierSchema>;
export type Component = z.infer<typeof componentSchema>;
export type Plan = z.infer<typeof planSchema>;
export type Assignment = z.infer<typeof assignmentSchema>;
export type IncentiveConfig = z.infer<typeof incentiveConfigSchema>;
export type IncentiveConfigInput = z.input<typeof incentiveConfigSchema>;
export type Locale = 'zh-CN' | 'en';
