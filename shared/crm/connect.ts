/**
 * Connects a tenant to its CRM through the registry: the provider's `connect()` builds the reader, writer, scanner
 * and users source on one token cache. Providers with connections come from `#crm-providers`
 * (./provider-list.ts) and from registerCrmProvider.
 */
import { crmProviderList } from '#crm-providers';
import type { CrmConnection, CrmConnectorDeps } from './provider';
import { registeredCrmProvider, requireCrmSettings } from './registry';

export const crmProviderOf = (id: string) =>
  registeredCrmProvider(id) ?? crmProviderList.find((p) => p.id === id);

/** Undefined for a CRM with nothing to call (the generic webhook pushes whole records). */
export const connectCrm = async (deps: CrmConnectorDeps): Promise<CrmConnection | undefined> => {
  const id = deps.tenant.crm.provider;
  const provider = crmProviderOf(id);
  if (!provider) {
    requireCrmSettings(id);
    throw new Error(`CRM provider ${id} is not built into this bundle`);
  }
  return provider.connect?.({ ...deps, crm: deps.tenant.crm as never });
};

/** The receiver a function serves for the provider (its route's authentication strategy), if the provider has it. */
export const receiverOf = (providerId: string, functionId: string) =>
  crmProviderOf(providerId)?.receivers?.find((r) => r.functionId === functionId);
