/**
 * The tenant's CrmActivityWriter (undefined for the generic webhook: no CRM to write to), from the container's one
 * CRM connection (runtime/crm-connectors.ts), so write-backs share the tenant's access token and refresh budget.
 */
import type { CrmActivityWriter } from '../../shared/sync/crm-writer';
import { type CrmConnectorDeps, connectCrm, crmConnection } from './crm-connectors';

export type CrmWriterDeps = CrmConnectorDeps;

/** Builds the writer for any tenant config (tests call this directly with their own clients). */
export const buildCrmWriter = async (deps: CrmWriterDeps): Promise<CrmActivityWriter | undefined> =>
  (await connectCrm(deps))?.writer;

export const crmWriter = async (): Promise<CrmActivityWriter | undefined> => (await crmConnection())?.writer;
