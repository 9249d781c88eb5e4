/**
 * `quotaflow dlq` on the tenant's SQS dead-letter queues (aws-operations.ts), found through the stack's resources,
 * read without taking the messages, and a redrive that invokes each message's function again (or puts a forwarded
 * event back on the tenant's bus) and deletes from the DLQ only what succeeded. The same calls against a deployed
 * stack and against `npm start` (whose stand-ins answer them); only the clients' endpoints differ. At most 100
 * messages per queue per run.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  type AwsDeadLetter,
  peekDeadLetters,
  redriveOne,
  releaseDeadLetters,
  type StackQueue,
  stackQueues,
} from './aws-operations';
import { UsageError } from './common';
import type { TenantTarget } from './tenant-target';
import { cliRoot } from './wiring/root';

export interface DlqClients {
  cloudFormation: CloudFormationClient;
  sqs: SQSClient;
  lambda: LambdaClient;
  eventBridge: EventBridgeClient;
}

/** The clients that reach the target's stack (AWS in its region, or npm start's stand-ins), from the CLI's root. */
export const dlqClients = (target: TenantTarget): DlqClients & { destroy(): void } => {
  if (!target.admin) throw new UsageError(`${target.label} does not serve the dead-letter queues`);
  const root = cliRoot(target);
  return {
    cloudFormation: root.admin.cloudFormation(),
    sqs: root.admin.sqs(),
    lambda: root.admin.lambda(),
    eventBridge: root.eventBridge(),
    destroy: root.destroy,
  };
};

export type ListedDeadLetter = Omit<AwsDeadLetter, 'receiptHandle'>;

export interface AwsRedriveResult {
  redriven: { id: string; origin: string; target: string }[];
  failed: { id: string; origin: string; target: string; error: string }[];
  remaining: number;
}

const sourceName = (q: StackQueue) =>
  q.source?.kind === 'function'
    ? q.source.functionName
    : q.source?.kind === 'bus'
      ? 'event bus'
      : '(unknown)';

export const awsDlq = (target: TenantTarget | undefined, clients?: DlqClients) => {
  if (!target?.stackName)
    throw new UsageError('no deployed stack or running npm start found for this tenant');
  const stack = target.stackName;
  const own = clients ? undefined : dlqClients(target);
  const c = clients ?? (own as DlqClients);
  const queuesOf = async (name: string | undefined) => {
    const all = await stackQueues(c.cloudFormation, stack);
    const chosen = name ? all.filter((q) => q.name === name) : all;
    if (name && chosen.length === 0)
      throw new UsageError(
        `stack ${stack} has no DLQ ${name} (it has: ${all.map((q) => q.name).join(', ')})`,
      );
    return chosen;
  };
  return {
    list: async (queue?: string): Promise<ListedDeadLetter[]> => {
      const out: ListedDeadLetter[] = [];
      for (const q of await queuesOf(queue))
        for (const { receiptHandle: _, ...d } of await peekDeadLetters(c.sqs, q, { release: true }))
          out.push(d);
      return out;
    },
    redrive: async (queue: string | undefined, ids: readonly string[]): Promise<AwsRedriveResult> => {
      const result: AwsRedriveResult = { redriven: [], failed: [], remaining: 0 };
      for (const q of await queuesOf(queue)) {
        const kept: AwsDeadLetter[] = [];
        for (const letter of await peekDeadLetters(c.sqs, q)) {
          if (ids.length && !ids.includes(letter.id)) {
            kept.push(letter);
            result.remaining++;
            continue;
          }
          const entry = { id: letter.id, origin: q.name, target: sourceName(q) };
          const outcome = await redriveOne(
            { lambda: c.lambda, eventBridge: c.eventBridge, sqs: c.sqs, eventBusName: target.eventBusName },
            q,
            letter,
          ).catch((err: unknown) => ({ ok: false as const, error: (err as Error).message }));
          if (outcome.ok) result.redriven.push(entry);
          else {
            kept.push(letter);
            result.failed.push({ ...entry, error: outcome.error });
            result.remaining++;
          }
        }
        // What stays is visible again at once, for the next list or redrive and for the DLQ's alarm.
        await releaseDeadLetters(c.sqs, q, kept);
      }
      return result;
    },
    destroy: () => own?.destroy(),
  };
};

/** Runs one use of the stack's DLQs and releases the clients. */
export const withAwsDlq = async <T>(
  target: TenantTarget | undefined,
  use: (dlq: ReturnType<typeof awsDlq>) => Promise<T>,
): Promise<T> => {
  const dlq = awsDlq(target);
  try {
    return await use(dlq);
  } finally {
    dlq.destroy();
  }
};
