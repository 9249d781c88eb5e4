/**
 * The container's connection to the tenant's CRM, through the registry (shared/crm/connect.ts): built once from
 * the tenant config, its secrets and the token cache in the tenant's table, so that the reader, the writer, the
 * scanner and the users source share one access token and one refresh budget. Undefined for a CRM with nothing to
 * call (the generic webhook).
 */
import { connectCrm } from '../../shared/crm/connect';
import type { CrmConnection } from '../../shared/crm/provider';
import { containerCrmDeps } from './crm-deps';
import { retryingOnce } from './retrying-once';

export type { CrmConnection, CrmConnectorDeps } from '../../shared/crm/provider';
export { DEFAULT_CRM_HTTP } from '../../shared/crm/provider';
export { connectCrm, retryingOnce };

/** The container's connection; clocks follow the runtime clock, as the local one moves. */
export const crmConnection = retryingOnce(
  (): Promise<CrmConnection | undefined> => connectCrm(containerCrmDeps()),
);
