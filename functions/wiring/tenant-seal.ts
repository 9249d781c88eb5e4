/**
 * The tenant config as the stack hands it to a function: QUOTAFLOW_TENANT holds the JSON of the config the CDK app
 * validated at synth (defaults applied), QUOTAFLOW_TENANT_DIGEST its SHA-256. A function whose QUOTAFLOW_TENANT
 * still has that digest takes the config as validated (JSON.parse alone), so no cold start builds the tenant schema
 * (with every CRM's config section) nor runs it and ICU's time-zone and currency lists over a config that cannot
 * have changed since it passed them. Any other value (edited by hand in the console, or an environment without
 * the digest, as in the tests) is validated in full, as before, with the same errors.
 *
 * The digest guards against accidental edits, not against someone who may change the function's environment (they
 * could change its code too).
 */
import { createHash } from 'node:crypto';
import type { TenantConfig } from '../../shared/config/tenant';
import { ENV } from './env-names';

export const tenantDigest = (json: string): string => createHash('sha256').update(json, 'utf8').digest('hex');

/** The two variables for a validated config (what the CDK function construct and the bundle bench set). */
export const sealedTenantEnv = (
  tenant: TenantConfig,
): Record<typeof ENV.tenant | typeof ENV.tenantDigest, string> => {
  const json = JSON.stringify(tenant);
  return { [ENV.tenant]: json, [ENV.tenantDigest]: tenantDigest(json) };
};

/** True when `json` is exactly the config the digest was taken of. */
export const isSealedTenant = (json: string | undefined, digest: string | undefined): json is string =>
  json !== undefined && digest !== undefined && tenantDigest(json) === digest;
