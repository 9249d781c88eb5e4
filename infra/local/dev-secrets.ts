/**
 * The tenant's dev-only secrets (tenants/<id>.dev-secrets.json, beside its config), which the local runtime serves
 * as the tenant secret: validated as the deployed secret is, every problem named.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type TenantSecrets, tenantSecretsSchema } from '../../shared/config/secrets';

export const devSecretsFor = (tenantFile: string, tenantId: string): TenantSecrets => {
  const file = join(dirname(tenantFile), `${tenantId}.dev-secrets.json`);
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing. The local runtime needs the tenant's dev-only secrets; copy tenants/demo.dev-secrets.json and ` +
        'put a fresh signing secret in it (never a production one).',
    );
  }
  const parsed = tenantSecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
};
