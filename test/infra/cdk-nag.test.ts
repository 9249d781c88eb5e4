/**
 * cdk-nag (AwsSolutions + Serverless) through the same path `cdk synth` takes: the packs are validation plugins
 * registered by buildApp, and app.synth() writes their findings to validation-report.json in the assembly. Every
 * finding must be fixed or acknowledged with a reason in infra/, so the report must have no violations at all
 * (warnings included; synth itself only throws on errors).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app';
import { loadTenant, TENANTS_DIR, tenantFiles } from '../../infra/tenants';
import { parseTenantConfig } from '../../shared/config/tenant';

interface Report {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

const outdir = mkdtempSync(join(tmpdir(), 'qf-nag-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk-nag', () => {
  it('reports nothing unacknowledged for every committed tenant and a second tenant copied from the demo', () => {
    const demoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const acme = parseTenantConfig(
      {
        ...demoJson,
        id: 'acme',
        deployable: true,
        timeZone: 'America/New_York',
        locale: 'en',
        currency: 'USD',
        aws: { account: '123456789012', region: 'us-east-1' },
        alarms: {
          emails: ['oncall@acme.example'],
          chat: { format: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
        },
        reservedConcurrency: { http: 20, events: 10, schedules: 5 },
      },
      'acme (test)',
    );
    const { app, stacks } = buildApp({
      tenants: [...tenantFiles().map(loadTenant), acme],
      bundling: false,
      validation: false,
      appProps: { outdir },
    });
    expect(stacks.map((s) => s.stackName)).toEqual([
      'Quotaflow-demo-fxiaoke',
      'Quotaflow-demo-zoho',
      'Quotaflow-demo',
      'Quotaflow-acme',
    ]);

    let synthError: unknown;
    try {
      app.synth();
    } catch (err) {
      synthError = err;
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
    const findings = report.pluginReports.flatMap((p) =>
      p.violations.flatMap((v) =>
        v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} at ${c.constructPath}`),
      ),
    );
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });
});
