/**
 * The tenant's HTTP API: one route per manifest `http` trigger (payload format 2.0, as the local gateway emits),
 * JSON access logs, and stage throttling so a misbehaving sender cannot exhaust the account's Lambda concurrency.
 * No API Gateway authorizer: webhook routes authenticate each delivery in the handler (provider signatures need
 * the raw body, which authorizers never see), and /health is public by design.
 */
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TenantConfig } from '../../shared/config/tenant';
import type { QuotaflowFunction } from './function';
import { acknowledge } from './nag';
import { pascal } from './names';

/** Webhook traffic is bursty (CRM bulk edits) but small; these are per-tenant ceilings, far above normal use. */
const THROTTLE = { rateLimit: 50, burstLimit: 100 };

const ACCESS_LOG = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  route: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
});

const unauthorizedBecause = (path: string): string | undefined => {
  if (path.startsWith('/webhooks/'))
    return (
      'Webhook senders (CRMs) cannot present tokens; the handler authenticates every delivery by its ' +
      'signature over the raw body (constant-time comparison, replay window).'
    );
  if (path === '/health') return 'Public read-only liveness probe by design; it reads no stored data.';
  if (path === '/unsubscribe')
    return (
      'Opened from a link in an email by its recipient, who has no credentials (RFC 8058 one-click); the handler ' +
      'verifies the HMAC signature in the link (constant-time) before it changes anything.'
    );
  return undefined;
};

export class Ingest extends Construct {
  readonly api: apigw.HttpApi;
  readonly routes: apigw.HttpRoute[] = [];

  constructor(scope: Construct, id: string, tenant: TenantConfig, functions: readonly QuotaflowFunction[]) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `quotaflow-${tenant.id}`,
      description: `Quotaflow ingest for ${tenant.displayName}`,
      // The stage below carries logging and throttling, which the built-in default stage cannot.
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG),
      },
    });

    for (const f of functions) {
      for (const t of f.spec.triggers) {
        if (t.kind !== 'http') continue;
        const routes = this.api.addRoutes({
          path: t.path,
          methods: [apigw.HttpMethod[t.method]],
          integration: new HttpLambdaIntegration(`${pascal(f.spec.id)}Integration`, f.fn, {
            payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
          }),
        });
        const reason = unauthorizedBecause(t.path);
        for (const route of routes) {
          // A route with no reason here stays a cdk-nag finding, so a new public route is a deliberate decision.
          if (reason) {
            acknowledge(route, 'AwsSolutions-APIG4', reason);
          }
          this.routes.push(route);
        }
      }
    }
  }
}
