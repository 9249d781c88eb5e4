/**
 * Outgoing mail: a configuration set per tenant (reputation metrics, and SES's suppression list fed by bounces and
 * complaints), plus the SES identity ARN of the tenant's sender domain for scoping send permissions. The domain
 * identity itself is verified outside the stack (DNS), since it may outlive or be shared with other stacks.
 */
import { Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { TenantConfig } from '../../shared/config/tenant';
import type { MailSending } from './function';

export class Mail extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly sending: MailSending;

  constructor(scope: Construct, id: string, tenant: TenantConfig) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      // The local runtime uses the same name.
      configurationSetName: `quotaflow-${tenant.id}`,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
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
    };
  }
}
