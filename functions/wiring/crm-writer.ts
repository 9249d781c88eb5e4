/**
 * The tenant's CrmActivityWriter (undefined for the generic webhook: no CRM to write to), built alone
 * (shared/crm/connect-writer.ts) once per container: the functions that write back (the workflow runner, scheduled
 * steps, effect recovery) need nothing else of the CRM, and share the tenant's access token and refresh budget with
 * every other container through the token cache in the tenant's table.
 */
import { connectCrmWriter } from '../../shared/crm/connect-writer';
import type { CrmActivityWriter } from '../../shared/sync/crm-writer';
import type { CrmConnectorDeps } from './crm-connectors';
import { containerCrmDeps } from './crm-deps';
import { retryingOnce } from './retrying-once';

export type CrmWriterDeps = CrmConnectorDeps;

/** Builds the writer for any tenant config (tests call this directly with their own clients). */
export const buildCrmWriter = (deps: CrmWriterDeps): Promise<CrmActivityWriter | undefined> =>
  connectCrmWriter(deps);

export const crmWriter = retryingOnce(
  (): Promise<CrmActivityWriter | undefined> => connectCrmWriter(containerCrmDeps()),
);
