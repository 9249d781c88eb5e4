/**
 * Connects a tenant's CRM write-back alone: the writer on the same token cache as the full connection (./connect.ts),
 * from `#crm-write-backs` (./write-back-list.ts). Apart from ./connect.ts so that a function that only writes back
 * (the workflow runner, scheduled steps, effect recovery) bundles no reader, scanner or users source.
 */
import { crmWriteBackList } from '#crm-write-backs';
import type { CrmActivityWriter } from '../sync/crm-writer';
import type { CrmConnectorDeps } from './provider';
import { registeredCrmProvider, requireCrmSettings } from './registry';

/**
 * Undefined for a CRM that takes no write-back (the generic webhook). A provider registered at run time writes back
 * through its connection.
 */
export const connectCrmWriter = async (deps: CrmConnectorDeps): Promise<CrmActivityWriter | undefined> => {
  const id = deps.tenant.crm.provider;
  const crm = deps.tenant.crm as never;
  const registered = registeredCrmProvider(id);
  if (registered) return (await registered.connect?.({ ...deps, crm }))?.writer;
  const settings = requireCrmSettings(id);
  const writeBack = crmWriteBackList.find((w) => w.id === id);
  if (!writeBack) {
    if (settings.writeBack) throw new Error(`CRM provider ${id}'s write-back is not built into this bundle`);
    return undefined;
  }
  return writeBack.connect({ ...deps, crm });
};
