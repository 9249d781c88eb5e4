/**
 * The absence alarms in a synthesized stack: one per kind the watchdog emits, with the thresholds and dimensions
 * shared/watchdog/alarms.ts declares (per provider for CRM silence), the watchdog's own heartbeat breaching on
 * missing data, the watchdog's least-privilege table access, fixed schedules naming themselves in their input, and
 * the optional chat forwarder subscribed to the alarm topic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionsFor } from '../../functions/manifest';
import { buildApp } from '../../infra/build-app';
import { TENANTS_DIR } from '../../infra/tenants';
import { parseTenantConfig, type TenantConfig } from '../../shared/config/tenant';

type Resource = { Type: string; Properties: Record<string, unknown> };

const zohoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo-zoho.json'), 'utf8')) as Record<
  string,
  unknown
>;
const tenant = (extra: Record<string, unknown>): TenantConfig =>
  parseTenantConfig(
    {
      ...zohoJson,
      id: 'acme',
      deployable: true,
      aws: { account: '123456789012', region: 'eu-central-1' },
      ...extra,
    },
    'acme (test)',
  );
const CHAT = { format: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc' };
const acme = tenant({ alarms: { chat: CHAT } });
const templateOf = (t: TenantConfig) => {
  const [stack] = buildApp({ tenants: [t], bundling: false, validation: false, nag: false }).stacks;
  if (!stack) throw new Error('expected a stack');
  return Template.fromStack(stack);
};
const template = templateOf(acme);
const resources = (type: string) => Object.values(template.findResources(type)) as Resource[];
const alarmOn = (metricName: string) =>
  resources('AWS::CloudWatch::Alarm').filter((a) => a.Properties.MetricName === metricName);

describe('absence alarms', () => {
  it('one per kind, on the watchdog metrics, CRM silence per provider', () => {
    for (const name of [
      'SchedulesOverdue',
      'ZohoChannelsExpiring',
      'ReconcileWatermarkStale',
      'CalendarCoverageShort',
    ]) {
      const [alarm, ...more] = alarmOn(name);
      expect(more, name).toEqual([]);
      expect(alarm?.Properties, name).toMatchObject({
        Namespace: 'Quotaflow',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    // Silence per provider the tenant receives from: its CRM, and the generic webhook every tenant has.
    const silence = alarmOn('CrmDeliveriesSilent');
    expect(silence.map((a) => a.Properties.Dimensions)).toEqual([
      expect.arrayContaining([
        { Name: 'provider', Value: 'zoho' },
        { Name: 'tenant', Value: 'acme' },
      ]),
      expect.arrayContaining([
        { Name: 'provider', Value: 'generic' },
        { Name: 'tenant', Value: 'acme' },
      ]),
    ]);
    for (const alarm of silence)
      expect(alarm.Properties).toMatchObject({
        Namespace: 'Quotaflow',
        Statistic: 'Maximum',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
    // The SES reputation alarms stay as they were.
    expect(alarmOn('Reputation.BounceRate')[0]?.Properties.Threshold).toBe(0.04);
    expect(alarmOn('Reputation.ComplaintRate')[0]?.Properties.Threshold).toBe(0.0008);
  });

  it('the watchdog silent for an hour is an alarm: missing data breaches', () => {
    expect(alarmOn('WatchdogChecked')[0]?.Properties).toMatchObject({
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('a generic tenant has no Zoho or reconcile alarms; a tenant without the watchdog only the calendar one', () => {
    const generic = Template.fromJSON(
      templateOf(tenant({ crm: { provider: 'generic' }, alarms: {} })).toJSON(),
    );
    const metrics = Object.values(generic.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as Resource).Properties.MetricName,
    );
    expect(metrics).toContain('CrmDeliveriesSilent');
    expect(metrics).not.toContain('ZohoChannelsExpiring');
    expect(metrics).not.toContain('ReconcileWatermarkStale');
    const off = templateOf(tenant({ schedules: { watchdog: { enabled: false } } }));
    const offMetrics = Object.values(off.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as Resource).Properties.MetricName,
    );
    expect(offMetrics).toContain('CalendarCoverageShort');
    expect(offMetrics).not.toContain('WatchdogChecked');
    expect(offMetrics).not.toContain('SchedulesOverdue');
  });
});

describe('the watchdog and schedule runs', () => {
  it('fixed schedules pass their name, so each run is recorded under it', () => {
    const inputs = resources('AWS::Scheduler::Schedule').map(
      (s) => JSON.parse((s.Properties.Target as { Input: string }).Input) as { schedule: string },
    );
    expect(inputs.map((i) => i.schedule).sort()).toEqual(
      functionsFor(acme)
        .flatMap((f) => f.triggers.flatMap((t) => (t.kind === 'schedule' ? [t.name] : [])))
        .sort(),
    );
  });

  it('the watchdog may get, query and put items of the table, nothing else', () => {
    const spec = functionsFor(acme).find((f) => f.id === 'watchdog');
    const fn = resources('AWS::Lambda::Function').find((r) => r.Properties.Description === spec?.description);
    if (!fn) throw new Error('no watchdog function');
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const actions = resources('AWS::IAM::Policy')
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap(
        (p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .filter((a) => a.startsWith('dynamodb:'))
      .sort();
    expect(actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
  });
});

describe('alarms in chat', () => {
  it('subscribes the chat forwarder to the alarm topic only when alarms.chat is set', () => {
    const subs = resources('AWS::SNS::Subscription').map((s) => s.Properties.Protocol);
    expect(subs).toEqual(['lambda']);
    expect(functionsFor(tenant({})).some((f) => f.id === 'alarm-chat')).toBe(false);
  });

  it('refuses a chat URL that is not the provider’s webhook, naming the field', () => {
    expect(() => tenant({ alarms: { chat: { format: 'slack', url: 'https://example.com/hook' } } })).toThrow(
      /alarms\.chat\.url.*not a slack webhook/s,
    );
  });
});
