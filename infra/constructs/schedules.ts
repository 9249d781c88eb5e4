/**
 * EventBridge Scheduler for one tenant: its own schedule group, the manifest's fixed schedules in the tenant's time
 * zone (tenant config may override the expression or disable one by name), and the role Scheduler assumes for the
 * one-time at() schedules that functions create at runtime. Every give-up lands in the target function's DLQ.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { oneTimeTarget } from '../../functions/manifest';
import type { TenantConfig } from '../../shared/config/tenant';
import { parseScheduleExpression } from '../../shared/schedules/expression';
import { type OneTimeScheduling, oneTimeTargetName, type QuotaflowFunction } from './function';
import { acknowledgeWildcardResource } from './nag';
import { pascal, stackSuffix } from './names';

/** Same policy as the one-time schedules the scheduler adapter creates (shared/adapters/aws/scheduler.ts). */
const DELIVERY = { retryAttempts: 10, maxEventAge: Duration.hours(24) };

export class Schedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly schedules: scheduler.Schedule[] = [];
  /** What functions with `scheduler` access are given (env vars + grants). */
  readonly oneTime: OneTimeScheduling;
  private fixedRole?: iam.Role;

  constructor(scope: Construct, id: string, tenant: TenantConfig, functions: readonly QuotaflowFunction[]) {
    super(scope, id);
    // Pending one-time schedules live in the group: kept when the stack goes, gone with a failed first deploy, and
    // named with the stack's suffix so a stack created again does not collide with a retained group.
    this.group = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: `quotaflow-${tenant.id}-${stackSuffix(this)}`,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    for (const f of functions) {
      for (const t of f.spec.triggers) {
        if (t.kind !== 'schedule') continue;
        const settings = tenant.schedules[t.name];
        if (settings?.enabled === false) continue;
        const expression = settings?.expression ?? t.defaultExpression;
        if (parseScheduleExpression(expression).kind === 'at')
          throw new Error(`tenant ${tenant.id}: schedule ${t.name} needs cron() or rate(), not at()`);
        const schedule = new scheduler.Schedule(this, pascal(t.name), {
          scheduleGroup: this.group,
          description: t.description,
          schedule: scheduler.ScheduleExpression.expression(expression, TimeZone.of(tenant.timeZone)),
          target: new LambdaInvoke(f.fn, {
            ...DELIVERY,
            role: this.roleForFixed(),
            deadLetterQueue: f.deadLetterQueue,
            // The schedule's name, so the function records its completed run under it (functions/middleware/
            // schedule-run.ts); the local scheduler fires fixed schedules with the same input.
            input: scheduler.ScheduleTargetInput.fromObject({ schedule: t.name }),
          }),
        });
        this.schedules.push(schedule);
        acknowledgeWildcardResource(
          this.roleForFixed(),
          `${f.fn.functionArn}:*`,
          'LambdaInvoke grants the qualified ARNs (versions/aliases) of this one target function only.',
        );
      }
    }

    const targetSpec = oneTimeTarget();
    const target = functions.find((f) => f.spec.id === targetSpec.id);
    if (!target?.deadLetterQueue)
      throw new Error(`one-time target ${targetSpec.id} has no function construct`);
    // Written out rather than via grantInvoke: runtime schedules only ever name the unqualified function.
    const oneTimeRole = this.schedulerRole('OneTimeRole', 'Invokes the one-time schedule target');
    oneTimeRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.fn.functionArn] }),
    );
    target.deadLetterQueue.grantSendMessages(oneTimeRole);

    this.oneTime = {
      groupName: this.group.scheduleGroupName,
      scheduleArns: Stack.of(this).formatArn({
        service: 'scheduler',
        resource: 'schedule',
        resourceName: `${this.group.scheduleGroupName}/*`,
      }),
      // Built from the fixed name, not the function's ARN attribute, so the target may hold it too.
      targetArn: Stack.of(this).formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: oneTimeTargetName(tenant.id, targetSpec.id),
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      roleArn: oneTimeRole.roleArn,
      deadLetterQueueArn: target.deadLetterQueue.queueArn,
    };
  }

  private roleForFixed(): iam.Role {
    this.fixedRole ??= this.schedulerRole('FixedRole', "Invokes the targets of the tenant's fixed schedules");
    return this.fixedRole;
  }

  /** Scheduler may assume it only for schedules of this tenant's group (confused-deputy guard). */
  private schedulerRole(id: string, description: string): iam.Role {
    return new iam.Role(this, id, {
      description,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': this.group.scheduleGroupArn,
          },
        },
      }),
    });
  }
}
