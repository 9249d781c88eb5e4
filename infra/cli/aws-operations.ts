/**
 * What `status` and `dlq` ask a tenant's stack, one SDK call each, against AWS or `npm start`'s stand-ins alike
 * (clients built by the caller, so tests hand in clients whose sends a mock library answers): the stack's
 * dead-letter queues and what each one's messages failed on (CloudFormation ListStackResources), their depth (SQS),
 * alarms in ALARM (CloudWatch DescribeAlarms), pending one-time schedules (Scheduler ListSchedules), reading dead
 * letters without taking them (SQS ReceiveMessage, then ChangeMessageVisibilityBatch to show them again), and a
 * redrive that puts one back where it failed and deletes it once that worked (Lambda Invoke, or EventBridge
 * PutEvents for the default-bus forward).
 */
import { type CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ListSchedulesCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** Where a DLQ's messages failed, so a redrive can put them back there. */
export type DeadLetterSource =
  /** The function's own DLQ (async invocations, its schedules) or a rule's delivery DLQ: invoke the function. */
  | { kind: 'function'; functionName: string }
  /** The rule forwarding SES events from the default bus: put the event on the tenant's bus. */
  | { kind: 'bus' };

export interface StackQueue {
  /** The function's id (its DLQ), `rule:<function id>[-n]` (a rule's delivery DLQ) or `forward:<name>`. */
  name: string;
  url: string;
  source?: DeadLetterSource;
}

/** CDK's logical ids end in an 8-hex-digit hash of the construct path. */
const withoutHash = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');
const kebab = (pascal: string) =>
  pascal
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Za-z])(\d+)$/, '$1-$2')
    .toLowerCase();

/**
 * The stack's SQS queues (all of them are DLQs: infra/constructs/dead-letter-queue.ts), named as the local runtime
 * names them, each with its source: `<Fn>DeadLetterQueue` belongs to `<Fn>Function`, `Events<Fn>[n]Dlq` to the rule
 * delivering to `<Fn>Function`, `Events<Name>ForwardDlq` to the default-bus forward.
 */
export const stackQueues = async (cfn: CloudFormationClient, stackName: string): Promise<StackQueue[]> => {
  const resources: { type: string; logical: string; physical: string }[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
    for (const r of page.StackResourceSummaries ?? [])
      if (r.ResourceType && r.LogicalResourceId && r.PhysicalResourceId)
        resources.push({
          type: r.ResourceType,
          logical: r.LogicalResourceId,
          physical: r.PhysicalResourceId,
        });
    token = page.NextToken;
  } while (token);
  const functionNamed = (prefix: string) =>
    resources.find(
      (r) => r.type === 'AWS::Lambda::Function' && withoutHash(r.logical) === `${prefix}Function`,
    )?.physical;
  return resources
    .filter((r) => r.type === 'AWS::SQS::Queue')
    .map((q): StackQueue => {
      const id = withoutHash(q.logical);
      const own = /^(.+)DeadLetterQueue$/.exec(id);
      const forward = /^Events(.+)ForwardDlq$/.exec(id);
      const rule = /^Events(.+?)(\d*)Dlq$/.exec(id);
      const fn = (p: string): DeadLetterSource | undefined => {
        const functionName = functionNamed(p);
        return functionName ? { kind: 'function', functionName } : undefined;
      };
      const source = own?.[1]
        ? fn(own[1])
        : forward
          ? ({ kind: 'bus' } as const)
          : rule?.[1]
            ? fn(rule[1])
            : undefined;
      const name = own?.[1]
        ? kebab(own[1])
        : forward?.[1]
          ? `forward:${kebab(forward[1])}`
          : rule?.[1]
            ? `rule:${kebab(rule[1])}${rule[2] ? `-${rule[2]}` : ''}`
            : id;
      return { name, url: q.physical, ...(source ? { source } : {}) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
};

/** Messages waiting in each queue: visible ones and those a reader (a `dlq list` a moment ago) holds hidden. */
export const queueDepths = (sqs: SQSClient, queues: readonly StackQueue[]) =>
  Promise.all(
    queues.map(async (q) => {
      const r = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: q.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const a = r.Attributes ?? {};
      return {
        name: q.name,
        depth:
          Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    }),
  );

/** The stack's alarms in ALARM (CloudFormation names them `<stack>-<logical id>-<suffix>`). */
export const alarmsInAlarm = async (
  cw: CloudWatchClient,
  stackName: string,
): Promise<{ name: string; state: 'ALARM'; reason?: string }[]> => {
  const out: { name: string; state: 'ALARM'; reason?: string }[] = [];
  let token: string | undefined;
  do {
    const page = await cw.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `${stackName}-`, StateValue: 'ALARM', NextToken: token }),
    );
    for (const a of page.MetricAlarms ?? [])
      if (a.AlarmName)
        out.push({ name: a.AlarmName, state: 'ALARM', ...(a.StateReason ? { reason: a.StateReason } : {}) });
    token = page.NextToken;
  } while (token);
  return out;
};

/** One-time schedules still to fire in the tenant's group (fixed ones are named in the manifest). */
export const pendingOneTimeSchedules = async (
  scheduler: SchedulerClient,
  groupName: string,
  fixed: number,
): Promise<number> => {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await scheduler.send(new ListSchedulesCommand({ GroupName: groupName, NextToken: token }));
    count += (page.Schedules ?? []).filter((s) => s.State === 'ENABLED').length;
    token = page.NextToken;
  } while (token);
  // On AWS the group holds the fixed schedules too (infra/constructs/schedules.ts); npm start lists only one-time.
  return Math.max(0, count - fixed);
};

export interface AwsDeadLetter {
  id: string;
  queue: string;
  /** For the delete after a redrive; changes with every receive. */
  receiptHandle: string;
  receives: number;
  sentAt: string | null;
  error: string;
  payload: unknown;
}

const parsed = (body: string | undefined): unknown => {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return body ?? '';
  }
};

/**
 * The dead letters of one queue, read without taking them: each received message stays invisible for
 * `visibilitySeconds` (so one pass sees each once) and then returns to the queue untouched; with `release`, made
 * visible again at once after the pass (a listing must not hide them from the alarm and from `status`).
 */
export const peekDeadLetters = async (
  sqs: SQSClient,
  queue: StackQueue,
  opts: { max?: number; visibilitySeconds?: number; release?: boolean } = {},
): Promise<AwsDeadLetter[]> => {
  const max = opts.max ?? 100;
  const seen = new Map<string, AwsDeadLetter>();
  for (;;) {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, max - seen.size),
        VisibilityTimeout: opts.visibilitySeconds ?? 30,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = r.Messages ?? [];
    let fresh = 0;
    for (const m of messages) {
      if (!m.MessageId || !m.ReceiptHandle || seen.has(m.MessageId)) continue;
      fresh++;
      const attr = (k: string) => m.MessageAttributes?.[k]?.StringValue;
      const sent = m.Attributes?.SentTimestamp;
      seen.set(m.MessageId, {
        id: m.MessageId,
        queue: queue.name,
        receiptHandle: m.ReceiptHandle,
        receives: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
        sentAt: sent ? new Date(Number(sent)).toISOString() : null,
        // Lambda: ErrorCode/ErrorMessage; EventBridge and Scheduler: ERROR_CODE/ERROR_MESSAGE.
        error: [attr('ErrorCode') ?? attr('ERROR_CODE'), attr('ErrorMessage') ?? attr('ERROR_MESSAGE')]
          .filter(Boolean)
          .join(': '),
        payload: parsed(m.Body),
      });
    }
    if (messages.length === 0 || fresh === 0 || seen.size >= max) break;
  }
  const letters = [...seen.values()];
  if (opts.release) await releaseDeadLetters(sqs, queue, letters);
  return letters;
};

/** Makes dead letters a peek hid visible again at once (a redrive's failures, a listing). */
export const releaseDeadLetters = async (
  sqs: SQSClient,
  queue: StackQueue,
  letters: readonly AwsDeadLetter[],
): Promise<void> => {
  for (let i = 0; i < letters.length; i += 10)
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: letters
          .slice(i, i + 10)
          .map((l, n) => ({ Id: String(i + n), ReceiptHandle: l.receiptHandle, VisibilityTimeout: 0 })),
      }),
    );
};

export interface RedrivePorts {
  lambda: LambdaClient;
  eventBridge: EventBridgeClient;
  sqs: SQSClient;
  eventBusName: string;
}

/**
 * Puts one dead letter back where it failed and deletes it from the DLQ only once that worked; what fails again
 * stays (the caller makes it visible again: releaseDeadLetters). Invocations are synchronous so the outcome is known.
 */
export const redriveOne = async (
  ports: RedrivePorts,
  queue: StackQueue,
  letter: AwsDeadLetter,
): Promise<{ ok: true } | { ok: false; error: string }> => {
  const source = queue.source;
  if (!source) return { ok: false, error: `no source known for queue ${queue.name}` };
  if (source.kind === 'function') {
    const r = await ports.lambda.send(
      new InvokeCommand({
        FunctionName: source.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(letter.payload)),
      }),
    );
    if (r.FunctionError) {
      const detail = r.Payload ? new TextDecoder().decode(r.Payload).slice(0, 300) : '';
      return { ok: false, error: `${source.functionName} failed again: ${r.FunctionError} ${detail}`.trim() };
    }
  } else {
    const e = letter.payload as { source?: string; 'detail-type'?: string; detail?: unknown };
    const r = await ports.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: ports.eventBusName,
            Source: e.source,
            DetailType: e['detail-type'],
            Detail: JSON.stringify(e.detail ?? {}),
          },
        ],
      }),
    );
    if (r.FailedEntryCount) return { ok: false, error: r.Entries?.[0]?.ErrorMessage ?? 'PutEvents failed' };
  }
  await ports.sqs.send(
    new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: letter.receiptHandle }),
  );
  return { ok: true };
};
