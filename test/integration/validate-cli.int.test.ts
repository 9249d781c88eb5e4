/**
 * `quotaflow validate` as an admin runs it on a new tenant: a problem in the tenant's incentive plans or workflows
 * (validated with the tenant) names the file it is in, in text and in JSON, with exit code 1.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../support/cli-process';

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

const validate = (...args: string[]) => cli(['validate', ...args]);

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

it('warns, without failing, when a calendar in use runs out of holiday data within 60 days of --now', () => {
  const root = join(dir, 'calendars');
  mkdirSync(join(root, 'tenants', 'workflows'), { recursive: true });
  const tenant = JSON.parse(readFileSync(join(ROOT, 'tenants/demo.json'), 'utf8'));
  writeFileSync(join(root, 'tenants', 'cal.json'), JSON.stringify({ ...tenant, id: 'cal' }));
  const workflows = JSON.parse(readFileSync(join(ROOT, 'tenants/workflows/demo.json'), 'utf8'));
  // A hand-written China calendar with 2026 only, the way the demo used to be.
  workflows.tenantId = 'cal';
  workflows.calendars.cn = { holidays: ['2026-10-01'], makeUpWorkdays: ['2026-10-10'] };
  writeFileSync(join(root, 'tenants/workflows/cal.json'), JSON.stringify(workflows));
  const file = join(root, 'tenants/cal.json');

  const text = validate(file, '--now', '2026-12-06T10:00:00+08:00');
  expect(text.status).toBe(0);
  expect(text.stdout).toContain(`ok   ${file}`);
  expect(text.stdout).toMatch(
    /warn calendars\.cn: calendar cn has public holidays through 2026-12-31; from 2027-01-01/,
  );

  const json = validate(file, '--json', '--now', '2026-12-06T10:00:00+08:00');
  expect(JSON.parse(json.stdout)[0].warnings).toEqual([
    expect.objectContaining({
      path: 'calendars.cn',
      coveredThrough: '2026-12-31',
      firstUncovered: '2027-01-01',
    }),
  ]);
  expect(
    JSON.parse(validate(file, '--json', '--now', '2026-10-01T10:00:00+08:00').stdout)[0].warnings,
  ).toEqual([]);
}, 60_000);

it('refuses a tenant meant for AWS without an account, or in a region without SES; a demo is local only', () => {
  const root = join(dir, 'deploy');
  mkdirSync(join(root, 'tenants'), { recursive: true });
  const tenant = JSON.parse(readFileSync(join(ROOT, 'tenants/demo.json'), 'utf8'));
  const write = (id: string, extra: Record<string, unknown>) => {
    const file = join(root, 'tenants', `${id}.json`);
    writeFileSync(file, JSON.stringify({ ...tenant, id, deployable: true, ...extra }));
    return file;
  };
  const hk = write('hong-kong', { aws: { account: '123456789012', region: 'ap-east-1' } });
  const nowhere = write('nowhere', {});
  const fine = write('fine', { aws: { account: '123456789012', region: 'eu-central-1' } });

  const json = validate(hk, nowhere, fine, join(ROOT, 'tenants/demo.json'), '--json');
  expect(json.status).toBe(1);
  const results = JSON.parse(json.stdout) as {
    ok: boolean;
    problems?: { path: string; message: string }[];
  }[];
  expect(results[0]?.problems).toEqual([
    { path: 'aws.region', message: expect.stringContaining('ap-east-1 does not offer Amazon SES') },
  ]);
  expect(results[1]?.problems?.map((p) => p.path)).toEqual(['aws.account', 'aws.region']);
  expect(results[2]).toMatchObject({ ok: true, deployable: true, stack: 'Quotaflow-fine' });
  expect(results[3]).toMatchObject({ ok: true, deployable: false });
  expect(validate(join(ROOT, 'tenants/demo.json')).stdout).toContain('tenant demo → local only');
}, 60_000);

it('names the goals file, the path inside it and the reason', () => {
  const root = join(dir, 'goals');
  mkdirSync(join(root, 'tenants', 'goals'), { recursive: true });
  const tenant = JSON.parse(readFileSync(join(ROOT, 'tenants/demo.json'), 'utf8'));
  writeFileSync(join(root, 'tenants', 'goal.json'), JSON.stringify({ ...tenant, id: 'goal' }));
  const goals = JSON.parse(readFileSync(join(ROOT, 'tenants/goals/demo.json'), 'utf8'));
  goals.tenantId = 'goal';
  goals.goals[2].target = { source: 'incentive_quota' };
  goals.goals[1].metric.filter = [{ field: 'fields.region', op: 'eq', value: 'east' }];
  writeFileSync(join(root, 'tenants/goals/goal.json'), JSON.stringify(goals));
  const tenantFile = join(root, 'tenants/goal.json');
  const goalsFile = join(root, 'tenants/goals/goal.json');
  const out = validate(tenantFile, '--json');
  expect(out.status).toBe(1);
  expect(JSON.parse(out.stdout)).toEqual([
    {
      file: tenantFile,
      ok: false,
      source: goalsFile,
      problems: [
        {
          path: 'goals[1].metric.filter[0]',
          message: expect.stringContaining('"region" is not a mapped field'),
        },
        { path: 'goals[2].target.source', message: 'incentive_quota is a rep’s quota: rep goals only' },
      ],
    },
  ]);
}, 60_000);
