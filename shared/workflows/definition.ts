/**
 * Workflow definitions: one versioned config file per tenant (tenants/workflows/<tenant>.json) holding its
 * workflows, sequences, templates, calendars and chat webhooks. This file is the shape only; cross-field rules
 * (known fields, merge fields, cycles, allow-lists) live in validate.ts, because they need the whole file at once.
 *
 * zod/mini: the automation Lambdas parse this at cold start. json-schema.ts exports the same schemas for editors.
 */
import * as z from '../../events/zod';
import { CHAT_FORMATS } from './chat-formats';

export { CHAT_FORMATS, CHAT_URL_PREFIXES, type ChatFormat } from './chat-formats';

/** Bump when the file's meaning changes; old files are refused with a clear message, never half-read. */
export const WORKFLOW_SCHEMA_VERSION = 1;

export const TRIGGER_EVENTS = [
  'record.created',
  'record.deleted',
  'deal.created',
  'deal.stage_changed',
  'deal.amount_changed',
  'deal.won',
  'deal.lost',
  'lead.created',
  'lead.converted',
  'activity.logged',
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const slug = z.lazy(() =>
  z.string().check(
    z.regex(/^[a-z][a-z0-9-]{0,62}$/, {
      error: 'must be lower-case letters, digits and dashes, starting with a letter (at most 63)',
    }),
  ),
);
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const scalar = z.lazy(() => z.union([z.string().check(z.maxLength(500)), z.number(), z.boolean()]));
const scalarOrList = z.lazy(() => z.union([scalar, z.array(scalar).check(z.minLength(1))]));
const localDate = z.lazy(() => z.iso.date());
const hhmm = z.lazy(() =>
  z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time as HH:MM' })),
);

// ---- conditions ------------------------------------------------------------------------------------------------
// A field path names the record (`stage`, `owner.email`, `fields.industry`), the change (`change.to`), or `object`.
const field = z.lazy(() => text(200));

const comparison = z.lazy(() => z.strictObject({ field, op: z.enum(['eq', 'ne']), value: scalar }));
const membership = z.lazy(() =>
  z.strictObject({
    field,
    op: z.enum(['in', 'not_in']),
    values: z.array(scalar).check(z.minLength(1)),
  }),
);
/** Ordered comparisons: exact decimals for money, ISO dates, numbers for mapped numeric fields. */
const ordering = z.lazy(() =>
  z.strictObject({
    field,
    op: z.enum(['gt', 'gte', 'lt', 'lte']),
    value: z.union([z.string(), z.number()]),
  }),
);
const presence = z.lazy(() => z.strictObject({ field, op: z.enum(['exists', 'missing']) }));
const changed = z.lazy(() => z.strictObject({ field, op: z.literal('changed') }));
const changedFromTo = z.lazy(() =>
  z.strictObject({
    field,
    op: z.literal('changed_from_to'),
    from: z.optional(scalarOrList),
    to: z.optional(scalarOrList),
  }),
);
/** Threshold crossings on a change ("amount went over 100000"), the usual reason to watch amount_changed. */
const crossed = z.lazy(() =>
  z.strictObject({
    field,
    op: z.enum(['crossed_above', 'crossed_below']),
    value: z.union([z.string(), z.number()]),
  }),
);
const ownerIn = z.lazy(() =>
  z.strictObject({
    op: z.literal('owner_in'),
    /** Owner ids or emails, as the CRM reports them. */
    owners: z.array(text(200)).check(z.minLength(1)),
  }),
);
const teamIn = z.lazy(() =>
  z.strictObject({ op: z.literal('team_in'), teams: z.array(slug).check(z.minLength(1)) }),
);

const leafConditions = [
  comparison,
  membership,
  ordering,
  presence,
  changed,
  changedFromTo,
  crossed,
  ownerIn,
  teamIn,
] as const;
const leafCondition = z.lazy(() => z.discriminatedUnion('op', [...leafConditions]));
/** One level of OR is enough for sales rules ("stage is X or amount over Y"); deeper nesting hurts readability. */
const anyOf = z.lazy(() =>
  z.strictObject({
    op: z.literal('any'),
    conditions: z.array(leafCondition).check(z.minLength(2)),
  }),
);
export const conditionSchema = z.lazy(() => z.discriminatedUnion('op', [...leafConditions, anyOf]));
export type LeafCondition = z.infer<typeof leafCondition>;
export type Condition = z.infer<typeof conditionSchema>;

// ---- actions ---------------------------------------------------------------------------------------------------
const recipient = z.lazy(() =>
  z.discriminatedUnion('to', [
    /** The record's own email (a lead, a contact, a deal's primary contact): always inside the send window. */
    z.strictObject({ to: z.literal('contact') }),
    z.strictObject({ to: z.literal('owner') }),
    z.strictObject({ to: z.literal('manager') }),
    z.strictObject({ to: z.literal('address'), address: z.email() }),
  ]),
);
export type Recipient = z.infer<typeof recipient>;

const sendEmail = z.lazy(() =>
  z.strictObject({
    type: z.literal('send_email'),
    template: slug,
    recipient,
    /** Internal mail goes at once unless this is set; mail to the contact is always held to the window. */
    withinBusinessHours: z._default(z.boolean(), false),
  }),
);
const waitDuration = z.lazy(() =>
  z.strictObject({
    days: z.optional(z.int().check(z.minimum(0), z.maximum(365))),
    hours: z.optional(z.int().check(z.minimum(0), z.maximum(1000))),
    minutes: z.optional(z.int().check(z.minimum(0), z.maximum(10_000))),
  }),
);
const waitUntil = z.lazy(() =>
  z.strictObject({
    /** A date field of the record: closeDate or a mapped date field. */
    field,
    /** Negative = before the date ("3 days before closeDate" is -3). */
    offsetDays: z.int().check(z.minimum(-365), z.maximum(365)),
    time: z._default(hhmm, '09:00'),
  }),
);
/** Exactly one of for / businessDays / until (checked below); one object keeps the JSON readable. */
const wait = z.lazy(() =>
  z
    .strictObject({
      type: z.literal('wait'),
      for: z.optional(waitDuration),
      businessDays: z.optional(z.int().check(z.minimum(1), z.maximum(250))),
      until: z.optional(waitUntil),
    })
    .check(
      z.refine((w) => [w.for, w.businessDays, w.until].filter((x) => x !== undefined).length === 1, {
        error: 'a wait needs exactly one of "for", "businessDays" or "until"',
      }),
    ),
);
const crmActivity = z.lazy(() =>
  z.strictObject({
    type: z.literal('create_crm_activity'),
    activity: z.enum(['task', 'note', 'call']),
    /** Merge fields allowed, as in templates. */
    subject: text(300),
    description: z.optional(text(4000)),
    dueInBusinessDays: z.optional(z.int().check(z.minimum(0), z.maximum(250))),
  }),
);
const notifyChat = z.lazy(() =>
  z.strictObject({ type: z.literal('notify_chat'), webhook: slug, template: slug }),
);
const startSequence = z.lazy(() => z.strictObject({ type: z.literal('start_sequence'), sequence: slug }));
const stopSequence = z.lazy(() => z.strictObject({ type: z.literal('stop_sequence'), sequence: slug }));

export const actionSchema = z.lazy(() =>
  z.discriminatedUnion('type', [sendEmail, wait, crmActivity, notifyChat, startSequence, stopSequence]),
);
export type Action = z.infer<typeof actionSchema>;
export type WaitAction = z.infer<typeof wait>;

// ---- workflows and sequences -----------------------------------------------------------------------------------
export const workflowSchema = z.lazy(() =>
  z.strictObject({
    id: slug,
    /** Part of every effect key: a new version never dedups against, or repeats, the old one's effects. */
    version: z.int().check(z.minimum(1)),
    name: text(200),
    enabled: z._default(z.boolean(), true),
    trigger: z.strictObject({
      event: z.enum(TRIGGER_EVENTS),
      /** All must hold. */
      conditions: z._default(z.array(conditionSchema), []),
    }),
    /** Act only once the record has stopped changing for this long (a "settled" trigger). */
    debounceSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(86_400))),
    actions: z.array(actionSchema).check(z.minLength(1)),
  }),
);
export type Workflow = z.infer<typeof workflowSchema>;

/** Mail signals always stop a sequence (consent and reputation); the others are the author's choice. */
export const MAIL_STOP_SIGNALS = ['unsubscribed', 'bounced', 'complained'] as const;
export const OPTIONAL_STOP_SIGNALS = ['stage_changed', 'closed', 'activity_logged', 'replied'] as const;
export type StopSignal = (typeof MAIL_STOP_SIGNALS)[number] | (typeof OPTIONAL_STOP_SIGNALS)[number];

export const sequenceSchema = z.lazy(() =>
  z.strictObject({
    id: slug,
    version: z.int().check(z.minimum(1)),
    name: text(200),
    steps: z.array(actionSchema).check(z.minLength(1)),
    stopOn: z._default(z.array(z.enum(OPTIONAL_STOP_SIGNALS)), ['stage_changed', 'closed', 'replied']),
    reenrol: z._default(
      z.discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('once') }),
        z.strictObject({
          mode: z.literal('once_per_period'),
          period: z.enum(['day', 'week', 'month', 'quarter', 'year']),
        }),
        z.strictObject({ mode: z.literal('always') }),
      ]),
      { mode: 'once' },
    ),
  }),
);
export type Sequence = z.infer<typeof sequenceSchema>;

// ---- templates, calendars, chat --------------------------------------------------------------------------------
const templateBody = z.lazy(() =>
  z.strictObject({
    subject: text(300),
    text: text(20_000),
    /** Optional hand-written HTML; without it the HTML body is the text, escaped, one paragraph per blank line. */
    html: z.optional(text(100_000)),
  }),
);
export const templateSchema = z.lazy(() =>
  z.strictObject({
    description: z.optional(text(500)),
    locales: z.partialRecord(z.enum(LOCALES), templateBody),
  }),
);
export type TemplateDefinition = z.infer<typeof templateSchema>;

/** Maintained holiday data a calendar can take its public holidays from (holidays.ts). */
export const HOLIDAY_SOURCES = ['chinese-days', 'date-holidays'] as const;
export type HolidaySource = (typeof HOLIDAY_SOURCES)[number];

/**
 * A business calendar. Public holidays come from maintained data (`source`, see holidays.ts): "chinese-days" for
 * China (holidays and 调休 make-up days), "date-holidays" for a `country` (and `state`) by rule. Without a source
 * only the dates listed here count.
 */
export const calendarSchema = z.lazy(() =>
  z.strictObject({
    source: z.optional(z.enum(HOLIDAY_SOURCES)),
    /** date-holidays only: ISO 3166-1 country code ("US") and optional state/province code ("NY"). */
    country: z.optional(
      z.string().check(z.regex(/^[A-Z]{2}$/, { error: 'must be an ISO country code such as US' })),
    ),
    state: z.optional(
      z.string().check(z.regex(/^[A-Z0-9]{1,3}$/, { error: 'must be a state code such as NY' })),
    ),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    businessDays: z._default(z.array(z.int().check(z.minimum(1), z.maximum(7))), [1, 2, 3, 4, 5]),
    hours: z._default(z.strictObject({ start: hhmm, end: hhmm }), { start: '09:00', end: '18:00' }),
    /**
     * Public holidays on top of the source's: a year the package has not caught up with yet. The calendar counts as
     * covered through the end of the latest year listed here.
     */
    holidays: z._default(z.array(localDate), []),
    /** Weekend days worked instead (China's 调休 补班), on top of the source's; they extend coverage like holidays. */
    makeUpWorkdays: z._default(z.array(localDate), []),
    /** The company's own days off (a year-end closure): never business days. */
    daysOff: z._default(z.array(localDate), []),
    /** The company's own extra working days: always business days, even on a holiday or a weekend. */
    extraWorkdays: z._default(z.array(localDate), []),
  }),
);
export type CalendarDefinition = z.infer<typeof calendarSchema>;

export const workflowConfigSchema = z.lazy(() =>
  z.strictObject({
    $schema: z.optional(z.string()),
    schemaVersion: z.literal(WORKFLOW_SCHEMA_VERSION),
    tenantId: text(30),
    /** Source fields the tenant maps into `record.fields`, with the type conditions compare them as. */
    mappedFields: z._default(z.record(field, z.enum(['text', 'number', 'decimal', 'date', 'boolean'])), {}),
    teams: z._default(
      z.record(slug, z.strictObject({ name: text(200), members: z.array(text(200)).check(z.minLength(1)) })),
      {},
    ),
    calendars: z._default(z.record(slug, calendarSchema), {}),
    sendWindow: z._default(
      z.strictObject({
        calendar: z._default(slug, 'default'),
        /** A mapped text field holding the contact's IANA zone; the tenant's zone when absent or invalid. */
        recipientTimeZoneField: z.optional(field),
        /**
         * A mapped text field holding the contact's language ("en", "en-US", "zh", "zh-CN" …): mail to the contact is
         * rendered in it when the template has it; the tenant's locale when absent or another language.
         */
        recipientLocaleField: z.optional(field),
        /** A different calendar for recipients in a given zone (US holidays for America/New_York). */
        calendarByTimeZone: z._default(z.record(z.string(), slug), {}),
      }),
      { calendar: 'default', calendarByTimeZone: {} },
    ),
    /**
     * Mail to contacts (sequence and workflow emails to the record's own address): at most perMinute for the tenant
     * and perRepPerDay on behalf of one owner per local day. What a limit holds back is sent later, spread at the
     * rate; internal mail (owner, manager, fixed addresses) is not counted.
     */
    sendLimits: z._default(
      z.strictObject({
        perMinute: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 60),
        perRepPerDay: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 200),
      }),
      { perMinute: 60, perRepPerDay: 200 },
    ),
    /**
     * For conditions on a deal's amount in another currency (amounts.ts): 1 `from` is worth `rate` of the tenant's
     * currency, per month ("2026-03") or quarter ("2026-Q1"); the month's rate wins.
     */
    fxRates: z._default(
      z.array(
        z.strictObject({
          period: z.string().check(
            z.regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/, {
              error: 'must be a month or quarter such as 2026-03 or 2026-Q1',
            }),
          ),
          from: z
            .string()
            .check(z.regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 currency code such as USD' })),
          rate: z.string().check(
            z.regex(/^\d{1,12}(\.\d{1,10})?$/, {
              error: 'must be a positive decimal string such as "7.0712"',
            }),
            z.refine((r) => /[1-9]/.test(r), { error: 'must be greater than zero' }),
          ),
        }),
      ),
      [],
    ),
    chatWebhooks: z._default(
      z.record(slug, z.strictObject({ format: z.enum(CHAT_FORMATS), url: z.url() })),
      {},
    ),
    /** Extra URL prefixes allowed for chat webhooks, on top of the providers' own hosts. */
    chatAllowList: z._default(z.array(z.url()), []),
    templates: z._default(z.record(slug, templateSchema), {}),
    workflows: z._default(z.array(workflowSchema), []),
    sequences: z._default(z.array(sequenceSchema), []),
  }),
);
export type WorkflowConfig = z.infer<typeof workflowConfigSchema>;
export type WorkflowConfigInput = z.input<typeof workflowConfigSchema>;
