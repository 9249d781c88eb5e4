/**
 * The local runtime's admin stand-ins driven by the real SDK clients the CLI uses (@aws-sdk 3.1164): SQS over AWS
 * JSON 1.0 (queues, visibility, deletes, typed errors, a journal that keeps what was acknowledged across a crash),
 * CloudWatch over AWS JSON 1.0 (metrics from PutMetricData and Powertools EMF lines, alarms judged on the runtime
 * clock, missing data), Lambda Invoke (restJson1) and CloudFormation ListStackResources (query protocol, XML).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackQueues } from '../../infra/cli/aws-operations';
import { startAdminStandIns } from '../../infra/local/admin-stand-ins';
import type { LocalEventBus } from '../../infra/local/aws/event-bus';
import { startAwsStandIns } from '../../infra/local/aws/router';
import type { LocalScheduler } from '../../infra/local/aws/scheduler';
import type { LocalSecretsManager } from '../../infra/local/aws/secrets-manager';
import { LocalSqs } from '../../infra/local/aws/sqs';
import { loadTenant, TENANTS_DIR } from '../../infra/tenants';
import { localClientConfig } from '../support/local-aws';

const tenant = loadTenant(`${TENANTS_DIR}/demo.json`);
const dir = mkdtempSync(join(tmpdir(), 'qf-admin-stand-ins-'));
let now = new Date('2026-03-02T02:00:00.000Z');
const clock = () => now;
const { stack, sqs, cloudWatch, close } = startAdminStandIns({
  tenant,
  now: clock,
  dataDir: dir,
  printMetrics: false,
  functionArn: (id) => `arn:aws:lambda:us-east-1:000000000000:function:quotaflow-${tenant.id}-${id}`,
  log: () => undefined,
});
const invoked: { id: string; event: unknown }[] = [];

let server: Server;
let config: ReturnType<typeof localClientConfig>;
beforeAll(async () => {
  const standIns = await startAwsStandIns({
    // The product's services are not under test here.
    bus: {} as LocalEventBus,
    scheduler: {} as LocalScheduler,
    secrets: {} as LocalSecretsManager,
    admin: {
      sqs,
      cloudWatch,
      stack,
      invoke: async (id, event) => {
        invoked.push({ id, event });
        if ((event as { fail?: boolean }).fail) throw new TypeError('cannot read the record');
        return { ok: id };
      },
      startedAt: now,
    },
  });
  server = standIns.server;
  sqs.listen(standIns.endpoint);
  config = localClientConfig(standIns.endpoint);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  close();
  rmSync(dir, { recursive: true, force: true });
});

const runnerQueue = `${stack.name}-WorkflowRunnerDeadLetterQueue`;

describe('the SQS stand-in', () => {
  it('finds, fills, hides, releases and empties a queue as SQS does', async () => {
    const client = new SQSClient(config);
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: runnerQueue }));
    expect(QueueUrl).toMatch(new RegExp(`/000000000000/${runnerQueue}$`));
    const listed = await client.send(new ListQueuesCommand({ QueueNamePrefix: `${stack.name}-Events` }));
    expect(listed.QueueUrls?.length).toBeGreaterThan(0);
    expect(listed.QueueUrls?.every((u) => u.includes(`${stack.name}-Events`))).toBe(true);

    // The client checks the body's MD5 on send and receive.
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: '{"id":"e-1"}',
        MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'TypeError' } },
      }),
    );
    expect(sent.MessageId).toBeTruthy();
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"id":"e-2"}' }));
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: ['All'],
      }),
    );
    expect(received.Messages?.map((m) => m.Body)).toEqual(['{"id":"e-1"}', '{"id":"e-2"}']);
    const [first, second] = received.Messages ?? [];
    expect(first?.Attributes).toEqual({ ApproximateReceiveCount: '1', SentTimestamp: String(now.getTime()) });
    expect(first?.MessageAttributes?.ERROR_CODE?.StringValue).toBe('TypeError');

    const depth = async () =>
      (
        await client.send(
          new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        )
      ).Attributes;
    expect(await depth()).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '2',
    });
    // Hidden while received: a second receive gets nothing until they are released.
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    const released = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [{ Id: 'a', ReceiptHandle: second?.ReceiptHandle, VisibilityTimeout: 0 }],
      }),
    );
    expect(released.Successful).toEqual([{ Id: 'a' }]);
    expect(await depth()).toMatchObject({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
    });

    await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first?.ReceiptHandle }));
    const again = await client.send(
      new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] }),
    );
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    // The receipt of the earlier receive is stale now; the new one deletes.
    const batch = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'old', ReceiptHandle: second?.ReceiptHandle },
          { Id: 'new', ReceiptHandle: again.Messages?.[0]?.ReceiptHandle },
        ],
      }),
    );
    expect(batch.Successful).toEqual([{ Id: 'new' }]);
    expect(batch.Failed?.[0]).toMatchObject({ Id: 'old', Code: 'ReceiptHandleIsInvalid' });
    expect(await depth()).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    client.destroy();
  });

  it('answers an unknown queue and an operation it does not serve with AWS-shaped errors', async () => {
    const client = new SQSClient(config);
    const missing = await client.send(new GetQueueUrlCommand({ QueueName: 'nope' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: runnerQueue }));
    const purge = (await client.send(new PurgeQueueCommand({ QueueUrl })).catch((e: unknown) => e)) as Error;
    expect(purge.name).toBe('UnsupportedOperation');
    expect(purge.message).toContain('PurgeQueue is not served by the local SQS');
    client.destroy();
  });

  it('keeps every acknowledged message and delete across a crash (the journal, reopened without a close)', async () => {
    const file = join(dir, 'crash.jsonl');
    const before = new LocalSqs({ now: clock, file });
    before.createQueue('q');
    before.sendNow('q', '{"kept":1}', { ERROR_CODE: 'Error' });
    before.sendNow('q', '{"kept":2}', {});
    const id = before.all()[1]?.message.id;
    // Deleted over the API: received first, then deleted with the receipt.
    before.listen('http://local');
    const got = (await before.handle('ReceiveMessage', {
      QueueUrl: 'http://local/000000000000/q',
      MaxNumberOfMessages: 10,
    })) as {
      Messages: { MessageId: string; ReceiptHandle: string }[];
    };
    const receipt = got.Messages.find((m) => m.MessageId === id)?.ReceiptHandle;
    await before.handle('DeleteMessage', { QueueUrl: 'http://local/000000000000/q', ReceiptHandle: receipt });
    // No close(): as after kill -9.
    const after = new LocalSqs({ now: clock, file });
    expect(after.all().map((m) => [m.queue, m.message.body, m.message.attributes])).toEqual([
      ['q', '{"kept":1}', { ERROR_CODE: 'Error' }],
    ]);
    // Received before the crash, visible again after it.
    expect(after.depth('q')).toEqual({ visible: 1, inFlight: 0 });
    after.close();
    before.close();
  });
});

describe('the CloudWatch stand-in', () => {
  const alarmsInAlarm = async (client: CloudWatchClient) =>
    (
      await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${stack.name}-`, StateValue: 'ALARM' }))
    ).MetricAlarms?.map((a) => a.AlarmName);

  it('judges the stack alarms on the runtime clock: metrics put, EMF lines, SQS depth, missing data', async () => {
    const client = new CloudWatchClient(config);
    // Watching only just began: the watchdog's heartbeat has no data yet, which is not an alarm yet.
    const first = await client.send(
      new DescribeAlarmsCommand({ AlarmNames: [`${stack.name}-WatchdogSilent`] }),
    );
    expect(first.MetricAlarms?.[0]).toMatchObject({
      StateValue: 'INSUFFICIENT_DATA',
      Period: 3600,
      Threshold: 1,
    });
    expect(await alarmsInAlarm(client)).toEqual([]);

    // The watchdog's metrics as Powertools writes them (one EMF line), with the tenant's dimensions.
    const metrics = new Metrics({ namespace: 'Quotaflow', serviceName: 'quotaflow' });
    metrics.setDefaultDimensions({ tenant: tenant.id });
    metrics.addDimension('provider', 'generic');
    metrics.addMetric('CrmDeliveriesSilent', MetricUnit.Count, 1);
    const line = JSON.stringify(metrics.serializeMetrics());
    metrics.clearMetrics();
    expect(cloudWatch.ingestEmf(line)).toBe(true);
    expect(cloudWatch.ingestEmf('{"level":"INFO","message":"not a metric"}')).toBe(false);
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'Quotaflow',
        MetricData: [
          {
            MetricName: 'WatchdogChecked',
            Value: 1,
            Unit: 'Count',
            Dimensions: [
              { Name: 'service', Value: 'quotaflow' },
              { Name: 'tenant', Value: tenant.id },
            ],
          },
        ],
      }),
    );
    sqs.sendNow(runnerQueue, '{}', {});
    const firing = await client.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `${stack.name}-`, StateValue: 'ALARM' }),
    );
    expect(firing.MetricAlarms?.map((a) => a.AlarmName).sort()).toEqual(
      [`${stack.name}-CrmDeliveriesSilentGeneric`, `${stack.name}-WorkflowRunnerDeadLetters`].sort(),
    );
    const silent = firing.MetricAlarms?.find((a) => a.AlarmName?.endsWith('Generic'));
    expect(silent).toMatchObject({
      Namespace: 'Quotaflow',
      MetricName: 'CrmDeliveriesSilent',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      StateReason: 'Threshold Crossed: 1 datapoint [1] was greater than or equal to the threshold (1).',
    });
    expect(silent?.StateUpdatedTimestamp).toEqual(now);

    // 20 minutes on: the silence datapoint is out of its 15-minute period (no data: not breaching), the dead letter
    // still waits, and the heartbeat of 20 minutes ago still counts within its hour.
    now = new Date(now.getTime() + 20 * 60_000);
    expect(await alarmsInAlarm(client)).toEqual([`${stack.name}-WorkflowRunnerDeadLetters`]);
    // An hour and more without a check: the heartbeat's missing data is breaching.
    now = new Date(now.getTime() + 60 * 60_000);
    expect(await alarmsInAlarm(client)).toEqual([
      `${stack.name}-WorkflowRunnerDeadLetters`,
      `${stack.name}-WatchdogSilent`,
    ]);
    client.destroy();
  });

  it('answers what it does not serve with an AWS-shaped error', async () => {
    const client = new CloudWatchClient(config);
    const err = (await client
      .send(new GetMetricDataCommand({ MetricDataQueries: [], StartTime: now, EndTime: now }))
      .catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('UnsupportedOperation');
    expect(err.message).toContain('GetMetricData is not served by the local CloudWatch');
    const bad = (await client
      .send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'b' }))
      .catch((e: unknown) => e)) as Error;
    expect(bad.name).toBe('InvalidParameterCombinationException');
    client.destroy();
  });
});

describe('Lambda Invoke and CloudFormation ListStackResources', () => {
  it('invoke a local function by name or ARN, a failure as FunctionError', async () => {
    const client = new LambdaClient(config);
    const ok = await client.send(
      new InvokeCommand({
        FunctionName: `quotaflow-${tenant.id}-health`,
        Payload: new TextEncoder().encode('{"a":1}'),
      }),
    );
    expect(ok.FunctionError).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(ok.Payload))).toEqual({ ok: 'health' });
    const failed = await client.send(
      new InvokeCommand({
        FunctionName: `arn:aws:lambda:us-east-1:000000000000:function:quotaflow-${tenant.id}-workflow-runner`,
        Payload: new TextEncoder().encode('{"fail":true}'),
      }),
    );
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(new TextDecoder().decode(failed.Payload))).toEqual({
      errorType: 'TypeError',
      errorMessage: 'cannot read the record',
    });
    expect(invoked.map((i) => i.id)).toEqual(['health', 'workflow-runner']);
    const missing = (await client
      .send(new InvokeCommand({ FunctionName: 'quotaflow-other-health' }))
      .catch((e: unknown) => e)) as Error;
    expect(missing.name).toBe('ResourceNotFoundException');
    client.destroy();
  });

  it('list the stack’s queues so the CLI names them and their functions as on AWS', async () => {
    const client = new CloudFormationClient(config);
    const queues = await stackQueues(client, stack.name);
    expect(queues).toContainEqual({
      name: 'workflow-runner',
      url: sqs.queueUrl(runnerQueue),
      source: { kind: 'function', functionName: `quotaflow-${tenant.id}-workflow-runner` },
    });
    expect(queues).toContainEqual({
      name: 'rule:workflow-runner',
      url: sqs.queueUrl(`${stack.name}-EventsWorkflowRunnerDlq`),
      source: { kind: 'function', functionName: `quotaflow-${tenant.id}-workflow-runner` },
    });
    const err = (await client
      .send(new ListStackResourcesCommand({ StackName: 'Quotaflow-other' }))
      .catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('ValidationError');
    expect(err.message).toBe('Stack with id Quotaflow-other does not exist');
    client.destroy();
  });
});
