import {
  ActionAfterCompletion,
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  FlexibleTimeWindowMode,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { OneTimeSchedule, SchedulerPort } from '../../ports';
import { formatAtExpression } from '../../schedules/expression';

export interface SchedulerTarget {
  groupName: string;
  targetArn: string;
  roleArn: string;
  deadLetterArn?: string;
}

/** One-time at() schedules, deleted by the service after they fire; a name collision means "already scheduled". */
export class EventBridgeScheduler implements SchedulerPort {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: SchedulerTarget,
  ) {}

  async scheduleOnce(s: OneTimeSchedule): Promise<{ created: boolean }> {
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: s.name,
          GroupName: this.target.groupName,
          // One-time schedules name an exact instant, so they are written in UTC: a wall-clock at() in the
          // tenant's zone is ambiguous inside a DST fall-back hour. Fixed schedules carry the tenant's zone.
          ScheduleExpression: formatAtExpression(new Date(s.at), 'UTC'),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: FlexibleTimeWindowMode.OFF },
          ActionAfterCompletion: ActionAfterCompletion.DELETE,
          Target: {
            Arn: this.target.targetArn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(s.payload),
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 24 * 3600 },
            ...(this.target.deadLetterArn ? { DeadLetterConfig: { Arn: this.target.deadLetterArn } } : {}),
          },
        }),
      );
      return { created: true };
    } catch (err) {
      if (err instanceof ConflictException) return { created: false };
      throw err;
    }
  }

  async cancel(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
  }
}
