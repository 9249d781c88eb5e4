/**
 * What the deployed stack of a tenant holds that the admin commands look for, described for `npm start`: the
 * dead-letter queues (one per function invoked asynchronously, one per event rule, as infra/constructs/function.ts
 * and events.ts create them), the functions, and the alarms on the DLQs and the watchdog's metrics
 * (infra/constructs/observability.ts, from the same declarations in shared/watchdog/alarms.ts). Logical ids are the
 * stack's without CDK's hash, physical names `<stack>-<logical id>`, so the CLI's CloudFormation, SQS and
 * CloudWatch calls find them here as they do on AWS.
 */
import { type FunctionSpec, functionsFor } from '../../functions/manifest';
import type { TenantConfig } from '../../shared/config/tenant';
import { absenceAlarms } from '../../shared/watchdog/alarms';
import { pascal } from '../pascal-case';
import { stackName } from '../tenants';
import type { LocalAlarm } from './aws/cloudwatch';

export interface LocalStackResource {
  type: 'AWS::SQS::Queue' | 'AWS::Lambda::Function';
  logicalId: string;
  /** Queue name or function name. */
  physicalId: string;
}

export interface LocalStack {
  name: string;
  resources: LocalStackResource[];
  alarms: LocalAlarm[];
  /** The queue a failed delivery to `target` is parked in: its rule's DLQ (`rule:`), else the function's own. */
  deadLetterQueue(origin: string, target: string): string;
  /** The local function id of a function name or ARN the stack gave out; undefined if there is none. */
  functionId(nameOrArn: string): string | undefined;
}

export const localFunctionName = (tenantId: string, functionId: string): string =>
  `quotaflow-${tenantId}-${functionId}`;

const invokedAsync = (f: FunctionSpec) => f.triggers.some((t) => t.kind !== 'http');

export const localStack = (tenant: TenantConfig): LocalStack => {
  const name = stackName(tenant.id);
  const manifest = functionsFor(tenant);
  const physical = (logicalId: string) => `${name}-${logicalId}`;
  const ownQueue = (fnId: string) => `${pascal(fnId)}DeadLetterQueue`;
  const ruleQueue = (fnId: string) => `Events${pascal(fnId)}Dlq`;
  const resources: LocalStackResource[] = [];
  const alarms: LocalAlarm[] = [];
  const queueAlarm = (alarmId: string, logicalId: string, what: string) =>
    alarms.push({
      name: `${name}-${alarmId}`,
      description: `${what}: events were given up on and wait in this DLQ for a redrive`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: physical(logicalId) },
      statistic: 'Maximum',
      periodSeconds: 300,
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
  for (const f of manifest) {
    resources.push({
      type: 'AWS::Lambda::Function',
      logicalId: `${pascal(f.id)}Function`,
      physicalId: localFunctionName(tenant.id, f.id),
    });
    if (invokedAsync(f)) {
      resources.push({
        type: 'AWS::SQS::Queue',
        logicalId: ownQueue(f.id),
        physicalId: physical(ownQueue(f.id)),
      });
      queueAlarm(`${pascal(f.id)}DeadLetters`, ownQueue(f.id), `${tenant.id}/${f.id}`);
    }
    if (f.triggers.some((t) => t.kind === 'event')) {
      resources.push({
        type: 'AWS::SQS::Queue',
        logicalId: ruleQueue(f.id),
        physicalId: physical(ruleQueue(f.id)),
      });
      queueAlarm(`${ruleQueue(f.id)}Messages`, ruleQueue(f.id), `${tenant.id}/Events/${pascal(f.id)}Dlq`);
    }
  }
  for (const a of absenceAlarms(tenant)) {
    const heartbeat = a.metric === 'WatchdogChecked';
    alarms.push({
      name: `${name}-${a.id}`,
      description: a.description,
      namespace: 'Quotaflow',
      metricName: a.metric,
      dimensions: {
        service: 'quotaflow',
        tenant: tenant.id,
        ...(a.provider ? { provider: a.provider } : {}),
      },
      statistic: heartbeat ? 'Sum' : 'Maximum',
      periodSeconds: a.periodMinutes * 60,
      threshold: a.threshold,
      comparison: heartbeat ? 'LessThanThreshold' : 'GreaterThanOrEqualToThreshold',
      treatMissingData: heartbeat ? 'breaching' : 'notBreaching',
    });
  }
  const functionPrefix = localFunctionName(tenant.id, '');
  return {
    name,
    resources,
    alarms,
    deadLetterQueue: (origin, target) => {
      const fn = manifest.find((f) => f.id === target);
      const byRule = origin.startsWith('rule:') && fn?.triggers.some((t) => t.kind === 'event');
      return physical(byRule ? ruleQueue(target) : ownQueue(target));
    },
    functionId: (nameOrArn) => {
      const fnName = nameOrArn.split(':function:').pop()?.split(':')[0] ?? '';
      const id = fnName.startsWith(functionPrefix) ? fnName.slice(functionPrefix.length) : undefined;
      return id && manifest.some((f) => f.id === id) ? id : undefined;
    },
  };
};
