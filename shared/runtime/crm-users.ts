/**
 * The tenant's CRM users source and store, built on the same connector assembly as the reader and the scanner, for
 * the scheduled reconcile to refresh (shared/sync/reconcile.ts). Undefined for generic tenants.
 */

import type { UserRefresh } from '../sync/reconcile';
import { clock } from './clock';
import { type CrmConnectorDeps, connectCrm, retryingOnce } from './crm-connectors';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

export const buildCrmUsers = async (deps: CrmConnectorDeps): Promise<UserRefresh | undefined> => {
  const c = await connectCrm(deps);
  return c ? { source: c.users, store: c.userStore } : undefined;
};

export const crmUsers = retryingOnce(() =>
  buildCrmUsers({
    tenant: runtimeEnv().tenant,
    secrets: secrets(),
    tokenTable: { doc: documentClient(), tableName: tableName() },
    now: () => clock().now(),
  }),
);
