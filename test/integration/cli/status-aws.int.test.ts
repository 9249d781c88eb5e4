/**
 * `quotaflow status` of a deployed tenant: the table's marks on dynalite (the same reads as against npm start), and
 * at the SDK boundary where no stand-in exists (aws-sdk-client-mock): CloudFormation's resources, SQS depths,
 * CloudWatch alarms, Scheduler's list and the secret. At a fixed instant (status's clock on AWS is injectable).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetAccountCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectStatus, formatStatus } from '../../../infra/cli/status';
import { stackSources } from '../../../infra/cli/status-sources';
import type { TenantTarget } from '../../../infra/cli/tenant-target';
import { TENANTS_DIR } from '../../../infra/tenants';
import { parseTenantConfig } from '../../../shared/config/tenant';
import { WatchRepository } from '../../../shared/store/watch';
import { watchPlan } from '../../../shared/watchdog/plan';
import { type LocalTable, startLocalTable } from '../../support/local-aws';

const demoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo.json'), 'utf8')) as Record<string, unknown>;
const tenant = parseTenantConfig(
  { ...demoJson, id: 'demo', deployable: true, aws: { account: '123456789012', region: 'eu-central-1' } },
  'demo (test)',
);
const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const cw = mockClient(CloudWatchClient);
const scheduler = mockClient(SchedulerClient);
const secrets = mockClient(SecretsManagerClient);
const ses = mockClient(SESv2Client);
let table: LocalTable;

beforeAll(async () => {
  table = await startLocalTable('status-aws');
});
afterAll(async () => {
  await table?.stop();
  for (const m of [cfn, sqs, cw, scheduler, secrets, ses]) m.restore();
});

const target = (): TenantTarget => ({
  tenant: 'demo',
  where: 'aws',
  label: 'stack Quotaflow-demo (eu-central-1)',
  stackName: 'Quotaflow-demo',
  scheduleGroupName: 'quotaflow-demo-1a2b3c4d',
  tableName: table.tableName,
  secretId: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:quotaflow/demo/app-1a2b3c4d-AbCdEf',
  eventBusName: 'quotaflow-demo-1a2b3c4d',
  dynamodb: { region: 'eu-central-1' },
  secretsManager: {},
  eventBridge: {},
});

describe('status of a deployed tenant', () => {
  it('reads DLQs, alarms and schedules from AWS and the marks from the table; unhealthy while an alarm fires', async () => {
    const now = Date.parse('2026-03-02T02:00:00.000Z');
    const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
    const watch = new WatchRepository(table.doc, table.tableName);
    await watch.markDelivery('generic', new Date(now - 5 * 60_000));
    for (const s of watchPlan(tenant).schedules)
      await watch.recordRun({ schedule: s.name, at: iso(60_000), durationMs: 1200 });
    await watch.saveReport({ at: iso(120_000), since: iso(86_400_000), findings: [], metrics: [] });

    cfn.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        {
          ResourceType: 'AWS::SQS::Queue',
          LogicalResourceId: 'EventArchiveDeadLetterQueue0A1B2C3D',
          PhysicalResourceId: 'https://sqs.eu-central-1.amazonaws.com/123456789012/ea-dlq',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(now),
        },
      ],
    });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'Quotaflow-demo-ObservabilityEventArchiveDeadLetters-1X',
          StateReason: 'Threshold Crossed',
        },
      ],
    });
    scheduler.on(ListSchedulesCommand).resolves({
      Schedules: [
        ...watchPlan(tenant).schedules.map((s) => ({ Name: s.name, State: 'ENABLED' as const })),
        { Name: 'step-1', State: 'ENABLED' },
      ],
    });
    ses.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 312 },
    });
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ genericWebhookSigningSecret: 'x' }),
    });

    const t = target();
    const sources = stackSources(
      t,
      {
        cloudFormation: new CloudFormationClient({}),
        sqs: new SQSClient({}),
        cloudWatch: new CloudWatchClient({}),
      },
      () => new Date(now),
    );
    const s = await collectStatus(tenant, t, sources, {
      doc: table.doc,
      secrets: new SecretsManagerClient({}),
      scheduler: new SchedulerClient({}),
      sesv2: new SESv2Client({}),
    });
    expect(s).toMatchObject({
      where: 'stack Quotaflow-demo (eu-central-1)',
      healthy: false,
      deliveries: [{ provider: 'generic', ageMinutes: 5 }],
      dlq: [{ name: 'event-archive', depth: 2 }],
      alarms: [{ name: 'Quotaflow-demo-ObservabilityEventArchiveDeadLetters-1X', state: 'ALARM' }],
      oneTimeSchedules: 1,
      missingSecrets: ['unsubscribeSigningSecret'],
      absence: [],
      watchdog: { lastCheck: iso(120_000), findings: [] },
      mail: { sandbox: false, sendingEnabled: true, sentLast24Hours: 312, max24HourSend: 50_000 },
    });
    expect(s.problems).toEqual([
      '2 dead letter(s) in event-archive',
      'secret unsubscribeSigningSecret is missing',
      'alarm Quotaflow-demo-ObservabilityEventArchiveDeadLetters-1X is in ALARM: Threshold Crossed',
    ]);
    const watchdog = s.schedules.find((x) => x.name === 'watchdog');
    expect(watchdog).toEqual({ name: 'watchdog', next: expect.any(String), lastRun: iso(60_000) });
    // rate(15 minutes) counts from the last run on AWS.
    expect(Date.parse(watchdog?.next ?? '')).toBe(now - 60_000 + 15 * 60_000);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toMatchObject({
      AlarmNamePrefix: 'Quotaflow-demo-',
      StateValue: 'ALARM',
    });
    const text = formatStatus(s).join('\n');
    expect(text).toContain('tenant demo  UNHEALTHY  (stack Quotaflow-demo (eu-central-1)');
    expect(text).toContain(
      '  watchdog             next 2026-03-02T02:14:00.000Z  last run 2026-03-02T01:59:00.000Z',
    );
    expect(text).toContain('watchdog      last check 2026-03-02T01:58:00.000Z');
    expect(text).toContain('mail (SES)    production, sending enabled, 312 of 50000 sent in 24 h');
  });
});
