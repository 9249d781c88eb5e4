/**
 * The stack's admin side on `npm start`: its dead-letter queues on the SQS stand-in and its alarms on the CloudWatch
 * stand-in (infra/local/stack.ts describes both), the functions' EMF metrics tapped into CloudWatch, the queues'
 * depth as the AWS/SQS metric, and the one function the bus and the scheduler park a failed delivery with. With a
 * data folder the queues and metrics are kept there, and dead letters of an earlier version's dlq.json moved in.
 */
import { join } from 'node:path';
import type { TenantConfig } from '../../shared/config/tenant';
import { LocalCloudWatch } from './aws/cloudwatch';
import { LocalSqs } from './aws/sqs';
import { type DeadLetters, moveLegacyDeadLetters, sqsDeadLetters } from './dead-letters';
import { tapMetrics } from './metrics-tap';
import { type LocalStack, localStack } from './stack';

export interface AdminStandIns {
  stack: LocalStack;
  sqs: LocalSqs;
  cloudWatch: LocalCloudWatch;
  dlq: DeadLetters;
  close(): void;
}

export const startAdminStandIns = (opts: {
  tenant: TenantConfig;
  now: () => Date;
  dataDir?: string;
  /** Print the functions' EMF lines (npm start without --no-metrics); they reach CloudWatch either way. */
  printMetrics: boolean;
  functionArn: (id: string) => string;
  log: (msg: string, extra: Record<string, unknown>) => void;
}): AdminStandIns => {
  const inData = (file: string) => (opts.dataDir ? { file: join(opts.dataDir, file) } : {});
  const stack = localStack(opts.tenant);
  const sqs = new LocalSqs({ now: opts.now, ...inData('sqs.jsonl') });
  for (const r of stack.resources) if (r.type === 'AWS::SQS::Queue') sqs.createQueue(r.physicalId);
  const cloudWatch = new LocalCloudWatch({ now: opts.now, ...inData('metrics.jsonl') });
  for (const a of stack.alarms) cloudWatch.addAlarm(a);
  // SQS publishes each queue's depth on AWS; here it is read when an alarm is judged.
  cloudWatch.addMetricSource('AWS/SQS', (metric, d) =>
    metric === 'ApproximateNumberOfMessagesVisible' && d.QueueName
      ? sqs.depth(d.QueueName).visible
      : undefined,
  );
  const untap = tapMetrics((line) => cloudWatch.ingestEmf(line), { print: opts.printMetrics });
  const dlq = sqsDeadLetters(sqs, stack, opts.functionArn);
  if (opts.dataDir) {
    const legacy = moveLegacyDeadLetters(join(opts.dataDir, 'dlq.json'), dlq);
    if (legacy.moved)
      opts.log('dead letters moved from dlq.json into their SQS queues', { count: legacy.moved });
    if (legacy.left)
      opts.log('dead letters left in dlq.json: the stack has no queue for their target', {
        count: legacy.left,
      });
  }
  return {
    stack,
    sqs,
    cloudWatch,
    dlq,
    close: () => {
      untap();
      sqs.close();
      cloudWatch.close();
    },
  };
};
