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

export const tenantSecretsSchema = z.object({
  /** The secret senders sign the generic webhook with. */
  genericWebhookSigningSecret: webhookSecret,
  /** During rotation, the previous secret is still accepted until every sender has switched. */
  genericWebhookPreviousSecret: z.optional(webhookSecret),
});

export type TenantSecrets = z.infer<typeof tenantSecretsSchema>;

export const genericWebhookSecrets = (s: TenantSecrets): string[] =>
  s.genericWebhookPreviousSecret
    ? [s.genericWebhookSigningSecret, s.genericWebhookPreviousSecret]
    : [s.genericWebhookSigningSecret];
