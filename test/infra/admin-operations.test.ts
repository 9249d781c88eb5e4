/**
 * What keeps a tenant deployable and its alarms heard: retained resources that neither block a second deploy nor
 * survive a failed first one, an alarm topic CloudWatch may publish to, subscriptions and a dashboard from tenant
 * config, least-privilege grants, reserved concurrency, and the checks that keep demos and unfit regions out of
 * `cdk deploy`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionsFor } from '../../functions/manifest';
import { buildApp } from '../../infra/build-app';
import { deployProblems } from '../../infra/deployability';
import { loadTenant, TENANTS_DIR } from '../../infra/tenants';
import { parseTenantConfig, type TenantConfig } from '../../shared/config/tenant';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Condition?: Record<string, unknown> };

const demoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo.json'), 'utf8')) as Record<string, unknown>;
const tenant = (extra: Record<string, unknown>): TenantConfig =>
  parseTenantConfig(
    {
      ...demoJson,
      id: 'acme',
      deployable: true,
      aws: { account: '123456789012', region: 'eu-central-1' },
      ...extra,
    },
    'acme (test)',
  );
const acme = tenant({
  alarms: { emails: ['oncall@acme.example', 'sales-ops@acme.example'] },
  reservedConcurrency: { http: 20, events: 10 },
});
const build = (tenants: TenantConfig[], context: Record<string, unknown> = {}) =>
  buildApp({
    tenants,
    bundling: false,
    validation: false,
    nag: false,
    deployChecks: true,
    appProps: { context },
  });
const [stack] = build([acme]).stacks;
if (!stack) throw new Error('expected a stack');
const template = Template.fromStack(stack);
const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];

/** Every statement in the policies attached to the role of the function with this manifest id. */
const statementsOf = (functionId: string): Statement[] => {
  const spec = functionsFor(acme).find((f) => f.id === functionId);
  const fn = resources('AWS::Lambda::Function').find(
    ([, r]) => r.Properties.Description === spec?.description,
  );
  if (!fn) throw new Error(`no function ${functionId}`);
  const role = (fn[1].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return resources('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
};
const actionsOf = (functionId: string) =>
  statementsOf(functionId).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('retained resources', () => {
  it('are kept on delete and replacement but not after a failed first deploy', () => {
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::SecretsManager::Secret',
      'AWS::Scheduler::ScheduleGroup',
    ])
      for (const [id, r] of resources(type)) {
        expect(r.DeletionPolicy, id).toBe('RetainExceptOnCreate');
        expect((r as { UpdateReplacePolicy?: string }).UpdateReplacePolicy, id).toBe('Retain');
      }
  });

  it('carry no name a stack created again after a destroy would collide with', () => {
    const [[, table] = []] = resources('AWS::DynamoDB::Table');
    expect(table?.Properties.TableName).toBeUndefined();
    // The secret and schedule group names end in the stack id's first 8 hex digits: new for every new stack.
    const suffix = {
      'Fn::Select': [
        0,
        { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
      ],
    };
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: { 'Fn::Join': ['', ['quotaflow/acme/app-', suffix]] },
    });
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', {
      Name: { 'Fn::Join': ['', ['quotaflow-acme-', suffix]] },
    });
    for (const output of ['TableName', 'SecretArn', 'ScheduleGroupName', 'EventBusName', 'DashboardName'])
      template.hasOutput(output, {});
  });
});

describe('alarms reach people', () => {
  it('lets CloudWatch alarms of this account publish to the topic, and only over TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  it('subscribes the alarm e-mail addresses from tenant config', () => {
    const emails = resources('AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(emails.map((s) => [s.Protocol, s.Endpoint]).sort()).toEqual([
      ['email', 'oncall@acme.example'],
      ['email', 'sales-ops@acme.example'],
    ]);
  });

  it('has a dashboard of deliveries, effects, errors, DLQ depth, schedule runs and mail', () => {
    const [[, dashboard] = []] = resources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of [
      'WebhookReceived',
      'RecordChangeProcessed',
      'Errors',
      'ApproximateNumberOfMessagesVisible',
      'ScheduledRun',
      'EmailSent',
    ])
      expect(body, metric).toContain(metric);
  });
});

describe('least privilege', () => {
  it('lets the receivers only put and get items', () => {
    for (const id of ['ingest-generic'])
      expect(
        actionsOf(id)
          .filter((a) => a.startsWith('dynamodb:'))
          .sort(),
      ).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
  });

  it('grants ses:SendEmail only, from the tenant sender', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('ses:SendRawEmail');
    for (const spec of functionsFor(acme).filter((f) => f.access.includes('mail'))) {
      const ses = statementsOf(spec.id).filter((s) => JSON.stringify(s.Action).includes('ses:'));
      expect(ses, spec.id).toEqual([
        expect.objectContaining({
          Action: 'ses:SendEmail',
          Condition: { StringEquals: { 'ses:FromAddress': acme.mail.sender } },
        }),
      ]);
    }
  });

  it('reserves concurrency per function class as the tenant config says', () => {
    for (const spec of functionsFor(acme)) {
      const [, fn] =
        resources('AWS::Lambda::Function').find(([, r]) => r.Properties.Description === spec.description) ??
        [];
      const kinds = spec.triggers.map((t) => t.kind);
      const expected = kinds.includes('http') ? 20 : kinds.includes('event') ? 10 : undefined;
      expect(fn?.Properties.ReservedConcurrentExecutions, spec.id).toBe(expected);
    }
  });
});

describe('what cdk deploy may get', () => {
  const demo = loadTenant(join(TENANTS_DIR, 'demo.json'));

  it('leaves the demos out unless asked, and refuses a demo named alone', () => {
    expect(demo.deployable).toBe(false);
    expect(build([demo, acme]).stacks.map((s) => s.stackName)).toEqual(['Quotaflow-acme']);
    expect(build([demo, acme], { includeDemo: 'true' }).stacks.map((s) => s.stackName)).toEqual([
      'Quotaflow-demo',
      'Quotaflow-acme',
    ]);
    expect(() => build([demo])).toThrow(/no deployable tenant.*includeDemo=true/s);
    expect(() => build([demo, acme], { tenant: 'demo' })).toThrow(/deployable: is false/);
  });

  it('needs an account and a region that offers SES', () => {
    const homeless = tenant({ aws: {} });
    expect(deployProblems(homeless).map((p) => p.path)).toEqual(['aws.account', 'aws.region']);
    const hongKong = tenant({ aws: { account: '123456789012', region: 'ap-east-1' } });
    expect(deployProblems(hongKong)).toEqual([
      { path: 'aws.region', message: expect.stringContaining('ap-east-1 does not offer Amazon SES') },
    ]);
    expect(() => build([hongKong])).toThrow(/aws.region: ap-east-1 does not offer Amazon SES/);
    expect(deployProblems(acme)).toEqual([]);
  });
});
