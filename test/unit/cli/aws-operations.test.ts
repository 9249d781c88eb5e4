/**
 * What status and dlq ask a deployed stack, at the SDK boundary (aws-sdk-client-mock answers the clients' sends;
 * there is no local stand-in for SQS, CloudWatch or Lambda): DLQs named and traced to their source from the stack's
 * resources, depths, alarms in ALARM over pages, dead letters read once each, and a redrive that deletes only what
 * succeeded.
 */
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alarmsInAlarm,
  pendingOneTimeSchedules,
  queueDepths,
  stackQueues,
} from '../../../infra/cli/aws-operations';
import { awsDlq } from '../../../infra/cli/dlq-aws';
import type { TenantTarget } from '../../../infra/cli/tenant-target';

const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const cw = mockClient(CloudWatchClient);
const lambda = mockClient(LambdaClient);
const events = mockClient(EventBridgeClient);
const scheduler = mockClient(SchedulerClient);
afterEach(() => {
  for (const m of [cfn, sqs, cw, lambda, events, scheduler]) m.reset();
});

const STACK = 'Quotaflow-acme';
const Q = 'https://sqs.eu-central-1.amazonaws.com/123456789012/Quotaflow-acme';
const resource = (type: string, logical: string, physical: string) => ({
  ResourceType: type,
  LogicalResourceId: logical,
  PhysicalResourceId: physical,
  ResourceStatus: 'CREATE_COMPLETE' as const,
  LastUpdatedTimestamp: new Date('2026-12-01T00:00:00Z'),
});
const stackResources = () => {
  cfn
    .on(ListStackResourcesCommand, { StackName: STACK, NextToken: undefined })
    .resolves({
      StackResourceSummaries: [
        resource(
          'AWS::Lambda::Function',
          'WorkflowRunnerFunction0F1E2D3C',
          'Quotaflow-acme-WorkflowRunnerFn-abc',
        ),
        resource('AWS::SQS::Queue', 'WorkflowRunnerDeadLetterQueue9A8B7C6D', `${Q}-WorkflowRunnerDLQ`),
        resource('AWS::SQS::Queue', 'EventsWorkflowRunner1Dlq11223344', `${Q}-EventsWR1Dlq`),
      ],
      NextToken: 'page-2',
    })
    .on(ListStackResourcesCommand, { StackName: STACK, NextToken: 'page-2' })
    .resolves({
      StackResourceSummaries: [
        resource('AWS::SQS::Queue', 'EventsMailFeedbackForwardDlqAABBCCDD', `${Q}-ForwardDlq`),
        resource('AWS::DynamoDB::Table', 'DataTable12345678', 'Quotaflow-acme-DataTable-XYZ'),
      ],
    });
};

describe('the stack’s dead-letter queues', () => {
  it('are named like the local ones and traced to where their messages failed', async () => {
    stackResources();
    const queues = await stackQueues(new CloudFormationClient({}), STACK);
    expect(queues).toEqual([
      { name: 'forward:mail-feedback', url: `${Q}-ForwardDlq`, source: { kind: 'bus' } },
      {
        name: 'rule:workflow-runner-1',
        url: `${Q}-EventsWR1Dlq`,
        source: { kind: 'function', functionName: 'Quotaflow-acme-WorkflowRunnerFn-abc' },
      },
      {
        name: 'workflow-runner',
        url: `${Q}-WorkflowRunnerDLQ`,
        source: { kind: 'function', functionName: 'Quotaflow-acme-WorkflowRunnerFn-abc' },
      },
    ]);
    // aws-sdk-client-mock: the generic answer first, the input-specific ones after it.
    sqs
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { ApproximateNumberOfMessages: '0' } })
      .on(GetQueueAttributesCommand, { QueueUrl: `${Q}-WorkflowRunnerDLQ` })
      .resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
    expect(await queueDepths(new SQSClient({}), queues)).toEqual([
      { name: 'forward:mail-feedback', depth: 0 },
      { name: 'rule:workflow-runner-1', depth: 0 },
      { name: 'workflow-runner', depth: 3 },
    ]);
  });
});

describe('alarms and schedules', () => {
  it('lists the stack’s alarms in ALARM over every page', async () => {
    cw.on(DescribeAlarmsCommand, { AlarmNamePrefix: `${STACK}-`, StateValue: 'ALARM', NextToken: undefined })
      .resolves({
        MetricAlarms: [
          { AlarmName: `${STACK}-ObservabilitySchedulesOverdue-1X`, StateReason: 'Threshold Crossed' },
        ],
        NextToken: 'n',
      })
      .on(DescribeAlarmsCommand, { NextToken: 'n' })
      .resolves({ MetricAlarms: [{ AlarmName: `${STACK}-ObservabilityWatchdogSilent-2Y` }] });
    expect(await alarmsInAlarm(new CloudWatchClient({}), STACK)).toEqual([
      { name: `${STACK}-ObservabilitySchedulesOverdue-1X`, state: 'ALARM', reason: 'Threshold Crossed' },
      { name: `${STACK}-ObservabilityWatchdogSilent-2Y`, state: 'ALARM' },
    ]);
  });

  it('counts pending one-time schedules: enabled ones, less the fixed ones on AWS', async () => {
    scheduler.on(ListSchedulesCommand, { GroupName: 'quotaflow-acme-1a2b3c4d' }).resolves({
      Schedules: [
        { Name: 'fixed-1', State: 'ENABLED' },
        { Name: 'fixed-2', State: 'ENABLED' },
        { Name: 'step-a', State: 'ENABLED' },
        { Name: 'step-b', State: 'DISABLED' },
      ],
    });
    expect(await pendingOneTimeSchedules(new SchedulerClient({}), 'quotaflow-acme-1a2b3c4d', 2)).toBe(1);
  });
});

describe('dlq on AWS', () => {
  const target = {
    tenant: 'acme',
    where: 'aws',
    label: 'stack Quotaflow-acme (eu-central-1)',
    stackName: STACK,
    tableName: 't',
    secretId: 's',
    eventBusName: 'quotaflow-acme-1a2b3c4d',
    dynamodb: { region: 'eu-central-1' },
    secretsManager: {},
    eventBridge: {},
  } satisfies TenantTarget;
  const clients = () => ({
    cloudFormation: new CloudFormationClient({}),
    sqs: new SQSClient({}),
    lambda: new LambdaClient({}),
    eventBridge: new EventBridgeClient({}),
  });
  const message = (id: string, body: unknown) => ({
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: JSON.stringify(body),
    Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse('2026-12-01T02:00:00Z')) },
    MessageAttributes: {
      ErrorCode: { DataType: 'String', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'Task timed out' },
    },
  });
  const letters = () =>
    sqs
      .on(ReceiveMessageCommand)
      .resolves({})
      .on(ReceiveMessageCommand, { QueueUrl: `${Q}-WorkflowRunnerDLQ` })
      .resolvesOnce({
        Messages: [message('m-1', { detail: { ok: true } }), message('m-2', { detail: { ok: false } })],
      })
      .resolves({})
      .on(ReceiveMessageCommand, { QueueUrl: `${Q}-ForwardDlq` })
      .resolvesOnce({
        Messages: [message('m-3', { source: 'aws.ses', 'detail-type': 'Bounce', detail: { b: 1 } })],
      })
      .resolves({});

  it('lists each dead letter once, with its error and payload, and takes none', async () => {
    stackResources();
    letters();
    const list = await awsDlq(target, clients()).list('workflow-runner');
    expect(list).toEqual([
      {
        id: 'm-1',
        queue: 'workflow-runner',
        receives: 1,
        sentAt: '2026-12-01T02:00:00.000Z',
        error: '200: Task timed out',
        payload: { detail: { ok: true } },
      },
      expect.objectContaining({ id: 'm-2' }),
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    await expect(awsDlq(target, clients()).list('nope')).rejects.toThrow(
      /has no DLQ nope \(it has: forward:mail-feedback/,
    );
  });

  it('redrives: invokes the function again or puts the event back on the bus, deletes only what succeeded', async () => {
    stackResources();
    letters();
    lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) =>
      JSON.parse(new TextDecoder().decode(input.Payload)).detail.ok
        ? { StatusCode: 200 }
        : {
            StatusCode: 200,
            FunctionError: 'Unhandled',
            Payload: new TextEncoder().encode('{"errorMessage":"boom"}'),
          },
    );
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    const result = await awsDlq(target, clients()).redrive(undefined, []);
    expect(result.redriven.map((r) => [r.id, r.origin, r.target])).toEqual([
      ['m-3', 'forward:mail-feedback', 'event bus'],
      ['m-1', 'workflow-runner', 'Quotaflow-acme-WorkflowRunnerFn-abc'],
    ]);
    expect(result.failed).toEqual([
      {
        id: 'm-2',
        origin: 'workflow-runner',
        target: 'Quotaflow-acme-WorkflowRunnerFn-abc',
        error: expect.stringContaining('failed again: Unhandled {"errorMessage":"boom"}'),
      },
    ]);
    expect(result.remaining).toBe(1);
    expect(
      sqs
        .commandCalls(DeleteMessageCommand)
        .map((c) => c.args[0].input.ReceiptHandle)
        .sort(),
    ).toEqual(['rh-m-1', 'rh-m-3']);
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      { EventBusName: 'quotaflow-acme-1a2b3c4d', Source: 'aws.ses', DetailType: 'Bounce', Detail: '{"b":1}' },
    ]);
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input).toMatchObject({
      FunctionName: 'Quotaflow-acme-WorkflowRunnerFn-abc',
      InvocationType: 'RequestResponse',
    });
  });
});
