/**
 * `cdk synth` / `cdk deploy` entry point (cdk.json): one TenantStack per tenants/*.json, checked by cdk-nag.
 * An invalid tenant config stops here with the validator's message, before anything is synthesized.
 */
import { TenantConfigError } from '../shared/config/tenant';
import { buildApp } from './build-app';
import { loadTenant, tenantFiles } from './tenants';

const loadAll = () => {
  try {
    return tenantFiles().map(loadTenant);
  } catch (err) {
    if (!(err instanceof TenantConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
};

const tenants = loadAll();
if (tenants.length === 0) {
  console.error('no tenant configs found under tenants/ (expected tenants/<id>.json)');
  process.exit(1);
}
try {
  buildApp({ tenants, deployChecks: true });
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
