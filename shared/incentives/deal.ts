/**
 * A deal as the incentive engine reads it (the CRM sync's copy becomes one in source.ts), and its parse at the
 * boundary: every bad deal is reported by index before anything is credited.
 */
import * as z from '../../events/zod';
import { IncentiveInputError, type Problem } from './errors';
import { planSchemas } from './plan';

/** Built on first use, like the plan schemas (plan.ts): a function that never parses deals never builds it. */
export const dealSchema = z.lazy(() => {
  const { currencyCode, decimalString } = planSchemas();
  const dateOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
  return z.strictObject({
    id: z.string().check(z.minLength(1), z.maxLength(200)),
    /** CRM modification time: changes known after a period's end go to the next period. */
    modifiedAt: z.iso.datetime({ offset: true }),
    status: z.enum(['open', 'won', 'lost', 'cancelled']),
    /** When the status last changed: a reversal (won → open/lost/cancelled) happened then. */
    statusChangedAt: z.optional(z.iso.datetime({ offset: true })),
    currency: currencyCode,
    amounts: z.record(z.string(), decimalString),
    dates: z.record(z.string(), dateOrInstant),
    owners: z
      .array(z.strictObject({ repId: z.string().check(z.minLength(1)), percent: decimalString }))
      .check(z.minLength(1)),
    stage: z.optional(z.string()),
    stagesReached: z.optional(z.array(z.string())),
    product: z.optional(z.string()),
    newAccount: z.optional(z.boolean()),
  });
});
export type Deal = z.infer<typeof dealSchema>;

/** Parse deals at the boundary; every bad deal is reported by index before anything is credited. */
export const parseDeals = (values: readonly unknown[], source = 'deals'): Deal[] => {
  const problems: Problem[] = [];
  const out: Deal[] = [];
  values.forEach((v, i) => {
    const r = dealSchema.safeParse(v);
    if (r.success) out.push(r.data);
    else
      for (const issue of r.error.issues)
        problems.push({ path: `[${i}].${issue.path.join('.')}`, message: issue.message });
  });
  if (problems.length) throw new IncentiveInputError(source, problems);
  return out;
};
