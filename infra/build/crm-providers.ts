/**
 * Build-time only: the CRM provider lists a tenant's Lambda bundles compile in. The registry reads its providers
 * from `#crm-settings` and `#crm-providers` (package.json "imports": every provider, for the CLI, the local runtime
 * and the tests); a tenant's bundles alias both to generated modules naming only the tenant's CRM and the generic
 * webhook (whose receiver every tenant has), so no bundle carries another CRM's client, normalizer or receivers.
 *
 * Convention (README "Adding a CRM"): shared/crm/<id>/settings.ts exports `settings`, shared/crm/<id>/provider.ts
 * exports `provider`, and shared/crm/<id>/write-back.ts, for a CRM that takes write-backs, exports `writeBack`
 * (listed as `#crm-write-backs`). A provider's operator tools (CLI connect step, local simulator) are never bundled: its
 * settings load them with `import('./operator')`, which the bundles leave external (never called in a function).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The generic webhook's receiver serves every tenant: its descriptor is always in the list. */
const ALWAYS = 'generic';

let dir: string | undefined;
const written = new Map<string, Record<string, string>>();

const moduleOf = (repoRoot: string, id: string, file: string) =>
  join(repoRoot, 'shared', 'crm', id, `${file}.ts`);

const listModule = (repoRoot: string, ids: string[], file: string, exported: string, name: string): string =>
  `${ids.map((id, i) => `import { ${exported} as p${i} } from ${JSON.stringify(moduleOf(repoRoot, id, file))};`).join('\n')}\nexport const ${name} = [${ids.map((_, i) => `p${i}`).join(', ')}];\n`;

/** esbuild aliases that compile in only `provider`'s CRM (and the generic webhook). */
export const crmProviderAliases = (repoRoot: string, provider: string): Record<string, string> => {
  const cached = written.get(provider);
  if (cached) return cached;
  dir ??= mkdtempSync(join(tmpdir(), 'qf-crm-providers-'));
  const ids = [...new Set([provider, ALWAYS])];
  const out = join(dir, provider);
  mkdirSync(out, { recursive: true });
  const settings = join(out, 'settings-list.ts');
  const providers = join(out, 'provider-list.ts');
  const writeBacks = join(out, 'write-back-list.ts');
  writeFileSync(settings, listModule(repoRoot, ids, 'settings', 'settings', 'crmSettingsList'));
  writeFileSync(providers, listModule(repoRoot, ids, 'provider', 'provider', 'crmProviderList'));
  // A CRM that takes no write-back (the generic webhook) has no write-back.ts.
  const writing = ids.filter((id) => existsSync(moduleOf(repoRoot, id, 'write-back')));
  writeFileSync(writeBacks, listModule(repoRoot, writing, 'write-back', 'writeBack', 'crmWriteBackList'));
  const aliases = { '#crm-settings': settings, '#crm-providers': providers, '#crm-write-backs': writeBacks };
  written.set(provider, aliases);
  return aliases;
};

/** Operator tools stay out of every bundle: `import('./operator')` is left as is, and never runs in a function. */
export const OPERATOR_EXTERNAL = './operator';
