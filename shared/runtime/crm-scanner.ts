/**
 * The tenant's CrmScanner, built on the same connector assembly as the reader (runtime/crm-connectors.ts), so the
 * scheduled reconcile, sync-crm and the CLI share one access token and one refresh budget.
 */
import { FxiaokeScanner } from '../crm/fxiaoke/scanner';
import { ZohoScanner } from '../crm/zoho/scanner';
import type { CrmScanner } from '../sync/crm-scanner';
import { clock } from './clock';
import { type CrmConnectorDeps, connectCrm, retryingOnce } from './crm-connectors';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

export interface CrmScannerDeps extends CrmConnectorDeps {
  /** Fxiaoke objects to scan (default: every object Quotaflow normalizes). */
  fxiaokeObjects?: readonly string[];
}

/** Undefined for generic tenants: they push whole records and have nothing to scan. */
export const buildCrmScanner = async (deps: CrmScannerDeps): Promise<CrmScanner | undefined> => {
  const c = await connectCrm(deps);
  if (!c) return undefined;
  if (c.provider === 'zoho') {
    return new ZohoScanner({
      client: c.zoho.client,
      records: c.zoho.records,
      modules: c.crm.modules,
      normalize: c.normalize,
      people: c.people,
      now: c.now,
    });
  }
  return new FxiaokeScanner({
    client: c.fxiaoke,
    directory: c.directory,
    normalize: c.normalize,
    ...(deps.fxiaokeObjects ? { objects: deps.fxiaokeObjects } : {}),
  });
};

/** The container's scanner; a failed build (secrets unreachable, CRM not connected) is retried next invocation. */
export const crmScanner = retryingOnce(() =>
  buildCrmScanner({
    tenant: runtimeEnv().tenant,
    secrets: secrets(),
    tokenTable: { doc: documentClient(), tableName: tableName() },
    now: () => clock().now(),
  }),
);
