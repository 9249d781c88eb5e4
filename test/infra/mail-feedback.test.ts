/**
 * The consent side of mail in the tenant stack: SES publishes this tenant's bounces and complaints to the default
 * bus, a rule there forwards only this tenant's (by configuration set) to the tenant bus where the manifest's rule
 * takes them; functions that send mail know the public base URL for unsubscribe links; /unsubscribe is routed.
 */
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { sesMailFeedback, tenantMailFeedbackPattern } from '../../events/ses-feedback';
import { functionsFor } from '../../functions/manifest';
import { buildApp } from '../../infra/build-app';
import { loadTenant, TENANTS_DIR } from '../../infra/tenants';
import { parseTenantConfig } from '../../shared/config/tenant';

type Resource = { Type: string; Properties: Record<string, unknown> };

const demo = loadTenant(join(TENANTS_DIR, 'demo.json'));
const custom = parseTenantConfig(
  { ...demo, id: 'acme', publicBaseUrl: 'https://api.acme.example/quotaflow' },
  'acme (test)',
);
const { stacks } = buildApp({ tenants: [demo, custom], bundling: false, validation: false, nag: false });
const [demoStack, acmeStack] = stacks;
if (!demoStack || !acmeStack) throw new Error('expected two stacks');
const template = Template.fromStack(demoStack);
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];

describe('SES feedback to the suppression list', () => {
  it('publishes bounces and complaints of the configuration set to the default bus', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: Match.anyValue(),
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      },
    });
    const dest = resources(template, 'AWS::SES::ConfigurationSetEventDestination')[0];
    expect(JSON.stringify(dest?.Properties)).toContain('event-bus/default');
  });

  it("forwards only this tenant's events from the default bus to the tenant bus, with a DLQ", () => {
    const forwards = resources(template, 'AWS::Events::Rule').filter(
      (r) => r.Properties.EventBusName === 'default',
    );
    expect(forwards).toHaveLength(1);
    const rule = forwards[0]?.Properties ?? {};
    expect(rule.EventPattern).toEqual(tenantMailFeedbackPattern('quotaflow-demo'));
    const [target] = rule.Targets as Record<string, unknown>[];
    expect(JSON.stringify(target?.Arn)).toContain('Bus');
    expect(target).toMatchObject({
      RoleArn: expect.anything(),
      DeadLetterConfig: { Arn: expect.anything() },
    });
    // The acme stack forwards acme's mail only.
    const acme = resources(Template.fromStack(acmeStack), 'AWS::Events::Rule').find(
      (r) => r.Properties.EventBusName === 'default',
    );
    expect(acme?.Properties.EventPattern).toEqual(tenantMailFeedbackPattern('quotaflow-acme'));
  });

  it("routes the forwarded events on the tenant bus with the manifest's pattern to mail-feedback", () => {
    const onTenantBus = resources(template, 'AWS::Events::Rule').filter(
      (r) => JSON.stringify(r.Properties.EventPattern) === JSON.stringify(sesMailFeedback.pattern()),
    );
    expect(onTenantBus).toHaveLength(1);
    expect(onTenantBus[0]?.Properties.EventBusName).not.toBe('default');
  });
});

describe('unsubscribe links', () => {
  const mailers = functionsFor(demo).filter((f) => f.access.includes('mail'));
  const envOf = (t: Template, description: string): Record<string, unknown> => {
    const fn = resources(t, 'AWS::Lambda::Function').find((r) => r.Properties.Description === description);
    if (!fn) throw new Error(`no function described ${description}`);
    return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  };

  it("gives every function that sends mail the API's endpoint, or the tenant's custom domain", () => {
    expect(mailers.length).toBeGreaterThan(0);
    for (const f of mailers) {
      expect(envOf(template, f.description).PUBLIC_BASE_URL, f.id).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^IngestApi/), 'ApiEndpoint'],
      });
      expect(envOf(Template.fromStack(acmeStack), f.description).PUBLIC_BASE_URL, f.id).toBe(
        'https://api.acme.example/quotaflow',
      );
    }
  });

  it('serves GET and POST /unsubscribe', () => {
    const keys = resources(template, 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
    expect(keys).toEqual(expect.arrayContaining(['GET /unsubscribe', 'POST /unsubscribe']));
  });

  it('refuses a plain-http custom domain', () => {
    expect(() => parseTenantConfig({ ...demo, publicBaseUrl: 'http://api.acme.example' }, 'x')).toThrow(
      /publicBaseUrl: must be an https URL/,
    );
  });
});
