/**
 * The tenant's CRM users source and store, from the container's one CRM connection, for the scheduled reconcile to
 * refresh (shared/sync/reconcile.ts). Undefined for the generic webhook.
 */
import type { UserRefresh } from '../../shared/sync/reconcile';
import { type CrmConnectorDeps, connectCrm, crmConnection } from './crm-connectors';

export const buildCrmUsers = async (deps: CrmConnectorDeps): Promise<UserRefresh | undefined> =>
  (await connectCrm(deps))?.users;

export const crmUsers = async (): Promise<UserRefresh | undefined> => (await crmConnection())?.users;
