/**
 * One CloudWatch dashboard per tenant, from metrics that exist already: what the functions emit through Powertools
 * (namespace Quotaflow, dimensions service + tenant), each function's Lambda errors, and each DLQ's depth. It answers
 * "is anything arriving, is anything going out, is anything stuck" on one screen.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TenantConfig } from '../../shared/config/tenant';
import type { QuotaflowFunction } from './function';

const PERIOD = Duration.minutes(5);

export class TenantDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    tenant: TenantConfig,
    functions: readonly QuotaflowFunction[],
    queues: readonly { label: string; queue: sqs.IQueue }[],
  ) {
    super(scope, id);
    const own = (metricName: string, label = metricName) =>
      new cloudwatch.Metric({
        namespace: 'Quotaflow',
        metricName,
        label,
        dimensionsMap: { service: 'quotaflow', tenant: tenant.id },
        period: PERIOD,
        statistic: cloudwatch.Stats.SUM,
      });
    const graph = (title: string, left: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, stacked: false });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      widgets: [
        [
          graph('Webhook deliveries', [
            own('WebhookReceived', 'received'),
            own('WebhookAccepted', 'accepted'),
            own('WebhookDuplicate', 'duplicate'),
            own('WebhookRejected', 'rejected'),
          ]),
          graph('Effects', [
            own('RecordChangeProcessed', 'record changes applied'),
            own('EffectsRecovered', 'effects recovered'),
            own('ReceiptsRedriven', 'receipts redriven'),
            own('AddressSuppressed', 'addresses suppressed'),
          ]),
        ],
        [
          graph(
            'Function errors',
            functions.map((f) => f.fn.metricErrors({ period: PERIOD, label: f.spec.id })),
          ),
          graph(
            'Dead letters waiting',
            queues.map(({ label, queue }) =>
              queue.metricApproximateNumberOfMessagesVisible({
                period: PERIOD,
                statistic: cloudwatch.Stats.MAXIMUM,
                label,
              }),
            ),
          ),
        ],
        [
          graph('Schedule runs', [
            own('ScheduledRun', 'scheduled runs'),
            own('ReconcileRecordsApplied', 'reconcile: records applied'),
            own('ZohoChannelsRenewed', 'Zoho channels renewed'),
            own('ZohoChannelsFailed', 'Zoho channels failed'),
            own('WatchdogChecked', 'watchdog checks'),
            own('SchedulesOverdue', 'schedules overdue'),
          ]),
          graph('Mail', [
            own('EmailSent', 'sent'),
            own('IncentiveStatementsMailed', 'statements mailed'),
            own('MailBounced', 'bounced'),
            own('MailComplaint', 'complaints'),
          ]),
        ],
      ],
    });
  }
}
