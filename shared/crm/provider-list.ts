/**
 * The CRM providers with their connections: the list `connectCrm` reads, imported as `#crm-providers`
 * (package.json "imports"). A tenant's Lambda bundles replace it with a list of the tenant's own CRM
 * (infra/build/crm-providers.ts), so no bundle carries another CRM's client; everything else uses this one.
 */
import { fxiaokeProvider } from './fxiaoke/provider';
import { genericProvider } from './generic/settings';
import { zohoProvider } from './zoho/provider';

export const crmProviderList = [zohoProvider, fxiaokeProvider, genericProvider] as const;
