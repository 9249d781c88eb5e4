/**
 * One watchdog check of a tenant: reads the cheap marks (last delivery per provider, last run per fixed schedule,
 * Zoho channel expiries, reconcile watermarks), judges them with absence.ts against the tenant's plan, and keeps
 * the report in the table, where `quotaflow status` reads it. The scheduled function emits the report's metrics.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantConfig } from '../config/tenant';
import { SyncStateRepository } from '../store/sync-state';
import { type WatchdogRecord, WatchRepository } from '../store/watch';
import { ZohoChannelRepository } from '../store/zoho-channels';
import type { BusinessCalendar } from '../workflows/calendar';
import { watchdog } from './absence';
import { SILENT_BUSINESS_HOURS, watchPlan } from './plan';

export interface WatchdogSources {
  watch: Pick<WatchRepository, 'lastDeliveries' | 'lastRuns' | 'report' | 'saveReport'>;
  /** The tenant's Zoho channels and their expiry (undefined: not connected yet). */
  zohoChannels: () => Promise<{ module: string; expiresAt: string }[] | undefined>;
  /** When reconcile last moved a module's watermark (undefined: not imported yet). */
  watermark: (module: string) => Promise<string | undefined>;
  /** The calendar business hours are counted on. */
  calendar: BusinessCalendar;
  /** Calendars in use that run out of holiday data within 60 days. */
  calendarsShort: { name: string; coversUntil: string | null }[];
}

export const checkTenant = async (
  tenant: TenantConfig,
  now: Date,
  s: WatchdogSources,
): Promise<WatchdogRecord> => {
  const plan = watchPlan(tenant);
  const [delivered, runs, previous, channels] = await Promise.all([
    s.watch.lastDeliveries(),
    s.watch.lastRuns(),
    s.watch.report(),
    plan.zohoChannels ? s.zohoChannels() : Promise.resolve(undefined),
  ]);
  const since = previous?.since ?? now.toISOString();
  const watermarks = (
    await Promise.all(
      plan.reconcileModules.map(async (module) => ({ module, at: await s.watermark(module) })),
    )
  ).flatMap((w) => (w.at ? [{ module: w.module, at: w.at }] : []));
  const report = watchdog({
    now,
    timeZone: tenant.timeZone,
    calendar: s.calendar,
    silentBusinessHours: SILENT_BUSINESS_HOURS,
    deliveries: plan.providers.map((provider) => {
      const lastAt = new Map(delivered.map((d) => [d.provider, d.lastAt])).get(provider);
      return { provider, ...(lastAt ? { lastAt } : {}) };
    }),
    ...(channels ? { zohoChannels: channels } : {}),
    ...(plan.reconcileModules.length ? { watermarks } : {}),
    schedules: plan.schedules.map((x) => {
      const lastRun = runs.find((r) => r.schedule === x.name)?.at;
      return { ...x, since, ...(lastRun ? { lastRun } : {}) };
    }),
    calendarsShort: s.calendarsShort,
  });
  const record = { at: now.toISOString(), since, findings: report.findings, metrics: report.metrics };
  await s.watch.saveReport(record);
  return record;
};

/** The sources the tenant table holds (all but the calendars), for the watchdog function and `quotaflow status`. */
export const tableSources = (
  doc: DynamoDBDocumentClient,
  table: string,
  watch: WatchRepository = new WatchRepository(doc, table),
): Pick<WatchdogSources, 'watch' | 'zohoChannels' | 'watermark'> => {
  const channels = new ZohoChannelRepository(doc, table);
  const syncState = new SyncStateRepository(doc, table);
  return {
    watch,
    zohoChannels: async () => {
      const state = await channels.get();
      return state
        ? Object.entries(state.channels).flatMap(([module, c]) =>
            c.expiresAt ? [{ module, expiresAt: c.expiresAt }] : [],
          )
        : undefined;
    },
    watermark: async (module) => (await syncState.get(module)).watermark,
  };
};
