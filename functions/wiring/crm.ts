/**
 * The tenant's CrmReader (undefined for the generic webhook, which pushes whole records), from the container's one
 * CRM connection (runtime/crm-connectors.ts). A failed build (secrets unreachable, CRM not connected yet) is not
 * cached: the next invocation tries again.
 */
import type { CrmReader } from '../../shared/sync/crm-reader';
import { type CrmConnectorDeps, connectCrm, crmConnection } from './crm-connectors';

export type CrmReaderDeps = CrmConnectorDeps;

/** Builds the reader for any tenant config (tests call this directly with their own clients). */
export const buildCrmReader = async (deps: CrmReaderDeps): Promise<CrmReader | undefined> =>
  (await connectCrm(deps))?.reader;

export const crmReader = async (): Promise<CrmReader | undefined> => (await crmConnection())?.reader;
