/**
 * The alarms behind "every queue and async target has a DLQ, an alarm and a redrive path": one per DLQ (anything
 * in it is a lost event until redriven), one per function (invocation errors: uncaught exceptions, timeouts), and one
 * on webhook receipts the recovery sweep had to republish, the absence alarms on what the watchdog finds missing
 * (shared/watchdog/alarms.ts), and two on the mail's SES reputation (bounce and complaint rates). They notify one SNS topic per tenant (a stack output),
 * which CloudWatch may publish to (from this account only) and the tenant's alarm e-mail addresses are subscribed
 * to. A dashboard per tenant shows the same metrics (dashboard.ts).
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { configurationSetName } from '../../events/ses-feedback';
import type { TenantConfig } from '../../shared/config/tenant';
import { BOUNCE_RATE_ALARM_PERCENT, COMPLAINT_RATE_ALARM_PERCENT } from '../../shared/watchdog/absence';
import { absenceAlarms } from '../../shared/watchdog/alarms';
import { TenantDashboard } from './dashboard';
import type { QuotaflowFunction } from './function';
import { acknowledge } from './nag';
import { pascal } from './names';

export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    tenant: TenantConfig,
    functions: readonly QuotaflowFunction[],
    /** DLQs not owned by a function (e.g. the event rules' delivery DLQs). */
    otherQueues: readonly sqs.IQueue[],
  ) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Quotaflow ${tenant.id} alarms`,
      enforceSSL: true,
    });
    acknowledge(
      this.topic,
      'AwsSolutions-SNS2',
      'Carries only CloudWatch alarm state changes (names and metric values, no tenant data); CloudWatch cannot ' +
        'publish to a topic under the AWS-managed SNS key, and a customer key per tenant is not warranted for that.',
    );
    // A topic policy replaces SNS's default one, which is what let the account's own services publish; with only
    // enforceSSL's Deny in it, CloudWatch could not deliver a single alarm.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    // Each address gets a confirmation mail from SNS first; nothing arrives until it is confirmed.
    for (const email of tenant.alarms.emails ?? [])
      acknowledge(
        this.topic.addSubscription(new subscriptions.EmailSubscription(email)),
        'Serverless-SNSRedrivePolicy',
        'An alarm e-mail that cannot be delivered has nowhere better to go: the alarm state stays in CloudWatch, ' +
          'on the dashboard and in `quotaflow status`, and a DLQ of alarm notices would need an alarm of its own.',
      );
    // The chat forwarder (tenant config alarms.chat; functions/events/alarm-chat.ts), rather than an HTTPS
    // subscription: chat webhooks neither confirm SNS subscriptions nor read SNS's envelope.
    for (const f of functions)
      if (f.spec.triggers.some((t) => t.kind === 'alarmTopic'))
        acknowledge(
          this.topic.addSubscription(new subscriptions.LambdaSubscription(f.fn)),
          'Serverless-SNSRedrivePolicy',
          "SNS invokes the forwarder asynchronously and Lambda keeps what fails in the function's own DLQ " +
            '(alarmed like every DLQ); an SNS redrive queue would hold only what Lambda refused to accept.',
        );
    const action = new actions.SnsAction(this.topic);

    for (const f of functions) {
      const name = pascal(f.spec.id);
      this.add(
        `${name}Errors`,
        f.fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        `${tenant.id}/${f.spec.id}: the function failed at least once in 5 minutes`,
        action,
      );
      if (f.deadLetterQueue)
        this.addDeadLetterAlarm(`${name}DeadLetters`, f.deadLetterQueue, `${tenant.id}/${f.spec.id}`, action);
    }
    const queues: { label: string; queue: sqs.IQueue }[] = functions.flatMap((f) =>
      f.deadLetterQueue ? [{ label: f.spec.id, queue: f.deadLetterQueue }] : [],
    );
    for (const queue of otherQueues) {
      const path = queue.node.path.split('/').slice(1).join('/');
      this.addDeadLetterAlarm(`${pascal(path)}Messages`, queue, `${tenant.id}/${path}`, action);
      queues.push({ label: path, queue });
    }
    this.dashboard = new TenantDashboard(this, 'Dashboard', tenant, functions, queues).dashboard;
    // Emitted by the recovery sweep (functions/schedules/effect-recovery.ts) with Powertools' dimensions: the
    // service (POWERTOOLS_SERVICE_NAME, function.ts) and the tenant (bindTenant).
    this.add(
      'ReceiptsRedriven',
      new cloudwatch.Metric({
        namespace: 'Quotaflow',
        metricName: 'ReceiptsRedriven',
        dimensionsMap: { service: 'quotaflow', tenant: tenant.id },
        period: Duration.minutes(15),
        statistic: cloudwatch.Stats.SUM,
      }),
      `${tenant.id}: webhook receipts stayed unapplied for minutes and were republished by the sweep ` +
        '(a receiver died between storing and publishing, or sync is failing: see its DLQ)',
      action,
    );
    // The absence alarms (shared/watchdog/alarms.ts) on what the watchdog emits (functions/schedules/watchdog.ts;
    // CalendarCoverageShort also comes from the workflow runner), with the same dimensions. Missing data is not an
    // absence (a period without a check), except for the watchdog's own heartbeat: no check for an hour is breaching.
    for (const a of absenceAlarms(tenant)) {
      const heartbeat = a.metric === 'WatchdogChecked';
      this.add(
        a.id,
        new cloudwatch.Metric({
          namespace: 'Quotaflow',
          metricName: a.metric,
          dimensionsMap: {
            service: 'quotaflow',
            tenant: tenant.id,
            ...(a.provider ? { provider: a.provider } : {}),
          },
          period: Duration.minutes(a.periodMinutes),
          statistic: heartbeat ? cloudwatch.Stats.SUM : cloudwatch.Stats.MAXIMUM,
        }),
        a.description,
        action,
        heartbeat
          ? {
              threshold: a.threshold,
              comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              treatMissingData: cloudwatch.TreatMissingData.BREACHING,
            }
          : undefined,
      );
    }
    // SES publishes the configuration set's reputation (mail.ts: reputationMetrics) as rates from 0 to 1. SES reviews
    // an account above 5 % bounces or 0.1 % complaints; these warn before that (shared/watchdog/absence.ts).
    for (const [id, metricName, percent, what] of [
      ['MailBounceRate', 'Reputation.BounceRate', BOUNCE_RATE_ALARM_PERCENT, 'bounce'],
      ['MailComplaintRate', 'Reputation.ComplaintRate', COMPLAINT_RATE_ALARM_PERCENT, 'complaint'],
    ] as const)
      this.add(
        id,
        new cloudwatch.Metric({
          namespace: 'AWS/SES',
          metricName,
          dimensionsMap: { 'ses:configuration-set': configurationSetName(tenant.id) },
          period: Duration.hours(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        `${tenant.id}: the mail ${what} rate is over ${percent} %; SES reviews the account at higher rates. Check the ` +
          'suppression list and the workflows mailing stale contacts',
        action,
        {
          threshold: percent / 100,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        },
      );
  }

  private addDeadLetterAlarm(id: string, queue: sqs.IQueue, what: string, action: actions.SnsAction): void {
    this.add(
      id,
      queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      `${what}: events were given up on and wait in this DLQ for a redrive`,
      action,
    );
  }

  private add(
    id: string,
    metric: cloudwatch.IMetric,
    description: string,
    action: actions.SnsAction,
    when: {
      threshold: number;
      comparisonOperator: cloudwatch.ComparisonOperator;
      treatMissingData?: cloudwatch.TreatMissingData;
    } = {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: description,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...when,
      evaluationPeriods: 1,
    });
    alarm.addAlarmAction(action);
    this.alarms.push(alarm);
  }
}
