/**
 * The tenant's secret bundle (shape: shared/config/secrets.ts). CloudFormation generates the first generic-webhook
 * signing secret: 40 alphanumerics are valid base64, which is what the Standard Webhooks verifier expects.
 *
 * It outlives the stack (senders hold its values) but not a failed first deploy, and its name carries the stack's
 * suffix (`quotaflow/<id>/app-<8 hex>`), so a stack created again after `cdk destroy` gets a new secret instead of
 * failing on the old name; copy values over from the retained one. Find it by the stack output SecretArn.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TenantConfig } from '../../shared/config/tenant';
import { acknowledge } from './nag';
import { stackSuffix } from './names';

export class Secrets extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, tenant: TenantConfig) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'App', {
      secretName: `quotaflow/${tenant.id}/app-${stackSuffix(this)}`,
      description: `Quotaflow ${tenant.id}: webhook signing secrets and CRM credentials`,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'genericWebhookSigningSecret',
        excludePunctuation: true,
        passwordLength: 40,
      },
      // Senders are configured with these values; losing them with the stack would break every integration.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      'Webhook signing secrets are shared with third-party senders, which a rotation Lambda cannot update. ' +
        'They rotate by hand: the old value moves to genericWebhookPreviousSecret (still accepted) while ' +
        'senders switch to the new genericWebhookSigningSecret.',
    );
  }
}
