/**
 * When each manager's digest goes out, and what the digest counts as late or at risk: the `digest` section of the
 * goals document (`tenants/goals/<tenant>.json`, beside the org model and the calendars it refers to).
 *
 *   weekly (default): Monday 08:00 in the manager's zone, about the ISO week before;
 *   daily: at `at` the next day, about the day before;
 *   monthly: on day `monthDay` of the next month at `at`, about the month before.
 *
 * A send day that is not a business day in the manager's calendar (a holiday, a weekend for daily digests) moves to
 * the next business morning at the same local time. `managers` overrides any of these per manager (or turns the
 * digest off for one). Which period is due is a pure function of the instant, so a run that fires twice, a missed
 * run caught up by the next, and a clock moved on all agree; the effect ledger sends each period once.
 *
 * zod/mini like every schema a function parses at cold start.
 */
import * as z from '../../events/zod';
import { localDate } from '../incentives/periods';
import {
  addDays,
  type BusinessCalendar,
  businessDaysAfter,
  instantAt,
  isBusinessDay,
} from '../workflows/calendar';
import { type DigestPeriod, type DigestPeriodKind, digestPeriodOn, previousDigestPeriod } from './period';

export const DIGEST_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];
const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const clock = z.lazy(() =>
  z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a local time such as 08:00' })),
);
const managerId = z.lazy(() =>
  z.string().check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/, {
      error: 'must be a person id: 1-100 letters, digits or _.:@- starting with a letter or digit',
    }),
  ),
);
const frequency = z.lazy(() => z.enum(DIGEST_FREQUENCIES, { error: 'must be daily, weekly or monthly' }));
const weekday = z.lazy(() =>
  z.enum(WEEKDAY_NAMES, { error: 'must be a weekday: mon, tue, wed, thu, fri, sat or sun' }),
);
const monthDay = z.lazy(() =>
  z.int().check(z.minimum(1), z.maximum(28, { error: 'must be 1 to 28 (every month has it)' })),
);
const days = (max: number) => z.int().check(z.minimum(1), z.maximum(max));

export const digestConfigSchema = z.lazy(() =>
  z.strictObject({
    frequency: z._default(frequency, 'weekly'),
    /** Weekly: the weekday the digest of the week before goes out. */
    weekday: z._default(weekday, 'mon'),
    /** Local time of day in the manager's zone. */
    at: z._default(clock, '08:00'),
    /** Monthly: the day of the month the digest of the month before goes out. */
    monthDay: z._default(monthDay, 1),
    /** Per manager (by person id): any of the above, or `enabled: false` for no digest. */
    managers: z._default(
      z.record(
        managerId,
        z.strictObject({
          enabled: z.optional(z.boolean()),
          frequency: z.optional(frequency),
          weekday: z.optional(weekday),
          at: z.optional(clock),
          monthDay: z.optional(monthDay),
        }),
      ),
      {},
    ),
    /** A new lead should have its first activity within this many business days of its creation. */
    firstTouchWithin: z._default(days(30), 1),
    /** An open deal with no activity on it or its contacts for this many business days is at risk. */
    noActivityDays: z._default(days(60), 7),
    /** Typical time in a stage until the tenant's history has enough stage changes to take a median of. */
    typicalStageDays: z._default(days(365), 14),
  }),
);

export type DigestConfig = z.infer<typeof digestConfigSchema>;

export const DEFAULT_DIGEST_CONFIG: DigestConfig = {
  frequency: 'weekly',
  weekday: 'mon',
  at: '08:00',
  monthDay: 1,
  managers: {},
  firstTouchWithin: 1,
  noActivityDays: 7,
  typicalStageDays: 14,
};

export interface DigestSchedule {
  enabled: boolean;
  kind: DigestPeriodKind;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Minutes after local midnight. */
  minutes: number;
  monthDay: number;
}

const KIND: Record<DigestFrequency, DigestPeriodKind> = { daily: 'day', weekly: 'week', monthly: 'month' };

/** One manager's schedule: the tenant's, with the manager's overrides. */
export const scheduleFor = (config: DigestConfig, manager: string): DigestSchedule => {
  const own = config.managers[manager] ?? {};
  const at = own.at ?? config.at;
  return {
    enabled: own.enabled ?? true,
    kind: KIND[own.frequency ?? config.frequency],
    weekday: WEEKDAY_NAMES.indexOf(own.weekday ?? config.weekday) + 1,
    minutes: Number(at.slice(0, 2)) * 60 + Number(at.slice(3, 5)),
    monthDay: own.monthDay ?? config.monthDay,
  };
};

/** The local date a period's digest is planned for, before holidays move it. */
export const plannedSendDate = (period: DigestPeriod, s: DigestSchedule): string => {
  const after = addDays(period.end, 1);
  if (period.kind === 'week') return addDays(after, s.weekday - 1);
  if (period.kind === 'month') return addDays(after, s.monthDay - 1);
  return after;
};

/** When a period's digest goes out: its planned day, or the next business day, at the local time. */
export const sendInstantOf = (
  period: DigestPeriod,
  s: DigestSchedule,
  calendar: BusinessCalendar,
  timeZone: string,
): Date => {
  const planned = plannedSendDate(period, s);
  const day = isBusinessDay(calendar, planned) ? planned : businessDaysAfter(calendar, planned, 1);
  return instantAt(day, s.minutes, timeZone);
};

/** How far back a send day can lie from the period that holds today: holidays move it at most a few weeks. */
const LOOK_BACK: Record<DigestPeriodKind, number> = { day: 40, week: 8, month: 3 };

/**
 * The periods whose digest is due at `now`: those with the latest send instant not after `now`. Usually one; a
 * daily digest of Friday, Saturday and Sunday all go out on Monday morning. Earlier periods were due at an earlier
 * run; when every run in between was missed they are not sent late (the newest one says more).
 */
export const duePeriods = (
  now: Date,
  timeZone: string,
  s: DigestSchedule,
  calendar: BusinessCalendar,
): DigestPeriod[] => {
  let p = digestPeriodOn(s.kind, localDate(now.toISOString(), timeZone));
  const candidates: { period: DigestPeriod; at: number }[] = [];
  for (let i = 0; i < LOOK_BACK[s.kind]; i++) {
    const at = sendInstantOf(p, s, calendar, timeZone).getTime();
    if (at <= now.getTime()) candidates.push({ period: p, at });
    p = previousDigestPeriod(p);
  }
  const latest = Math.max(...candidates.map((c) => c.at));
  return candidates
    .filter((c) => c.at === latest)
    .map((c) => c.period)
    .sort((a, b) => (a.start < b.start ? -1 : 1));
};
