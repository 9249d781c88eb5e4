/**
 * The one registry of CRM providers. Every part of the product that depends on which CRM a tenant uses (the tenant
 * schema, the manifest, the runtime wiring, the CLI, the watchdog, the local runtime) asks here or in
 * ./connect.ts, never compares provider names itself. Built-in providers come from `#crm-settings`
 * (./settings-list.ts); `registerCrmProvider` adds one at run time (a test's fake provider, a plug-in).
 */
import { crmSettingsList } from '#crm-settings';
import type { CrmProvider, CrmSettings } from './provider';

// biome-ignore lint/suspicious/noExplicitAny: a list of providers whose config types differ
type AnySettings = CrmSettings<any>;
// biome-ignore lint/suspicious/noExplicitAny: a list of providers whose config types differ
type AnyProvider = CrmProvider<any>;

const registered: AnyProvider[] = [];
let version = 0;

/** Every provider this process knows, built-in first. */
export const crmSettings = (): readonly AnySettings[] => [...crmSettingsList, ...registered];

export const crmSettingsOf = (id: string): AnySettings | undefined => crmSettings().find((s) => s.id === id);

/** The provider's settings, or an error naming the providers there are. */
export const requireCrmSettings = (id: string): AnySettings => {
  const found = crmSettingsOf(id);
  if (!found)
    throw new Error(
      `unknown CRM provider ${id}: one of ${crmSettings()
        .map((s) => s.id)
        .join(', ')}`,
    );
  return found;
};

/** Adds a provider (with its connection) to this process; its id must be new. */
export const registerCrmProvider = (provider: AnyProvider): void => {
  if (crmSettingsOf(provider.id)) throw new Error(`CRM provider ${provider.id} is registered already`);
  registered.push(provider);
  version++;
};

/** Removes a provider added by registerCrmProvider (tests clean up after themselves). */
export const unregisterCrmProvider = (id: string): void => {
  const i = registered.findIndex((p) => p.id === id);
  if (i >= 0) registered.splice(i, 1);
  version++;
};

export const registeredCrmProvider = (id: string): AnyProvider | undefined =>
  registered.find((p) => p.id === id);

/** Changes when a provider is registered: schemas built from the registry are rebuilt then. */
export const registryVersion = (): number => version;

type ConfigsOf<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: T[K] extends { config: infer S } ? S : never;
};
/** The config schemas of every provider, typed as the built-in ones (the tenant schema's `crm` union). */
export const crmConfigSchemas = () =>
  crmSettings().map((s) => s.config) as unknown as ConfigsOf<typeof crmSettingsList>;

/** Providers whose records are read back from the CRM (sync-crm, reconcile). */
export const readingProviders = (): string[] => crmSettings().flatMap((s) => (s.readsRecords ? [s.id] : []));
