/**
 * The parts of `quotaflow status` that differ between a deployed stack and `npm start`. Everything else (the table's
 * marks and the watchdog's report, pending effects, secrets, one-time schedules through Scheduler's ListSchedules)
 * is read with the same SDK calls from both (status.ts). On AWS: dead-letter queues and their depth from
 * CloudFormation and SQS, alarms from CloudWatch. Locally, where there is no SQS or CloudWatch: the runtime's DLQ
 * and its clock, and the same alarms judged from the watchdog's stored report (shared/watchdog/alarms.ts).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SQSClient } from '@aws-sdk/client-sqs';
import { functionsFor } from '../../functions/manifest';
import type { TenantConfig } from '../../shared/config/tenant';
import type { WatchdogRecord } from '../../shared/store/watch';
import { absenceAlarms, localAlarmStates } from '../../shared/watchdog/alarms';
import type { DeadLetter } from '../local/delivery';
import { alarmsInAlarm, queueDepths, stackQueues } from './aws-operations';
import { localRequest } from './local-runtime';
import type { TenantTarget } from './tenant-target';

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
  alarms(ctx: {
    report: WatchdogRecord | undefined;
    now: Date;
    dlq: { name: string; depth: number }[];
  }): Promise<Alarm[]>;
  /** The next fire of each fixed schedule when the backend knows it exactly (npm start); else computed. */
  nextFires(): Promise<Record<string, string | null> | undefined>;
  destroy(): void;
}

/** The name of the local stand-in for the alarm the stack raises on a DLQ (infra/constructs/observability.ts). */
export const deadLetterAlarmName = (queue: string) => `${queue} dead letters`;

export const localSources = (tenant: TenantConfig, target: TenantTarget): StatusSources => {
  const rt = { tenant: tenant.id, url: target.apiUrl ?? '' };
  return {
    now: async () => new Date((await localRequest<{ now: string }>(rt, '/_local/status')).now),
    deadLetters: async () => {
      const letters = await localRequest<DeadLetter[]>(rt, '/_local/dlq');
      // One DLQ per function invoked asynchronously, as on AWS.
      const names = functionsFor(tenant)
        .filter((f) => f.triggers.some((t) => t.kind !== 'http' && t.kind !== 'alarmTopic'))
        .map((f) => f.id);
      for (const d of letters) if (!names.includes(d.target)) names.push(d.target);
      return names.sort().map((name) => ({ name, depth: letters.filter((d) => d.target === name).length }));
    },
    alarms: async ({ report, now, dlq }) => [
      ...dlq
        .filter((q) => q.depth > 0)
        .map((q) => ({ name: deadLetterAlarmName(q.name), state: 'ALARM' as const })),
      ...localAlarmStates(absenceAlarms(tenant), report, now)
        .filter((a) => a.state === 'ALARM')
        .map((a) => ({ name: a.name, state: 'ALARM' as const })),
    ],
    nextFires: async () => {
      const s = await localRequest<{ fixed: { name: string; next: string | null }[] }>(
        rt,
        '/_local/schedules',
      );
      return Object.fromEntries(s.fixed.map((f) => [f.name, f.next]));
    },
    destroy: () => undefined,
  };
};

export interface AwsClients {
  cloudFormation: CloudFormationClient;
  sqs: SQSClient;
  cloudWatch: CloudWatchClient;
}

export const awsClients = (region: string | undefined): AwsClients => ({
  cloudFormation: new CloudFormationClient({ region }),
  sqs: new SQSClient({ region }),
  cloudWatch: new CloudWatchClient({ region }),
});

export const awsSources = (
  target: TenantTarget,
  clients: AwsClients,
  clock: () => Date = () => new Date(),
): StatusSources => {
  const stack = target.stackName ?? '';
  return {
    now: async () => clock(),
    deadLetters: async () => queueDepths(clients.sqs, await stackQueues(clients.cloudFormation, stack)),
    alarms: () => alarmsInAlarm(clients.cloudWatch, stack),
    nextFires: async () => undefined,
    destroy: () => {
      clients.cloudFormation.destroy();
      clients.sqs.destroy();
      clients.cloudWatch.destroy();
    },
  };
};
