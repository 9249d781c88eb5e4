/**
 * Loading tenant configs for the two backends (CDK app and local runtime) and the CLI: the zod validation of
 * shared/config/tenant.ts plus the checks that need the manifest (schedule names must be ones it declares).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scheduleNames } from '../functions/manifest';
import { loadTenantConfig, type TenantConfig, TenantConfigError } from '../shared/config/tenant';

export const TENANTS_DIR = resolve(import.meta.dirname, '..', 'tenants');

export const checkAgainstManifest = (tenant: TenantConfig, source: string): void => {
  const known = scheduleNames();
  const unknown = Object.keys(tenant.schedules).filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new TenantConfigError(
      source,
      unknown.map((n) => ({
        path: `schedules.${n}`,
        message: `is not a schedule of any function; known: ${known.join(', ')}`,
      })),
    );
  }
};

export const loadTenant = (file: string): TenantConfig => {
  const tenant = loadTenantConfig(file);
  checkAgainstManifest(tenant, file);
  return tenant;
};

/** Every tenants/*.json except the dev-only secret files. */
export const tenantFiles = (dir = TENANTS_DIR): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json') && !f.endsWith('.dev-secrets.json'))
        .sort()
        .map((f) => join(dir, f))
    : [];
