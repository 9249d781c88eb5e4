/**
 * Absence alarms: what is wrong because something did NOT happen, which no error or DLQ shows. A CRM that stopped
 * delivering for N business hours (counted on the tenant's calendar, per provider, from the delivery marks), a
 * fixed schedule whose due run did not complete in time, Zoho notification channels about to expire, a reconcile
 * watermark that stopped moving, a holiday calendar running out, and mail whose bounce or complaint rate endangers
 * the SES account. Pure: the caller reads the inputs (check.ts) and emits the metrics; each metric has an alarm
 * (alarms.ts, infra/constructs/observability.ts) at the threshold named here.
 */
import { nextFireTime, parseScheduleExpression } from '../schedules/expression';
import { addDays, type BusinessCalendar, isBusinessDay, localTime } from '../workflows/calendar';

/** SES reviews an account above 5 % bounces and 0.1 % complaints; these alarm before that. */
export const BOUNCE_RATE_ALARM_PERCENT = 4;
export const COMPLAINT_RATE_ALARM_PERCENT = 0.08;
/** Below this many sent messages a rate says nothing (one bounce in ten mails is not a reputation problem). */
export const MIN_SENT_FOR_RATES = 50;
export const CHANNEL_EXPIRY_WARNING_MS = 12 * 3_600_000;
export const WATERMARK_STALE_MS = 3_600_000;
/** Looking further back than this for business hours changes no answer and bounds the loop. */
const MAX_LOOKBACK_DAYS = 62;

export interface WatchdogInput {
  now: Date;
  timeZone: string;
  calendar: BusinessCalendar;
  /** How many business hours without a delivery from a CRM is an alarm. */
  silentBusinessHours: number;
  /** Each provider the tenant expects deliveries from, with its last receipt's time (undefined: none ever). */
  deliveries: { provider: string; lastAt?: string }[];
  /** Zoho only: the notification channels and their expiry. */
  zohoChannels?: { module: string; expiresAt: string }[];
  /** Per module, when reconcile last moved its watermark (Zoho, Fxiaoke; a disabled reconcile passes none). */
  watermarks?: { module: string; at: string }[];
  /** Mail over the rate window (e.g. the last 24 hours). */
  mail?: { sent: number; bounces: number; complaints: number };
  /**
   * The tenant's fixed schedules: a fire due after the last completed run (or, never run, after `since`: when the
   * watchdog began watching) that has not completed within `marginMs` of its due time is overdue.
   */
  schedules?: { name: string; expression: string; lastRun?: string; since: string; marginMs: number }[];
  /** Holiday calendars in use that run out of holiday data within the coverage horizon (60 days). */
  calendarsShort?: { name: string; coversUntil: string | null }[];
}

export type WatchdogMetricName =
  | 'CrmDeliveriesSilent'
  | 'ZohoChannelsExpiring'
  | 'ReconcileWatermarkStale'
  | 'MailBounceRate'
  | 'MailComplaintRate'
  | 'SchedulesOverdue'
  | 'CalendarCoverageShort';

export interface WatchdogMetric {
  name: WatchdogMetricName;
  value: number;
  unit: 'Count' | 'Percent';
  /** CrmDeliveriesSilent is per provider. */
  provider?: string;
}

export interface WatchdogReport {
  metrics: WatchdogMetric[];
  /** One line per alarming condition, for logs and `quotaflow status`. */
  findings: string[];
}

/** Business minutes in [from, to) on the calendar, in the zone (by local clock time; a DST day counts its hours). */
export const businessMinutesBetween = (
  cal: BusinessCalendar,
  timeZone: string,
  from: Date,
  to: Date,
): number => {
  if (to <= from) return 0;
  const start = localTime(from, timeZone);
  const end = localTime(to, timeZone);
  const earliest = addDays(end.date, -MAX_LOOKBACK_DAYS);
  // ISO dates compare as strings (Math.max would not).
  let date = start.date;
  if (date < earliest) date = earliest;
  let total = 0;
  for (;;) {
    if (isBusinessDay(cal, date)) {
      const lo = Math.max(cal.start, date === start.date ? start.minutes : 0);
      const hi = Math.min(cal.end, date === end.date ? end.minutes : 24 * 60);
      if (hi > lo) total += hi - lo;
    }
    if (date >= end.date) return total;
    date = addDays(date, 1);
  }
};

/**
 * When a fixed schedule's run became overdue: its first fire after the last completed run (rate() counts from that
 * run, as Scheduler's own anchor is not known) plus the margin; undefined while that moment is still ahead.
 */
export const scheduleOverdueSince = (
  s: { expression: string; lastRun?: string; since: string; marginMs: number },
  timeZone: string,
  now: Date,
): Date | undefined => {
  const from = new Date(s.lastRun ?? s.since);
  const due = nextFireTime(parseScheduleExpression(s.expression), {
    timeZone,
    after: from,
    startAnchor: from,
  });
  if (!due) return undefined;
  const overdue = new Date(due.getTime() + s.marginMs);
  return overdue <= now ? due : undefined;
};

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export const watchdog = (input: WatchdogInput): WatchdogReport => {
  const { now } = input;
  const metrics: WatchdogMetric[] = [];
  const findings: string[] = [];

  for (const d of input.deliveries) {
    // Never delivered: nothing to measure from yet (a new tenant before its CRM is connected is not silent).
    if (!d.lastAt) {
      metrics.push({ name: 'CrmDeliveriesSilent', value: 0, unit: 'Count', provider: d.provider });
      continue;
    }
    const minutes = businessMinutesBetween(input.calendar, input.timeZone, new Date(d.lastAt), now);
    const silent = minutes >= input.silentBusinessHours * 60;
    metrics.push({ name: 'CrmDeliveriesSilent', value: silent ? 1 : 0, unit: 'Count', provider: d.provider });
    if (silent)
      findings.push(
        `no ${d.provider} delivery for ${round(minutes / 60, 1)} business hours (last ${d.lastAt}; alarm at ${input.silentBusinessHours})`,
      );
  }

  const expiring = (input.zohoChannels ?? []).filter(
    (c) => Date.parse(c.expiresAt) - now.getTime() < CHANNEL_EXPIRY_WARNING_MS,
  );
  if (input.zohoChannels)
    metrics.push({ name: 'ZohoChannelsExpiring', value: expiring.length, unit: 'Count' });
  for (const c of expiring)
    findings.push(
      `Zoho channel ${c.module} ${Date.parse(c.expiresAt) <= now.getTime() ? 'expired' : 'expires'} at ${c.expiresAt} (renewal is not keeping it alive)`,
    );

  const stale = (input.watermarks ?? []).filter((w) => now.getTime() - Date.parse(w.at) > WATERMARK_STALE_MS);
  if (input.watermarks) metrics.push({ name: 'ReconcileWatermarkStale', value: stale.length, unit: 'Count' });
  for (const w of stale) findings.push(`reconcile of ${w.module} has not moved since ${w.at}`);

  if (input.schedules) {
    const overdue = input.schedules.flatMap((s) => {
      const due = scheduleOverdueSince(s, input.timeZone, now);
      return due ? [{ ...s, due }] : [];
    });
    metrics.push({ name: 'SchedulesOverdue', value: overdue.length, unit: 'Count' });
    for (const s of overdue)
      findings.push(
        `schedule ${s.name} was due at ${s.due.toISOString()} and has not completed since (last run ${s.lastRun ?? 'never'})`,
      );
  }

  if (input.calendarsShort) {
    metrics.push({ name: 'CalendarCoverageShort', value: input.calendarsShort.length, unit: 'Count' });
    for (const c of input.calendarsShort)
      findings.push(`calendar ${c.name} runs out of holiday data on ${c.coversUntil ?? '(unknown)'}`);
  }

  if (input.mail) {
    const { sent, bounces, complaints } = input.mail;
    const enough = sent >= MIN_SENT_FOR_RATES;
    const bounceRate = enough ? round((bounces / sent) * 100, 3) : 0;
    const complaintRate = enough ? round((complaints / sent) * 100, 3) : 0;
    metrics.push({ name: 'MailBounceRate', value: bounceRate, unit: 'Percent' });
    metrics.push({ name: 'MailComplaintRate', value: complaintRate, unit: 'Percent' });
    if (bounceRate > BOUNCE_RATE_ALARM_PERCENT)
      findings.push(
        `mail bounce rate ${bounceRate} % (${bounces} of ${sent}) is over ${BOUNCE_RATE_ALARM_PERCENT} %`,
      );
    if (complaintRate > COMPLAINT_RATE_ALARM_PERCENT)
      findings.push(
        `mail complaint rate ${complaintRate} % (${complaints} of ${sent}) is over ${COMPLAINT_RATE_ALARM_PERCENT} %`,
      );
  }
  return { metrics, findings };
};
