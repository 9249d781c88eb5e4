/**
 * Build-time only: module aliases for the Lambda bundles, shared by the CDK function construct and the bundle bench
 * so that what is measured is what ships. `form-data` (about 140 KB minified with mime-db) is pulled in by axios for
 * multipart bodies, which the CRM connectors never send; form-data-stub.ts explains why the stub is safe.
 */
import { join } from 'node:path';

export const bundleAliases = (repoRoot: string): Record<string, string> => ({
  'form-data': join(repoRoot, 'shared', 'crm', 'form-data-stub.ts'),
});
