/**
 * The functions that only write back to the CRM (the workflow runner, scheduled steps, effect recovery) bundle its
 * writer and nothing else of it: built as the CDK construct builds them for a tenant on each CRM, their esbuild graph
 * holds the CRM's writer and client, not its reader, scanner, normalizer, users source or receivers; sync-crm keeps
 * the full connection.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../bench/bundles';

const ROOT = resolve(import.meta.dirname, '..', '..');
const outdir = mkdtempSync(join(tmpdir(), 'qf-write-back-'));

const crmModules = async (entry: string, provider: string): Promise<string[]> => {
  const result = await build({
    ...lambdaBuildOptions(provider),
    entryPoints: [join(ROOT, entry)],
    outdir,
    write: false,
    metafile: true,
  });
  const own = `shared/crm/${provider}/`;
  return Object.keys(result.metafile.inputs)
    .filter((p) => p.includes(own))
    .map((p) => p.slice(p.indexOf(own) + own.length).replace(/\.ts$/, ''))
    .sort();
};

const WRITING_ONLY = [
  'functions/events/workflow-runner.ts',
  'functions/schedules/scheduled-step.ts',
  'functions/schedules/effect-recovery.ts',
];
const NOT_FOR_WRITING = ['reader', 'scanner', 'normalize', 'users', 'provider', 'receivers'];

describe.each(['zoho', 'fxiaoke'])('for a tenant on %s', (provider) => {
  it.each(WRITING_ONLY)(
    '%s bundles the writer alone',
    async (entry) => {
      const modules = await crmModules(entry, provider);
      expect(modules).toEqual(expect.arrayContaining(['write-back', 'writer', 'client']));
      expect(modules.filter((m) => NOT_FOR_WRITING.includes(m))).toEqual([]);
    },
    60_000,
  );

  it('sync-crm keeps the full connection', async () => {
    const modules = await crmModules('functions/events/sync-crm.ts', provider);
    expect(modules).toEqual(expect.arrayContaining(['provider', 'reader', 'scanner', 'users', 'writer']));
  }, 60_000);
});
