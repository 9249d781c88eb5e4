/**
 * `quotaflow validate` as an admin runs it on a new tenant: a problem in the tenant's incentive plans or workflows
 * (validated with the tenant) names the file it is in, in text and in JSON, with exit code 1.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qf-validate-'));
  mkdirSync(join(dir, 'tenants', 'incentives'), { recursive: true });
  const tenant = JSON.parse(readFileSync(join(ROOT, 'tenants/demo.json'), 'utf8'));
  writeFileSync(join(dir, 'tenants', 'acme.json'), JSON.stringify({ ...tenant, id: 'acme' }));
  cpSync(join(ROOT, 'tenants/incentives/demo.json'), join(dir, 'tenants/incentives/acme.json'));
  const plans = JSON.parse(readFileSync(join(dir, 'tenants/incentives/acme.json'), 'utf8'));
  plans.plans[0].components[0].tiers[1].from = '0.6';
  writeFileSync(join(dir, 'tenants/incentives/acme.json'), JSON.stringify(plans));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validate = (...args: string[]) =>
  spawnSync('npx', ['tsx', 'infra/cli/main.ts', 'validate', ...args], { cwd: ROOT, encoding: 'utf8' });

it('names the plans file a problem is in, not only the tenant file', () => {
  const tenantFile = join(dir, 'tenants/acme.json');
  const plansFile = join(dir, 'tenants/incentives/acme.json');

  const text = validate(tenantFile);
  expect(text.status).toBe(1);
  expect(text.stderr).toContain(`FAIL ${tenantFile} (in ${plansFile})`);
  expect(text.stderr).toContain('plans[0].components[0].tiers[1].from: leaves a gap');

  const json = validate(tenantFile, '--json');
  expect(json.status).toBe(1);
  expect(JSON.parse(json.stdout)).toEqual([
    {
      file: tenantFile,
      ok: false,
      source: plansFile,
      problems: [{ path: 'plans[0].components[0].tiers[1].from', message: expect.stringContaining('gap') }],
    },
  ]);
}, 60_000);
