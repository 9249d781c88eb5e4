/**
 * Which providers the watchdog watches for silence: every one the tenant receives webhooks from (its CRM's route,
 * and the generic webhook every tenant has), each judged on the tenant's calendar; one that never delivered is not
 * silent, so a Zoho tenant nobody posts generic webhooks to is not alarmed for it.
 */
import { describe, expect, it } from 'vitest';
import { loadTenant, TENANTS_DIR } from '../../../infra/tenants';
import type { WatchdogRecord } from '../../../shared/store/watch';
import { checkTenant } from '../../../shared/watchdog/check';
import { businessCalendarOf, watchPlan } from '../../../shared/watchdog/plan';

const zoho = loadTenant(`${TENANTS_DIR}/demo-zoho.json`);
const generic = loadTenant(`${TENANTS_DIR}/demo.json`);

const check = (deliveries: { provider: string; lastAt: string }[], now: string) => {
  // The watchdog has been watching since the morning.
  let saved: WatchdogRecord | undefined = {
    at: '2026-10-12T00:00:00.000Z',
    since: '2026-10-12T00:00:00.000Z',
    findings: [],
    metrics: [],
  };
  return checkTenant(zoho, new Date(now), {
    watch: {
      lastDeliveries: async () => deliveries,
      lastRuns: async () => [],
      report: async () => saved,
      saveReport: async (r: WatchdogRecord) => {
        saved = r;
      },
    },
    zohoChannels: async () => undefined,
    watermark: async () => undefined,
    calendar: businessCalendarOf(undefined),
    calendarsShort: [],
  });
};

describe('providers watched for silence', () => {
  it('are the CRM first, then the generic webhook; a generic tenant has the one', () => {
    expect(watchPlan(zoho).providers).toEqual(['zoho', 'generic']);
    expect(watchPlan(generic).providers).toEqual(['generic']);
  });

  it('a generic webhook that never delivered is not silent; one that stopped for 4 business hours is', async () => {
    // Monday 2026-10-12, 16:30 in New York (EDT, the Zoho demo's zone); Zoho delivered a minute ago.
    const now = '2026-10-12T20:30:00.000Z';
    const quiet = await check([{ provider: 'zoho', lastAt: '2026-10-12T20:29:00.000Z' }], now);
    expect(quiet.metrics.filter((m) => m.name === 'CrmDeliveriesSilent')).toEqual([
      { name: 'CrmDeliveriesSilent', value: 0, unit: 'Count', provider: 'zoho' },
      { name: 'CrmDeliveriesSilent', value: 0, unit: 'Count', provider: 'generic' },
    ]);
    expect(quiet.findings.filter((f) => f.includes(' delivery '))).toEqual([]);
    const stopped = await check(
      [
        { provider: 'zoho', lastAt: '2026-10-12T20:29:00.000Z' },
        { provider: 'generic', lastAt: '2026-10-12T13:00:00.000Z' },
      ],
      now,
    );
    expect(stopped.metrics).toContainEqual({
      name: 'CrmDeliveriesSilent',
      value: 1,
      unit: 'Count',
      provider: 'generic',
    });
    // 09:00 to 16:30 local on the default Monday-Friday 09:00-18:00 calendar.
    expect(stopped.findings).toContain(
      'no generic delivery for 7.5 business hours (last 2026-10-12T13:00:00.000Z; alarm at 4)',
    );
    expect(stopped.findings.some((f) => f.startsWith('no zoho delivery'))).toBe(false);
  });
});
