/**
 * One tenant, one stack: the tenant is the isolation boundary, so nothing here is shared with another tenant's
 * stack (table, bus, API, schedule group, secret, queues, roles). The stack only composes the constructs by concern
 * and wires them from the manifest; no function is named here.
 */
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functionsFor } from '../functions/manifest';
import type { TenantConfig } from '../shared/config/tenant';
import { Data } from './constructs/data';
import { Events } from './constructs/events';
import { QuotaflowFunction, type TenantResources } from './constructs/function';
import { Ingest } from './constructs/ingest';
import { Mail } from './constructs/mail';
import { acknowledgeDeadLetterQueue } from './constructs/nag';
import { pascal } from './constructs/names';
import { Observability } from './constructs/observability';
import { Schedules } from './constructs/schedules';
import { Secrets } from './constructs/secrets';
import { eventRulesFor } from './event-rules';

export interface TenantStackProps extends StackProps {
  tenant: TenantConfig;
}

export class TenantStack extends Stack {
  readonly tenant: TenantConfig;
  readonly functions: readonly QuotaflowFunction[];
  readonly data: Data;
  readonly events: Events;
  readonly schedules: Schedules;
  readonly ingest: Ingest;
  readonly mail: Mail;
  readonly secrets: Secrets;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: TenantStackProps) {
    super(scope, id, {
      description: `Quotaflow tenant ${props.tenant.id} (${props.tenant.displayName})`,
      ...props,
    });
    const { tenant } = props;
    this.tenant = tenant;
    Tags.of(this).add('quotaflow:tenant', tenant.id);

    this.data = new Data(this, 'Data');
    this.secrets = new Secrets(this, 'Secrets', tenant);
    this.mail = new Mail(this, 'Mail', tenant);
    // Only the functions for this tenant's CRM: a Zoho tenant has no Fxiaoke receiver, and so on.
    this.functions = functionsFor(tenant).map(
      (spec) => new QuotaflowFunction(this, pascal(spec.id), { spec, tenant }),
    );
    // Rule delivery DLQs belong to Events; failures of the function itself land in the function's own DLQ.
    this.events = new Events(this, 'Events', { tenantId: tenant.id });
    for (const f of this.functions)
      for (const rule of eventRulesFor(f.spec, tenant.id))
        this.events.route(`${pascal(f.spec.id)}${rule.index || ''}`, rule.pattern, f.fn);
    // SES publishes bounces and complaints to the default bus only; this tenant's come over to its own bus.
    this.events.forwardFromDefaultBus('MailFeedback', this.mail.feedbackPattern);
    for (const queue of this.events.deadLetterQueues) acknowledgeDeadLetterQueue(queue);
    this.schedules = new Schedules(this, 'Schedules', tenant, this.functions);
    this.ingest = new Ingest(this, 'Ingest', tenant, this.functions);

    const resources: TenantResources = {
      table: this.data.table,
      bus: this.events.bus,
      secret: this.secrets.secret,
      mail: this.mail.sending,
      scheduler: this.schedules.oneTime,
      // A custom domain when the tenant has one; else the API's own endpoint (the API does not depend on the
      // functions that send mail, so this adds no cycle).
      publicBaseUrl: tenant.publicBaseUrl ?? this.ingest.api.apiEndpoint,
    };
    for (const f of this.functions) for (const access of f.spec.access) f.grant(access, resources);

    this.observability = new Observability(
      this,
      'Observability',
      tenant,
      this.functions,
      this.events.deadLetterQueues,
    );

    // Stable output names (README "Deploying a tenant"): webhooks go to <ApiUrl>/webhooks/<provider>.
    new CfnOutput(this, 'ApiUrl', {
      value: this.ingest.api.apiEndpoint,
      description: 'Base URL of the tenant API',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.observability.topic.topicArn,
      description: 'Subscribe on-call addresses here',
    });
    new CfnOutput(this, 'SecretArn', {
      value: this.secrets.secret.secretArn,
      description: 'Webhook signing secrets',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.observability.dashboard.dashboardName,
      description: "The tenant's CloudWatch dashboard",
    });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: "The tenant's event bus",
    });
    new CfnOutput(this, 'ScheduleGroupName', {
      value: this.schedules.group.scheduleGroupName,
      description: 'Where pending one-time schedules are',
    });
    new CfnOutput(this, 'TableName', {
      value: this.data.table.tableName,
      description: 'The tenant table (for `quotaflow import --table`)',
    });
  }
}
