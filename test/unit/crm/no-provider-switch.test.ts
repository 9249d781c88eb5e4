/**
 * A CRM is one module: nothing outside shared/crm/ decides by comparing provider names. Everything that depends on
 * the tenant's CRM asks the registry (shared/crm/registry.ts) or the provider's descriptor.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const SCANNED = ['shared', 'infra', 'functions'];
const OWNED = join(ROOT, 'shared', 'crm');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === OWNED ? [] : sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });

/** `provider === 'x'`, `crm.provider !== "x"`, `case 'zoho':` and a provider name compared from the other side. */
const SWITCH =
  /provider\s*[!=]==?\s*['"`]|['"`](zoho|fxiaoke|generic)['"`]\s*[!=]==?\s*[\w.]*provider|case\s+['"`](zoho|fxiaoke)['"`]/;

describe('provider switches', () => {
  it('the pattern finds the comparisons it is meant to find', () => {
    for (const line of [
      "if (tenant.crm.provider === 'zoho')",
      'if (crm.provider !== "fxiaoke")',
      "  case 'zoho':",
      "'generic' === tenant.crm.provider",
    ])
      expect(line).toMatch(SWITCH);
    expect('const lastAt = byProvider.get(provider);').not.toMatch(SWITCH);
  });

  it('no file outside shared/crm/ compares provider names', () => {
    const found = SCANNED.flatMap((dir) => sources(join(ROOT, dir))).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          SWITCH.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(found).toEqual([]);
  });
});
