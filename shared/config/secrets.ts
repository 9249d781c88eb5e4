/**
 * The tenant's secret bundle: one Secrets Manager secret per tenant stack (a flat JSON object, so the stack can
 * generate the first signing secret itself), read through the secrets port. Real tenants' values never live in the
 * repo; the demo tenant's dev-only values sit in tenants/demo.dev-secrets.json.
 */
import * as z from '../../events/zod';

/** Standard Webhooks secrets are base64 bytes, optionally prefixed `whsec_`. */
const webhookSecret = z.string().check(
  z.regex(/^(whsec_)?[A-Za-z0-9+/]{24,}={0,2}$/, {
    error: 'must be a base64 secret, optionally prefixed whsec_',
  }),
);

const nonEmpty = z.string().check(z.minLength(1), z.maxLength(500));
const aesKey = z
  .string()
  .check(
    z.refine((k) => Buffer.from(k, 'base64').length === 32, { error: 'must be base64 of exactly 32 bytes' }),
  );

/** At least 32 characters of a random value (e.g. `openssl rand -base64 32`); used as the key's bytes. */
const unsubscribeKey = z
  .string()
  .check(z.minLength(32, { error: 'must be at least 32 characters (a random value)' }), z.maxLength(500));

// Fields with the same rule share one schema (zod schemas are immutable): fewer to build at every cold start.
const optionalNonEmpty = z.optional(nonEmpty);
const channelToken = z.optional(z.string().check(z.minLength(32), z.maxLength(50)));
const workflowWebhookSecret = z.optional(z.string().check(z.minLength(32), z.maxLength(200)));
const optionalAesKey = z.optional(aesKey);
const optionalUnsubscribeKey = z.optional(unsubscribeKey);

export const tenantSecretsSchema = z.object({
  /** The secret senders sign the generic webhook with. */
  genericWebhookSigningSecret: webhookSecret,
  /** During rotation, the previous secret is still accepted until every sender has switched. */
  genericWebhookPreviousSecret: z.optional(webhookSecret),
  /** Zoho: the OAuth client and the refresh token from the admin's connect step; the notification channel token. */
  zohoClientId: optionalNonEmpty,
  zohoClientSecret: optionalNonEmpty,
  zohoRefreshToken: optionalNonEmpty,
  zohoChannelToken: channelToken,
  zohoPreviousChannelToken: channelToken,
  /** Zoho workflow-rule webhooks: the shared secret the rule sends (header or query parameter), and the previous one. */
  zohoWorkflowWebhookSecret: workflowWebhookSecret,
  zohoWorkflowWebhookPreviousSecret: workflowWebhookSecret,
  /** Fxiaoke: the open-platform app and the callback encryption key (base64 of 32 bytes). */
  fxiaokeAppId: optionalNonEmpty,
  fxiaokeAppSecret: optionalNonEmpty,
  fxiaokePermanentCode: optionalNonEmpty,
  fxiaokeCallbackAesKey: optionalAesKey,
  fxiaokeCallbackPreviousAesKey: optionalAesKey,
  /** HMAC key of the one-click unsubscribe links in mail to external contacts (shared/mail/unsubscribe.ts). */
  unsubscribeSigningSecret: optionalUnsubscribeKey,
  /** During rotation, links signed with the previous key keep working (mail already sent carries them). */
  unsubscribePreviousSecret: optionalUnsubscribeKey,
});

export type TenantSecrets = z.infer<typeof tenantSecretsSchema>;

/** A provider's secrets, or an error naming every missing field (the admin has not finished connecting). */
export const requireSecrets = <K extends keyof TenantSecrets>(
  s: TenantSecrets,
  fields: readonly K[],
  what: string,
): { [P in K]-?: NonNullable<TenantSecrets[P]> } => {
  const missing = fields.filter((f) => s[f] === undefined);
  if (missing.length)
    throw new Error(`${what} is not connected: the tenant secret lacks ${missing.join(', ')}`);
  return Object.fromEntries(fields.map((f) => [f, s[f]])) as { [P in K]-?: NonNullable<TenantSecrets[P]> };
};

type StringSecret = {
  [K in keyof TenantSecrets]-?: NonNullable<TenantSecrets[K]> extends string ? K : never;
}[keyof TenantSecrets];

/**
 * Every value a receiver accepts during a rotation: the current one, then the previous one while senders switch.
 * A missing current value is an unfinished connection, named in the error.
 */
export const acceptedValues = (
  s: TenantSecrets,
  current: StringSecret,
  previous: StringSecret,
  what: string,
): string[] => {
  const now = requireSecrets(s, [current], what)[current] as string;
  const before = s[previous];
  return typeof before === 'string' ? [now, before] : [now];
};

export const genericWebhookSecrets = (s: TenantSecrets): string[] =>
  acceptedValues(s, 'genericWebhookSigningSecret', 'genericWebhookPreviousSecret', 'the generic webhook');

/** The key new unsubscribe links are signed with. */
export const unsubscribeSigningKey = (s: TenantSecrets): string =>
  requireSecrets(s, ['unsubscribeSigningSecret'], 'one-click unsubscribe').unsubscribeSigningSecret;

/** The keys an unsubscribe link may be signed with: the current one, and the previous one during a rotation. */
export const unsubscribeKeys = (s: TenantSecrets): string[] =>
  acceptedValues(s, 'unsubscribeSigningSecret', 'unsubscribePreviousSecret', 'one-click unsubscribe');
