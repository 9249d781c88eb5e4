/**
 * The absence alarms, declared once: the stack creates a CloudWatch alarm for each (infra/constructs/
 * observability.ts) on the metric the watchdog emits (namespace Quotaflow, dimensions service and tenant, plus
 * provider where given), and `npm start` the same alarms in its CloudWatch stand-in (infra/local/stack.ts).
 */
import type { TenantConfig } from '../config/tenant';
import type { WatchdogMetricName } from './absence';
import { WATCHDOG_SCHEDULE, watchPlan } from './plan';

export interface AbsenceAlarm {
  /** Construct id; npm start names the alarm `<stack>-<id>`. */
  id: string;
  metric: WatchdogMetricName | 'WatchdogChecked';
  provider?: string;
  /** ALARM when the metric's maximum over the period is at least this (WatchdogChecked: its sum below it). */
  threshold: number;
  periodMinutes: number;
  description: string;
}

/** The watchdog runs every 15 minutes: an hour without a check means it stopped. */
export const WATCHDOG_SILENT_MINUTES = 60;

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const absenceAlarms = (tenant: TenantConfig): AbsenceAlarm[] => {
  const calendar: AbsenceAlarm = {
    id: 'CalendarCoverageShort',
    metric: 'CalendarCoverageShort',
    threshold: 1,
    periodMinutes: 360,
    description:
      `${tenant.id}: a holiday calendar the workflows use runs out of holiday data within 60 days; past it, public ` +
      'holidays count as working days. Add the next year (README "Holiday calendars") and redeploy',
  };
  if (tenant.schedules[WATCHDOG_SCHEDULE]?.enabled === false) return [calendar];
  const plan = watchPlan(tenant);
  return [
    ...plan.providers.map((provider) => ({
      id: `CrmDeliveriesSilent${pascal(provider)}`,
      metric: 'CrmDeliveriesSilent' as const,
      provider,
      threshold: 1,
      periodMinutes: 15,
      description: `${tenant.id}: no ${provider} webhook delivery for 4 business hours on the tenant's calendar. Check the CRM's webhooks or notification channels, and the API's 4xx/5xx`,
    })),
    {
      id: 'SchedulesOverdue',
      metric: 'SchedulesOverdue',
      threshold: 1,
      periodMinutes: 15,
      description: `${tenant.id}: a fixed schedule did not complete by its due time plus a margin. \`quotaflow status\` names it; see its function's errors and DLQ`,
    },
    ...(plan.zohoChannels
      ? [
          {
            id: 'ZohoChannelsExpiring',
            metric: 'ZohoChannelsExpiring' as const,
            threshold: 1,
            periodMinutes: 15,
            description: `${tenant.id}: a Zoho notification channel expires within 12 hours; renewal is not keeping it alive. Run \`quotaflow connect zoho\` again`,
          },
        ]
      : []),
    ...(plan.reconcileModules.length
      ? [
          {
            id: 'ReconcileWatermarkStale',
            metric: 'ReconcileWatermarkStale' as const,
            threshold: 1,
            periodMinutes: 15,
            description: `${tenant.id}: reconcile has not moved a module's watermark for over an hour; lost webhooks are not being caught up`,
          },
        ]
      : []),
    calendar,
    {
      id: 'WatchdogSilent',
      metric: 'WatchdogChecked',
      threshold: 1,
      periodMinutes: WATCHDOG_SILENT_MINUTES,
      description: `${tenant.id}: the watchdog has not checked for an hour, so no absence alarm can fire. See the watchdog function's errors and DLQ`,
    },
  ];
};
