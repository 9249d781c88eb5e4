import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTenant, TENANTS_DIR } from '../../infra/tenants';
import { TenantConfigError } from '../../shared/config/tenant';

/** A copy of the demo tenant in a fresh folder, with the documents given (null: the demo's own copy). */
const tenantWith = (docs: { workflows?: unknown; incentives?: unknown }) => {
  const root = mkdtempSync(join(tmpdir(), 'qf-docs-'));
  mkdirSync(join(root, 'tenants', 'workflows'), { recursive: true });
  mkdirSync(join(root, 'tenants', 'incentives'), { recursive: true });
  writeFileSync(join(root, 'tenants', 'demo.json'), readFileSync(join(TENANTS_DIR, 'demo.json')));
  for (const [kind, value] of Object.entries(docs))
    writeFileSync(
      join(root, 'tenants', kind, 'demo.json'),
      typeof value === 'string' ? value : JSON.stringify(value),
    );
  return join(root, 'tenants', 'demo.json');
};
const demoWorkflows = () => JSON.parse(readFileSync(join(TENANTS_DIR, 'workflows', 'demo.json'), 'utf8'));
const problemsOf = (file: string) => {
  try {
    loadTenant(file);
  } catch (err) {
    if (err instanceof TenantConfigError) return { source: err.source, problems: err.problems };
    throw err;
  }
  return undefined;
};

describe('tenant documents are validated with the tenant', () => {
  it('accepts the demo tenant with its workflows and plans, and a tenant with neither', () => {
    expect(loadTenant(join(TENANTS_DIR, 'demo.json')).id).toBe('demo');
    expect(problemsOf(tenantWith({}))).toBeUndefined();
  });

  it('refuses a workflow on an unknown event, naming the file and the path', () => {
    const wf = demoWorkflows();
    wf.workflows[0].trigger.event = 'deal.teleported';
    const found = problemsOf(tenantWith({ workflows: wf }));
    expect(found?.source).toMatch(/workflows[/\\]demo\.json$/);
    expect(found?.problems).toEqual([
      expect.objectContaining({
        path: 'workflows[0].trigger.event',
        message: expect.stringContaining('deal.won'),
      }),
    ]);
  });

  it('refuses a workflows file that belongs to another tenant, and one that is not JSON', () => {
    expect(problemsOf(tenantWith({ workflows: { ...demoWorkflows(), tenantId: 'acme' } }))?.problems).toEqual(
      [{ path: 'tenantId', message: 'is "acme" but the file belongs to tenant "demo"' }],
    );
    expect(problemsOf(tenantWith({ workflows: '{ nope' }))?.problems[0]?.message).toMatch(/not valid JSON/);
  });

  it('refuses invalid incentive plans before anything deploys or starts', () => {
    const found = problemsOf(tenantWith({ incentives: { bad: 1 } }));
    expect(found?.problems.map((p) => p.path)).toContain('(root)');
  });
});
