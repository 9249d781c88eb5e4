/**
 * Outgoing mail: a configuration set per tenant (reputation metrics, and SES's suppression list fed by bounces and
 * complaints), plus the SES identity ARN of the tenant's sender domain for scoping send permissions. The domain
 * identity itself is verified outside the stack (DNS), since it may outlive or be shared with other stacks.
 *
 * Bounces and complaints also feed the tenant's own suppression list: the configuration set publishes them to
 * EventBridge. SES can only publish to the account's default bus, which every tenant in the account shares, so
 * `feedbackPattern` (this tenant's configuration set) is what the stack forwards from there to the tenant's bus.
 */
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { configurationSetName, tenantMailFeedbackPattern } from '../../events/ses-feedback';
import type { TenantConfig } from '../../shared/config/tenant';
import type { MailSending } from './function';

export class Mail extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly sending: MailSending;
  /** Matches this tenant's bounce and complaint events on the default bus. */
  readonly feedbackPattern: Record<string, unknown>;

  constructor(scope: Construct, id: string, tenant: TenantConfig) {
    super(scope, id);
    const name = configurationSetName(tenant.id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      // The local runtime uses the same name.
      configurationSetName: name,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('Feedback', {
      destination: ses.EventDestination.eventBus(
        events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      ),
      // BOUNCE is hard bounces, plus soft ones SES gave up retrying; the function tells them apart.
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    this.feedbackPattern = tenantMailFeedbackPattern(name);
    const domain = tenant.mail.sender.slice(tenant.mail.sender.lastIndexOf('@') + 1);
    const stack = Stack.of(this);
    this.sending = {
      configurationSetName: this.configurationSet.configurationSetName,
      configurationSetArn: stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: this.configurationSet.configurationSetName,
      }),
      identityArn: stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
      sender: tenant.mail.sender,
    };
  }
}
