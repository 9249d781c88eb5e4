/**
 * What the watchdog expects of one tenant, from its config and the manifest: which CRM should be delivering, which
 * fixed schedules should be completing (and how late is late), which reconcile watermarks should be moving, whether
 * Zoho channels must stay alive. The watchdog function, `quotaflow status` and the stack's alarms all read this, so
 * an alarm exists exactly for what is checked.
 */
import { functionsFor } from '../../functions/manifest';
import type { TenantConfig } from '../config/tenant';
import { crmSettingsOf, requireCrmSettings } from '../crm/registry';
import { type BusinessCalendar, compileCalendar, DEFAULT_CALENDAR } from '../workflows/calendar';
import type { CalendarDefinition } from '../workflows/definition';

/** Business hours without a CRM delivery before it counts as silence. */
export const SILENT_BUSINESS_HOURS = 4;
/** A fixed schedule's run may complete this long after its due time, on top of its function's timeout. */
export const SCHEDULE_MARGIN_MS = 15 * 60_000;
/** The watchdog's own schedule: its absence is an alarm too (missing data is breaching). */
export const WATCHDOG_SCHEDULE = 'watchdog';

export interface FixedSchedule {
  name: string;
  expression: string;
  /** The function's timeout plus SCHEDULE_MARGIN_MS. */
  marginMs: number;
}

export interface WatchPlan {
  /**
   * The providers whose webhooks arrive: one per webhook route the tenant has, its CRM's first, then the generic
   * webhook every tenant has (other systems may post to it). One that never delivered is not silent.
   */
  providers: string[];
  schedules: FixedSchedule[];
  /** Modules whose reconcile watermark should keep moving (none: a generic CRM, or reconcile disabled). */
  reconcileModules: string[];
  /** Whether the CRM's subscriptions expire and must be watched (Zoho's notification channels). */
  zohoChannels: boolean;
}

export const watchPlan = (tenant: TenantConfig): WatchPlan => {
  const schedules = functionsFor(tenant).flatMap((f) =>
    f.triggers.flatMap((t) => {
      if (t.kind !== 'schedule') return [];
      const settings = tenant.schedules[t.name];
      if (settings?.enabled === false) return [];
      return [
        {
          name: t.name,
          expression: settings?.expression ?? t.defaultExpression,
          marginMs: (f.timeoutSeconds ?? 10) * 1000 + SCHEDULE_MARGIN_MS,
        },
      ];
    }),
  );
  const crm = requireCrmSettings(tenant.crm.provider);
  // A webhook route `/webhooks/<provider>` of a registered provider: deliveries that should keep arriving.
  const received = functionsFor(tenant).flatMap((f) =>
    f.triggers.flatMap((t) => {
      const id = t.kind === 'http' ? /^\/webhooks\/([a-z][a-z0-9-]*)$/.exec(t.path)?.[1] : undefined;
      return id && crmSettingsOf(id) ? [id] : [];
    }),
  );
  const reconciling = schedules.some((s) => s.name === 'reconcile');
  return {
    providers: [crm.id, ...new Set(received.filter((p) => p !== crm.id))],
    schedules,
    reconcileModules: reconciling ? crm.watch.reconcileModules(tenant.crm) : [],
    zohoChannels: crm.watch.channelExpiry,
  };
};

/**
 * The calendar business hours are counted on for the tenant as a whole: its workflows' calendar named "default",
 * else their first, else Monday-Friday 09:00-18:00.
 */
export const businessCalendarOf = (
  calendars: Readonly<Record<string, CalendarDefinition>> | undefined,
): BusinessCalendar => {
  const [id, def] = calendars?.default
    ? ['default', calendars.default]
    : (Object.entries(calendars ?? {})[0] ?? []);
  return def ? compileCalendar(def, id) : DEFAULT_CALENDAR;
};
