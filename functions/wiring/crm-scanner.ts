/**
 * The tenant's CrmScanner (undefined for the generic webhook: nothing to scan), from the container's one CRM
 * connection (runtime/crm-connectors.ts), so the scheduled reconcile, sync-crm and the CLI share one access token.
 */
import type { CrmScanner } from '../../shared/sync/crm-scanner';
import { type CrmConnectorDeps, connectCrm, crmConnection } from './crm-connectors';

export type CrmScannerDeps = CrmConnectorDeps;

export const buildCrmScanner = async (deps: CrmScannerDeps): Promise<CrmScanner | undefined> =>
  (await connectCrm(deps))?.scanner;

export const crmScanner = async (): Promise<CrmScanner | undefined> => (await crmConnection())?.scanner;
