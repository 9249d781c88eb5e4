/**
 * The parts of `quotaflow status` read from the stack's queues and alarms, with the same SDK calls against a
 * deployed stack and against `npm start` (whose CloudFormation, SQS and CloudWatch stand-ins answer them): each
 * DLQ and its depth (CloudFormation ListStackResources, SQS GetQueueAttributes), the alarms in ALARM (CloudWatch
 * DescribeAlarms). Only the instant status is judged at and the schedules' next fires differ: npm start's clock
 * may have been moved, and its scheduler knows each next fire exactly.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { alarmsInAlarm, queueDepths, stackQueues } from './aws-operations';
import { UsageError } from './common';
import { localRequest } from './local-runtime';
import type { TenantTarget } from './tenant-target';
import type { CliRoot } from './wiring/root';

export interface Alarm {
  name: string;
  state: 'ALARM';
  reason?: string;
}

export interface StatusSources {
  /** The instant status is judged at: the runtime's clock locally, the system clock on AWS. */
  now(): Promise<Date>;
  /** Every DLQ of the tenant and how many dead letters wait in it. */
  deadLetters(): Promise<{ name: string; depth: number }[]>;
  /** The alarms in ALARM. */
  alarms(): Promise<Alarm[]>;
  /** The next fire of each fixed schedule when the backend knows it exactly (npm start); else computed. */
  nextFires(): Promise<Record<string, string | null> | undefined>;
  destroy(): void;
}

export interface AwsClients {
  cloudFormation: CloudFormationClient;
  sqs: SQSClient;
  cloudWatch: CloudWatchClient;
}

/** The clients that reach the target's stack (AWS in its region, or npm start's stand-ins), from the CLI's root. */
export const awsClients = (target: TenantTarget, root: CliRoot): AwsClients => {
  if (!target.admin) throw new UsageError(`${target.label} does not serve the stack's queues and alarms`);
  return {
    cloudFormation: root.admin.cloudFormation(),
    sqs: root.admin.sqs(),
    cloudWatch: root.admin.cloudWatch(),
  };
};

export const stackSources = (
  target: TenantTarget,
  clients: AwsClients,
  clock: () => Date = () => new Date(),
): StatusSources => {
  const stack = target.stackName ?? '';
  const runtime =
    target.where === 'local' && target.apiUrl ? { tenant: target.tenant, url: target.apiUrl } : undefined;
  return {
    now: async () =>
      runtime ? new Date((await localRequest<{ now: string }>(runtime, '/_local/status')).now) : clock(),
    deadLetters: async () => queueDepths(clients.sqs, await stackQueues(clients.cloudFormation, stack)),
    alarms: () => alarmsInAlarm(clients.cloudWatch, stack),
    nextFires: async () => {
      if (!runtime) return undefined;
      const s = await localRequest<{ fixed: { name: string; next: string | null }[] }>(
        runtime,
        '/_local/schedules',
      );
      return Object.fromEntries(s.fixed.map((f) => [f.name, f.next]));
    },
    destroy: () => {
      clients.cloudFormation.destroy();
      clients.sqs.destroy();
      clients.cloudWatch.destroy();
    },
  };
};
