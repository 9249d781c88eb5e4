/**
 * The CRM providers' settings (config schema, receivers, watchdog facts): the list the registry reads, imported as
 * `#crm-settings` (package.json "imports"). A tenant's Lambda bundles replace it with a list of the tenant's own CRM
 * (infra/build/crm-providers.ts); the CLI, the local runtime and the tests use this one, with every provider.
 */
import { fxiaokeSettings } from './fxiaoke/settings';
import { genericProvider } from './generic/settings';
import { zohoSettings } from './zoho/settings';

export const crmSettingsList = [zohoSettings, fxiaokeSettings, genericProvider] as const;
