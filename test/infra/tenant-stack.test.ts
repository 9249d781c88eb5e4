/**
 * The tenant stack as CloudFormation, asserted against the contracts it is generated from (manifest, tenant config,
 * table design, env names), for the demo tenant and a second tenant. Built without bundling or the built-in
 * CloudFormation validation, so the whole file runs in seconds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type Access, type FunctionSpec, functionsFor, type Trigger } from '../../functions/manifest';
import { documentDigestEnvVar, documentEnvVar, tenantDocumentPath } from '../../functions/wiring/documents';
import { tenantDigest } from '../../functions/wiring/tenant-seal';
import { buildApp } from '../../infra/build-app';
import { shippedDocument } from '../../infra/documents';
import { eventRulesFor } from '../../infra/event-rules';
import { loadTenant, TENANTS_DIR } from '../../infra/tenants';
import { parseTenantConfig, tenantConfigSchema } from '../../shared/config/tenant';
import { TABLE } from '../../shared/store/table-design';
import { eventTypesActedOn } from '../../shared/workflows/acted-on';
import { parseWorkflowConfig } from '../../shared/workflows/validate';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

const demo = loadTenant(join(TENANTS_DIR, 'demo.json'));
/** The demo tenant's functions: the manifest entries for its CRM (generic) and those for every CRM. */
const functions = functionsFor(demo);
const demoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo.json'), 'utf8')) as Record<string, unknown>;
const acme = parseTenantConfig(
  { ...demoJson, id: 'acme', timeZone: 'America/New_York', locale: 'en', currency: 'USD' },
  'acme (test)',
);

/** The stack resolves calendars from the year it is synthesized in. */
const SYNTH_YEAR = new Date().getUTCFullYear();
const { stacks } = buildApp({ tenants: [demo, acme], bundling: false, validation: false, nag: false });
const [demoStack, acmeStack] = stacks;
if (!demoStack || !acmeStack) throw new Error('expected two stacks');
const template = Template.fromStack(demoStack);

const resourcesOf = (t: Template, type: string): Resource[] =>
  Object.values(t.findResources(type)) as Resource[];
const triggersOf = <K extends Trigger['kind']>(kind: K) =>
  functions.flatMap((f) =>
    f.triggers.flatMap((t) => (t.kind === kind ? [{ f, t: t as Extract<Trigger, { kind: K }> }] : [])),
  );
const lambdaOf = (t: Template, spec: FunctionSpec): Resource => {
  const found = resourcesOf(t, 'AWS::Lambda::Function').filter(
    (r) => r.Properties.Description === spec.description,
  );
  expect(found, spec.id).toHaveLength(1);
  return found[0] as Resource;
};
const envOf = (r: Resource) => (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

const ENV_BY_ACCESS: Record<Access, string[]> = {
  table: ['TABLE_NAME'],
  'table:put': ['TABLE_NAME'],
  'table:get': ['TABLE_NAME'],
  'table:query': ['TABLE_NAME'],
  bus: ['EVENT_BUS_NAME'],
  secrets: ['SECRET_ID'],
  mail: ['SES_CONFIGURATION_SET', 'PUBLIC_BASE_URL'],
  scheduler: ['SCHEDULE_GROUP_NAME', 'SCHEDULE_TARGET_ARN', 'SCHEDULE_ROLE_ARN', 'SCHEDULE_DLQ_ARN'],
};

describe('demo tenant stack', () => {
  it('has one arm64 nodejs22.x function per manifest entry, with its memory, timeout and tracing', () => {
    template.resourceCountIs('AWS::Lambda::Function', functions.length);
    for (const spec of functions) {
      const p = lambdaOf(template, spec).Properties;
      expect(p.Runtime, spec.id).toBe('nodejs22.x');
      expect(p.Architectures, spec.id).toEqual(['arm64']);
      expect(p.MemorySize, spec.id).toBe(spec.memoryMb ?? 256);
      expect(p.Timeout, spec.id).toBe(spec.timeoutSeconds ?? 10);
      expect(p.TracingConfig, spec.id).toEqual({ Mode: 'Active' });
      expect(p.LoggingConfig, spec.id).toMatchObject({ LogGroup: expect.anything() });
    }
  });

  it('gives each function exactly the env vars of its access rights, and the tenant config it parses', () => {
    for (const spec of functions) {
      const env = envOf(lambdaOf(template, spec));
      const expected = [
        'POWERTOOLS_SERVICE_NAME',
        'NODE_OPTIONS',
        'QUOTAFLOW_TENANT',
        'QUOTAFLOW_TENANT_DIGEST',
      ];
      for (const access of spec.access)
        for (const name of ENV_BY_ACCESS[access]) if (!expected.includes(name)) expected.push(name);
      // Each document the function declares and the demo has travels in the bundle, named by one env var, with the
      // digest of the validated copy shipped (documents.ts).
      for (const kind of spec.documents ?? [])
        if (existsSync(tenantDocumentPath(kind, demo.id)))
          expected.push(documentEnvVar(kind), documentDigestEnvVar(kind));
      expect(Object.keys(env).sort(), spec.id).toEqual(expected.sort());
      for (const kind of spec.documents ?? [])
        if (env[documentEnvVar(kind)]) {
          expect(env[documentEnvVar(kind)]).toBe(`/var/task/${kind}.json`);
          const shipped = shippedDocument(kind, tenantDocumentPath(kind, demo.id), SYNTH_YEAR, demo.id);
          expect(env[documentDigestEnvVar(kind)], `${spec.id} ${kind}`).toBe(shipped.digest);
          expect(tenantDigest(readFileSync(shipped.file, 'utf8'))).toBe(shipped.digest);
        }
      expect(tenantConfigSchema.parse(JSON.parse(String(env.QUOTAFLOW_TENANT)))).toEqual(demo);
      // The digest of that very JSON: the function takes the config as validated here (tenant-seal.ts), and what it
      // reads is exactly what validating it again would give.
      expect(env.QUOTAFLOW_TENANT_DIGEST).toBe(tenantDigest(String(env.QUOTAFLOW_TENANT)));
      expect(JSON.parse(String(env.QUOTAFLOW_TENANT))).toStrictEqual(demo);
    }
  });

  it('gives async-invoked functions a DLQ, and functions with scheduler access the one-time schedule rights', () => {
    for (const spec of functions) {
      const p = lambdaOf(template, spec).Properties;
      const async = spec.triggers.some((t) => t.kind !== 'http');
      expect(p.DeadLetterConfig !== undefined, spec.id).toBe(async);
    }
    const schedulerUsers = functions.filter((f) => f.access.includes('scheduler'));
    expect(schedulerUsers.length).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
          }),
          Match.objectLike({
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  it('has the table from the table design: on demand, PITR, TTL, retained except on a failed create', () => {
    const [table, ...others] = resourcesOf(template, 'AWS::DynamoDB::Table');
    expect(others).toHaveLength(0);
    expect(table?.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(table?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        expect.objectContaining({ IndexName: TABLE.gsi1.name, Projection: { ProjectionType: 'ALL' } }),
        expect.objectContaining({ IndexName: TABLE.gsi2.name, Projection: { ProjectionType: 'ALL' } }),
      ],
    });
    expect(table?.Properties.TableName).toBeUndefined();
  });

  it('routes each event rule of the tenant from its bus with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'quotaflow-demo' });
    // Rules on the default bus only forward AWS service events here (test/infra/mail-feedback.test.ts).
    const rules = resourcesOf(template, 'AWS::Events::Rule').filter(
      (r) => r.Properties.EventBusName !== 'default',
    );
    const expected = functions.flatMap((f) => eventRulesFor(f, demo.id).map((r) => ({ f, r })));
    expect(rules).toHaveLength(expected.length);
    for (const { f, r: t } of expected) {
      const rule = rules.find((r) => JSON.stringify(r.Properties.EventPattern) === JSON.stringify(t.pattern));
      if (!rule) throw new Error(`no rule with the pattern of ${f.id}`);
      const [target] = rule.Properties.Targets as Record<string, unknown>[];
      expect(target).toMatchObject({
        RetryPolicy: {
          MaximumRetryAttempts: expect.any(Number),
          MaximumEventAgeInSeconds: expect.any(Number),
        },
        DeadLetterConfig: { Arn: expect.anything() },
      });
    }
    // The runner takes only what the demo's workflows and sequence act on (no record.created, deal.created...).
    const runner = functions.find((f) => f.id === 'workflow-runner') as FunctionSpec;
    const workflows = JSON.parse(readFileSync(join(TENANTS_DIR, 'workflows', 'demo.json'), 'utf8'));
    const acted = eventTypesActedOn(parseWorkflowConfig(workflows, 'demo workflows'));
    expect(acted).not.toContain('record.updated');
    const routed = (eventRulesFor(runner, demo.id)[0]?.pattern['detail-type'] ?? []) as string[];
    expect([...routed].sort()).toEqual(acted);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
  });

  it("runs the fixed schedules in the tenant's zone, with the tenant's expression, retries and a DLQ", () => {
    const expression = demo.schedules.effectRecovery?.expression;
    expect(expression).toBe('rate(5 minutes)');
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.resourceCountIs('AWS::Scheduler::Schedule', triggersOf('schedule').length);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: Match.objectLike({
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });

  it('serves every manifest route on an HTTP API with access logs and throttling', () => {
    const routeKeys = resourcesOf(template, 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(
      triggersOf('http')
        .map(({ t }) => `${t.method} ${t.path}`)
        .sort(),
    );
    expect(routeKeys).toEqual(expect.arrayContaining(['POST /webhooks/generic', 'GET /health']));
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', { PayloadFormatVersion: '2.0' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
    });
    template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.anyValue() }, 0);
    // Output names the README documents for operators.
    for (const output of ['ApiUrl', 'AlarmTopicArn', 'SecretArn']) template.hasOutput(output, {});
  });

  it('has the SES configuration set and the generated signing secret', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'quotaflow-demo',
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'RetainExceptOnCreate',
      Properties: Match.objectLike({
        Name: { 'Fn::Join': ['', ['quotaflow/demo/app-', Match.anyValue()]] },
        GenerateSecretString: Match.objectLike({
          GenerateStringKey: 'genericWebhookSigningSecret',
          ExcludePunctuation: true,
          PasswordLength: 40,
        }),
      }),
    });
  });

  it('alarms on every DLQ and every function', () => {
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(triggersOf('event').length);
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
    for (const queue of queues) {
      const alarm = alarms.find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions).includes(`"${queue}"`),
      );
      expect(alarm, queue).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(functions.length);
  });

  it('alarms when the recovery sweep had to republish a webhook receipt', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
    expect(alarms.find((a) => a.MetricName === 'ReceiptsRedriven')).toMatchObject({
      Namespace: 'Quotaflow',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: expect.arrayContaining([
        { Name: 'service', Value: 'quotaflow' },
        { Name: 'tenant', Value: expect.any(String) },
      ]),
    });
  });

  it('alarms when a holiday calendar the workflows use is about to run out of data', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
    expect(alarms.find((a) => a.MetricName === 'CalendarCoverageShort')).toMatchObject({
      Namespace: 'Quotaflow',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmDescription: expect.stringContaining('Holiday calendars'),
    });
  });

  it("alarms on the configuration set's SES reputation: bounces over 4 %, complaints over 0.08 %", () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
    for (const [metric, threshold] of [
      ['Reputation.BounceRate', 0.04],
      ['Reputation.ComplaintRate', 0.0008],
    ] as const)
      expect(
        alarms.find((a) => a.MetricName === metric),
        metric,
      ).toMatchObject({
        Namespace: 'AWS/SES',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [{ Name: 'ses:configuration-set', Value: expect.stringMatching(/^quotaflow-/) }],
      });
  });
});
