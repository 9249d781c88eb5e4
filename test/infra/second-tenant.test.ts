/**
 * Tenants are isolated by stack: a second tenant gets its own copy of everything, and nothing in its template
 * points at another tenant's stack. Tenant schedule overrides and disables are honoured per stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionsFor } from '../../functions/manifest';
import { buildApp } from '../../infra/build-app';
import { eventRulesFor } from '../../infra/event-rules';
import { loadTenant, TENANTS_DIR } from '../../infra/tenants';
import { parseTenantConfig } from '../../shared/config/tenant';

const demo = loadTenant(join(TENANTS_DIR, 'demo.json'));
const demoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo.json'), 'utf8')) as Record<string, unknown>;
const tenantLike = (overrides: Record<string, unknown>) =>
  parseTenantConfig({ ...demoJson, ...overrides }, `${String(overrides.id)} (test)`);
const acme = tenantLike({ id: 'acme', timeZone: 'America/New_York', locale: 'en', currency: 'USD' });

const build = (...tenants: ReturnType<typeof tenantLike>[]) =>
  buildApp({ tenants, bundling: false, validation: false, nag: false }).stacks;

describe('a second tenant', () => {
  const [demoStack, acmeStack] = build(demo, acme);
  if (!demoStack || !acmeStack) throw new Error('expected two stacks');
  const acmeTemplate = Template.fromStack(acmeStack);
  const acmeJson = JSON.stringify(acmeTemplate.toJSON());

  it('synthesizes its own stack with its own table, bus, API, schedule group, secret and DLQs', () => {
    expect(acmeStack.stackName).toBe('Quotaflow-acme');
    expect(demoStack.stackName).toBe('Quotaflow-demo');
    acmeTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
    acmeTemplate.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    acmeTemplate.hasResourceProperties('AWS::Events::EventBus', { Name: 'quotaflow-acme' });
    acmeTemplate.hasResourceProperties('AWS::Scheduler::ScheduleGroup', {
      Name: { 'Fn::Join': ['', ['quotaflow-acme-', Match.anyValue()]] },
    });
    acmeTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: { 'Fn::Join': ['', ['quotaflow/acme/app-', Match.anyValue()]] },
    });
    acmeTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'quotaflow-acme' });
    // Every rule has its DLQ. acme has no workflows document, so its workflow runner takes no domain events:
    // one rule, and one DLQ, fewer than the demo's.
    const rules = (id: string) => functionsFor(demo).flatMap((f) => eventRulesFor(f, id)).length;
    expect(rules('demo') - rules('acme')).toBe(1);
    const demoQueues = Object.keys(Template.fromStack(demoStack).findResources('AWS::SQS::Queue')).length;
    acmeTemplate.resourceCountIs('AWS::SQS::Queue', demoQueues - 1);
    acmeTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpressionTimezone: 'America/New_York',
    });
  });

  it("references nothing of the demo tenant's stack", () => {
    expect(acmeStack.dependencies).toHaveLength(0);
    expect(acmeJson).not.toContain('Fn::ImportValue');
    expect(acmeJson.toLowerCase()).not.toMatch(/quotaflow[-/]demo/);
    expect(acmeJson).not.toContain('"tenant":"demo"');
    expect(acmeJson).toContain('\\"id\\":\\"acme\\"');
  });
});

describe('tenant schedule settings', () => {
  it('use the override expression, and skip a disabled schedule', () => {
    const [custom, quiet] = build(
      tenantLike({
        id: 'custom',
        schedules: { effectRecovery: { expression: 'cron(0/10 8-20 ? * MON-FRI *)' } },
      }),
      tenantLike({
        id: 'quiet',
        schedules: {
          effectRecovery: { enabled: false },
          incentiveAccrual: { enabled: false },
          incentiveClose: { enabled: false },
          goalEvaluation: { enabled: false },
          goalRecompute: { enabled: false },
          managerDigest: { enabled: false },
          watchdog: { enabled: false },
        },
      }),
    );
    if (!custom || !quiet) throw new Error('expected two stacks');
    Template.fromStack(custom).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0/10 8-20 ? * MON-FRI *)',
    });
    Template.fromStack(quiet).resourceCountIs('AWS::Scheduler::Schedule', 0);
  });
});
