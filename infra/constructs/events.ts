/**
 * The tenant's custom event bus and one rule per manifest event trigger, with exactly the manifest's pattern (the
 * same pattern object the local bus matches with). Every target has an explicit retry policy and an SQS DLQ.
 * AWS service events (SES feedback) reach the tenant's bus through a forwarding rule on the default bus.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue';

export class Events extends Construct {
  readonly bus: events.EventBus;
  readonly deadLetterQueues: sqs.Queue[] = [];

  constructor(scope: Construct, id: string, props: { tenantId: string }) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `quotaflow-${props.tenantId}` });
  }

  /** A rule on the bus routing `pattern` to `fn`; retries for a day, then parks the event in its own DLQ. */
  route(id: string, pattern: Record<string, unknown>, fn: IFunction): events.CfnRule {
    const dlq = deadLetterQueue(this, `${id}Dlq`);
    this.deadLetterQueues.push(dlq);
    const rule = new events.Rule(this, `${id}Rule`, {
      eventBus: this.bus,
      description: `routes to ${id}`,
      eventPattern: { source: ['placeholder'] },
      targets: [
        new targets.LambdaFunction(fn, {
          retryAttempts: 24,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: dlq,
        }),
      ],
    });
    // The manifest's pattern is EventBridge JSON already (it may use content filters the typed API does not model),
    // so it goes into the template as it is.
    const cfn = rule.node.defaultChild as events.CfnRule;
    cfn.eventPattern = pattern;
    return cfn;
  }

  /**
   * A rule on the account's default bus (where AWS services such as SES publish) forwarding matching events, as
   * they are, to the tenant's bus, where the manifest's rules route them like any other event. The default bus is
   * shared by every tenant in the account: `pattern` must single out this tenant's events. Undeliverable events
   * are parked in their own DLQ.
   */
  forwardFromDefaultBus(id: string, pattern: Record<string, unknown>): events.CfnRule {
    const dlq = deadLetterQueue(this, `${id}ForwardDlq`);
    this.deadLetterQueues.push(dlq);
    const rule = new events.Rule(this, `${id}ForwardRule`, {
      eventBus: events.EventBus.fromEventBusName(this, `${id}DefaultBus`, 'default'),
      description: `forwards ${id} events from the default bus to ${this.bus.eventBusName}`,
      eventPattern: { source: ['placeholder'] },
      targets: [new targets.EventBus(this.bus, { deadLetterQueue: dlq })],
    });
    const cfn = rule.node.defaultChild as events.CfnRule;
    cfn.eventPattern = pattern;
    return cfn;
  }
}
