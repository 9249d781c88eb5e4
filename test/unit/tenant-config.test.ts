import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTenant, TENANTS_DIR, tenantFiles } from '../../infra/tenants';
import { loadTenantConfig, parseTenantConfig, TenantConfigError } from '../../shared/config/tenant';

const demo = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo.json'), 'utf8')) as Record<string, unknown>;

const problemsOf = (value: unknown): { path: string; message: string }[] => {
  try {
    parseTenantConfig(value, 'tenants/x.json');
  } catch (err) {
    expect(err).toBeInstanceOf(TenantConfigError);
    expect((err as Error).message.startsWith('tenants/x.json: invalid tenant configuration')).toBe(true);
    return (err as TenantConfigError).problems;
  }
  throw new Error('expected the config to be refused');
};

const writeTenant = (name: string, value: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'qf-tenant-'));
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

describe('tenant configuration', () => {
  it('accepts every committed tenant, with defaults filled in', () => {
    const files = tenantFiles();
    expect(files.map((f) => f.split('/').pop())).toContain('demo.json');
    for (const f of files) expect(loadTenant(f).id).toBe(f.split('/').pop()?.replace('.json', ''));
    const config = loadTenant(join(TENANTS_DIR, 'demo.json'));
    expect(config).toMatchObject({ timeZone: 'Asia/Shanghai', locale: 'zh-CN', currency: 'CNY', aws: {} });
  });

  it.each([
    [{ timeZone: 'Asia/Beijing' }, 'timeZone', /IANA time zone/],
    [{ locale: 'fr' }, 'locale', /zh-CN|en/],
    [{ currency: 'RMB' }, 'currency', /ISO 4217/],
    [{ id: 'Demo_1' }, 'id', /lower-case/],
    [{ mail: { sender: 'not-an-address' } }, 'mail.sender', /email/i],
    [{ crm: { provider: 'salesforce' } }, 'crm.provider', /zoho|fxiaoke|generic/],
    [{ crm: { provider: 'zoho', dataCenter: 'cn' } }, 'crm.dataCenter', /com\.cn/],
    [{ crm: { provider: 'zoho', dataCenter: 'eu', accountsUrl: 'ftp://x' } }, 'crm.accountsUrl', /http/],
    [{ aws: { region: 'Shanghai' } }, 'aws.region', /region/],
    [{ colour: 'blue' }, '(root)', /colour/],
  ])('refuses %j naming %s', (override, path, message) => {
    const problems = problemsOf({ ...demo, ...override });
    const match = problems.find((p) => p.path === path);
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match?.message).toMatch(message);
  });

  it('refuses a missing required field by its path', () => {
    const { timeZone: _tz, ...rest } = demo;
    expect(problemsOf(rest)).toContainEqual({
      path: 'timeZone',
      message: expect.stringMatching(/expected string/),
    });
  });

  it('names the file when it is not JSON or cannot be read', () => {
    const bad = writeTenant('acme.json', '{ "id": "acme", ');
    expect(() => loadTenantConfig(bad)).toThrow(
      /acme\.json: invalid tenant configuration[\s\S]*\(file\): is not valid JSON/,
    );
    expect(() => loadTenantConfig(join(tmpdir(), 'nope', 'missing.json'))).toThrow(
      /\(file\): cannot be read/,
    );
  });

  it('requires the file name to match the id', () => {
    const file = writeTenant('acme.json', demo);
    expect(() => loadTenantConfig(file)).toThrow(/id: is "demo" but the file is named "acme\.json"/);
  });

  it.each([
    ['cron(0 9 * * *)', /schedules\.effectRecovery\.expression: cron\(\) needs 6 fields/],
    [
      'at(2026-01-01T00:00:00)',
      /schedules\.effectRecovery\.expression: a fixed schedule needs cron\(\) or rate\(\)/,
    ],
    ['rate(1 minutes)', /schedules\.effectRecovery\.expression: rate\(\)/],
  ])('refuses the schedule expression %s before deploy, naming its path', (expression, message) => {
    const file = writeTenant('demo.json', { ...demo, schedules: { effectRecovery: { expression } } });
    expect(() => loadTenant(file)).toThrow(message);
  });

  it('refuses a schedule name the manifest does not declare', () => {
    const file = writeTenant('demo.json', { ...demo, schedules: { digest: { expression: 'rate(1 day)' } } });
    expect(() => loadTenant(file)).toThrow(
      /schedules\.digest: is not a schedule of any function; known: effectRecovery/,
    );
  });

  it('accepts a second tenant copied from the demo with its own zone, locale and currency', () => {
    const acme = {
      ...demo,
      id: 'acme',
      displayName: 'Acme Inc.',
      timeZone: 'America/New_York',
      locale: 'en',
      currency: 'USD',
    };
    expect(loadTenant(writeTenant('acme.json', acme))).toMatchObject({
      id: 'acme',
      timeZone: 'America/New_York',
    });
  });
});
