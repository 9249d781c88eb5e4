/**
 * The tenant's secret bundle (shape: shared/config/secrets.ts). CloudFormation generates the first generic-webhook
 * signing secret: 40 alphanumerics are valid base64, which is what the Standard Webhooks verifier expects.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TenantConfig } from '../../shared/config/tenant';
import { acknowledge } from './nag';

export class Secrets extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, tenant: TenantConfig) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'App', {
      secretName: `quotaflow/${tenant.id}/app`,
      description: `Quotaflow ${tenant.id}: webhook signing secrets and CRM credentials`,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'genericWebhookSigningSecret',
        excludePunctuation: true,
        passwordLength: 40,
      },
      // Senders are configured with these values; losing them with the stack would break every integration.
      removalPolicy: RemovalPolicy.RETAIN,
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
