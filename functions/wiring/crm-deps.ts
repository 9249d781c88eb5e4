/**
 * What the container's CRM connection and its write-back are built from: the tenant config, its secrets and the token
 * cache in the tenant's table; clocks follow the runtime clock, as the local one moves.
 */
import type { CrmConnectorDeps } from '../../shared/crm/provider';
import { clock } from './clock';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

export const containerCrmDeps = (): CrmConnectorDeps => ({
  tenant: runtimeEnv().tenant,
  secrets: secrets(),
  tokenTable: { doc: documentClient(), tableName: tableName() },
  now: () => clock().now(),
});
