/**
 * SES bounce and complaint events as Amazon SES publishes them to EventBridge through a configuration set's event
 * destination (source `aws.ses`; the detail is SES's event-publishing record: `eventType`, `mail`, and `bounce` or
 * `complaint`). SES can only publish to the account's default bus, which every tenant in the account shares: the
 * mail construct forwards the tenant's own events (matched by its configuration set) to the tenant's bus, where the
 * manifest's rule (this contract's pattern) routes them like any other event. The local SES stand-in publishes the
 * same shape to the local bus.
 *
 * Only what the product reads is required; everything else SES sends is kept (loose objects).
 */
import type { EventContract } from './define';
import * as z from './zod';

export const SES_SOURCE = 'aws.ses';
export const SES_BOUNCED = 'Email Bounced';
export const SES_COMPLAINT = 'Email Complaint Received';
/** The tag SES adds to every event published through a configuration set. */
export const CONFIGURATION_SET_TAG = 'ses:configuration-set';

const recipient = () => z.looseObject({ emailAddress: z.string().check(z.minLength(1)) });

const buildSchema = () =>
  z.looseObject({
    eventType: z.enum(['Bounce', 'Complaint']),
    mail: z.looseObject({
      messageId: z.string(),
      timestamp: z.string(),
      destination: z.optional(z.array(z.string())),
      tags: z.optional(z.record(z.string(), z.array(z.string()))),
    }),
    bounce: z.optional(
      z.looseObject({
        /** Permanent (hard), Transient (soft) or Undetermined. */
        bounceType: z.string(),
        bounceSubType: z.optional(z.string()),
        bouncedRecipients: z.array(recipient()),
        timestamp: z.string(),
        feedbackId: z.optional(z.string()),
      }),
    ),
    complaint: z.optional(
      z.looseObject({
        complainedRecipients: z.array(recipient()),
        timestamp: z.string(),
        feedbackId: z.optional(z.string()),
        complaintFeedbackType: z.optional(z.string()),
        complaintSubType: z.optional(z.nullable(z.string())),
      }),
    ),
  });

export type SesFeedbackSchema = ReturnType<typeof buildSchema>;
export type SesFeedback = z.infer<SesFeedbackSchema>;

let built: SesFeedbackSchema | undefined;
const schema = (): SesFeedbackSchema => {
  built ??= buildSchema();
  return built;
};

/** One contract for both detail-types, so one function (and one rule) handles bounces and complaints. */
export const sesMailFeedback: EventContract<SesFeedbackSchema> = {
  source: SES_SOURCE,
  detailType: SES_BOUNCED,
  version: 1,
  get schema() {
    return schema();
  },
  pattern: (detail) => ({
    source: [SES_SOURCE],
    'detail-type': [SES_BOUNCED, SES_COMPLAINT],
    ...(detail ? { detail } : {}),
  }),
  parse: (detail) => z.parse(schema(), detail),
};

/** The SES configuration set of a tenant: its mail, and so its SES events, are known by this name. */
export const configurationSetName = (tenantId: string): string => `quotaflow-${tenantId}`;

/** The pattern matching this tenant's SES feedback on the shared default bus. */
export const tenantMailFeedbackPattern = (configurationSet: string): Record<string, unknown> =>
  sesMailFeedback.pattern({ mail: { tags: { [CONFIGURATION_SET_TAG]: [configurationSet] } } });
