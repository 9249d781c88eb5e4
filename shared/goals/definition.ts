/**
 * Goal definitions as config, like workflows: `tenants/goals/<tenant>.json`, validated with this schema and the
 * cross-field rules of goals/validate.ts. Targets are not here: they are data in the tenant table (targets per
 * person and period, versioned, managed with `quotaflow goals set|import`), or a rep's incentive quota.
 *
 * A goal is SMART by construction: specific (an owner and a metric with an optional filter), measurable (computed
 * from the synced CRM records), time-bound (a period in the owner's zone), with a short "why" and milestones.
 * zod/mini: the reminder functions (later) parse this at cold start.
 */
import * as z from '../../events/zod';
import { DEFAULT_DIGEST_CONFIG, digestConfigSchema } from '../digest/schedule';
import { orgConfigSchema } from '../org/config';
import { calendarSchema, conditionSchema } from '../workflows/definition';

export const GOALS_SCHEMA_VERSION = 1;

/**
 * Metrics computed from canonical records (goals/metrics.ts says how each is counted). `direction` says whether more
 * is better; `money` whether the figure is an amount in the tenant currency.
 */
export const METRICS = {
  won_amount: { object: 'deal', money: true, direction: 'higher', dated: 'goal' },
  won_deals: { object: 'deal', money: false, direction: 'higher', dated: 'goal' },
  new_accounts_won: { object: 'deal', money: false, direction: 'higher', dated: 'goal' },
  new_pipeline_amount: { object: 'deal', money: true, direction: 'higher', dated: 'created' },
  new_pipeline_count: { object: 'deal', money: false, direction: 'higher', dated: 'created' },
  activities: { object: 'activity', money: false, direction: 'higher', dated: 'goal' },
  leads_converted: { object: 'lead', money: false, direction: 'higher', dated: 'goal' },
  first_response_time: { object: 'lead', money: false, direction: 'lower', dated: 'created' },
} as const;
export type MetricType = keyof typeof METRICS;
export const ACTIVITY_TYPES = ['call', 'meeting', 'email', 'task'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

const slug = z.lazy(() =>
  z.string().check(
    z.regex(/^[a-z][a-z0-9-]{0,62}$/, {
      error: 'must be lower-case letters, digits and dashes, starting with a letter (at most 63)',
    }),
  ),
);
const id = z.lazy(() =>
  z.string().check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/, {
      error: 'must be 1-100 letters, digits or _.:@- starting with a letter or digit',
    }),
  ),
);
const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;
const amount = z.lazy(() =>
  z
    .string()
    .check(
      z.regex(DECIMAL, { error: 'must be a non-negative decimal number as a string, such as "12500.00"' }),
    ),
);
const fraction = z.lazy(() =>
  z.string().check(
    z.regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, {
      error: 'must be a fraction from "0" to "1", such as "0.5"',
    }),
  ),
);
const localDate = z.lazy(() => z.iso.date({ error: 'must be a date such as 2026-03-01' }));
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** Short texts in the product's locales; at least one. */
const localized = (max: number) =>
  z
    .strictObject({ en: z.optional(text(max)), 'zh-CN': z.optional(text(max)) })
    .check(z.refine((t) => t.en !== undefined || t['zh-CN'] !== undefined, { error: 'needs en or zh-CN' }));

export const periodSchema = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.enum(['month', 'quarter', 'year']) }),
    z.strictObject({ kind: z.literal('range'), from: localDate, to: localDate }),
  ]),
);

export const targetSourceSchema = z.lazy(() =>
  z.discriminatedUnion('source', [
    /** Per owner and period from the targets store; a team goal may name the member goal its targets should sum. */
    z.strictObject({ source: z.literal('targets'), membersGoal: z.optional(slug) }),
    /** The rep's incentive quota for the period, from the incentive plans (rep goals only). */
    z.strictObject({ source: z.literal('incentive_quota') }),
    /** A team's target is the sum of its members' targets for `membersGoal` (team goals only). */
    z.strictObject({ source: z.literal('members'), membersGoal: slug }),
  ]),
);

export const milestoneSchema = z.lazy(() =>
  z.strictObject({
    /** A local date inside the period, or a fraction of the period's business days. */
    by: z.union([localDate, z.strictObject({ fraction })]),
    value: amount,
  }),
);

export const goalSchema = z.lazy(() =>
  z.strictObject({
    id: slug,
    name: localized(200),
    /** The Relevant of SMART: why this goal matters, in a sentence. */
    why: z.optional(localized(500)),
    owner: z.enum(['rep', 'team', 'tenant']),
    /** Rep goals: these people (default: every member of a team); team goals: these teams (default: every team). */
    people: z.optional(z.array(id).check(z.minLength(1))),
    teams: z.optional(z.array(id).check(z.minLength(1))),
    metric: z.strictObject({
      type: z.enum(Object.keys(METRICS) as [MetricType, ...MetricType[]]),
      /** activities only: which types count (default: all). */
      activityTypes: z.optional(z.array(z.enum(ACTIVITY_TYPES)).check(z.minLength(1))),
      /** Only records matching all of these count (the workflow condition language). */
      filter: z._default(z.array(conditionSchema), []),
    }),
    period: periodSchema,
    target: targetSourceSchema,
    milestones: z._default(z.array(milestoneSchema), []),
    /**
     * Expected by now: `linear` over the period's business days, or `history`: the owner's usual share at this point
     * of the period, learned from their last periods (goals/curve.ts; linear until three of them had a result).
     */
    curve: z._default(z.enum(['linear', 'history']), 'linear'),
    /** Show last period's actual beside this period's (computed, month/quarter/year goals). */
    baseline: z.optional(z.literal('last_period')),
    /** When the owner hears about pace (goals/reminders.ts); on by default. */
    reminders: z._default(
      z.strictObject({
        enabled: z._default(z.boolean(), true),
        /** A rep still behind at the same step hears again after this many business days. */
        cooldownDays: z._default(z.int().check(z.minimum(1), z.maximum(60)), 5),
        /** The manager hears when a rep stays behind this many business days; 0: never. */
        escalateAfterDays: z._default(z.int().check(z.minimum(0), z.maximum(60)), 5),
      }),
      { enabled: true, cooldownDays: 5, escalateAfterDays: 5 },
    ),
    /** A congratulation (and a team chat post) when the goal is met or a milestone reached. */
    recognition: z._default(z.boolean(), true),
  }),
);

const localClock = z.lazy(() =>
  z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a local time such as 08:30' })),
);
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const notifySchema = z.lazy(() =>
  z.strictObject({
    /** The local time (each person's own zone) from which the day's evaluation may tell them anything. */
    at: z._default(localClock, '08:30'),
    /** The weekly check-in: on this weekday (the next business day when it is a holiday), from `at`. */
    checkin: z._default(
      z.strictObject({
        enabled: z._default(z.boolean(), true),
        weekday: z._default(z.enum(WEEKDAYS), 'mon'),
      }),
      { enabled: true, weekday: 'mon' },
    ),
    /** A rep with an activities goal who logged no activity in this many business days hears about it; 0: never. */
    inactivityDays: z._default(z.int().check(z.minimum(0), z.maximum(30)), 3),
    /** Recognition posts: a chat webhook of the workflows document (`chatWebhooks`), by name. */
    chatWebhook: z.optional(slug),
    /** People whose recognition is mailed but never posted to the team chat. */
    chatOptOut: z._default(z.array(id), []),
  }),
);

export const goalsDocumentSchema = z.lazy(() =>
  z.strictObject({
    $schema: z.optional(z.string()),
    schemaVersion: z.literal(GOALS_SCHEMA_VERSION),
    tenantId: text(30),
    /** Mapped record fields a filter may name, typed as in the workflow document. */
    mappedFields: z._default(
      z.record(text(200), z.enum(['text', 'number', 'decimal', 'date', 'boolean'])),
      {},
    ),
    calendars: z._default(z.record(slug, calendarSchema), {}),
    org: z._default(orgConfigSchema, { calendar: 'default', people: {}, teams: {}, directReportTeams: true }),
    pace: z._default(
      z.strictObject({
        /** Behind when the gap exceeds this fraction of expected … */
        behindGap: z._default(fraction, '0.1'),
        /** … once this many business days have elapsed. */
        minElapsedDays: z._default(z.int().check(z.minimum(0), z.maximum(60)), 3),
      }),
      { behindGap: '0.1', minElapsedDays: 3 },
    ),
    notify: z._default(notifySchema, {
      at: '08:30',
      checkin: { enabled: true, weekday: 'mon' },
      inactivityDays: 3,
      chatOptOut: [],
    }),
    /** Manager digests: when they go out and what counts as late (digest/schedule.ts). */
    digest: z._default(digestConfigSchema, DEFAULT_DIGEST_CONFIG),
    goals: z.array(goalSchema).check(z.maxLength(50)),
  }),
);

export type GoalsDocument = z.infer<typeof goalsDocumentSchema>;
export type Goal = z.infer<typeof goalSchema>;
export type NotifyConfig = z.infer<typeof notifySchema>;
export type GoalPeriodDefinition = z.infer<typeof periodSchema>;
