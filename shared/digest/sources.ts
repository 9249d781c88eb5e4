/**
 * What one manager's digest reads, through small ports: the manager's team (org model), goal figures of the team
 * and its reps (goals/progress.ts), each rep's deals around today (one owner-index Query per rep), the archived
 * domain events of the period (one Query per local day, shared by every manager of a run), each rep's activities
 * of the last 30 days or the period (one owner-index Query per rep), the tenant's typical time in stage (once per
 * run, digest/stage-history.ts), the latest incentive accrual snapshot (one Query per period and day) and each rep's
 * sequence enrolments of the retention window (one owner-index Query per rep). Never a table scan.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { codedError } from '../errors';
import type { GoalFigures, ProgressQuery } from '../goals/progress';
import type { CompiledGoals } from '../goals/validate';
import type { AccrualSummary } from '../incentives/accrual';
import { localDate, periodKeyOf, startOfLocalDay } from '../incentives/periods';
import type { Locale } from '../org/config';
import type { Org } from '../org/model';
import { ENROLMENT_RETENTION_DAYS, type Enrolment } from '../store/enrolments';
import { type ArchivedEvent, localDaysBetween } from '../store/event-archive';
import { addDays, type BusinessCalendar, isBusinessDay } from '../workflows/calendar';
import { DEAL_WINDOW_DAYS, type DealReads, dealReads } from './deal-reads';
import type { DigestAccrual, DigestInput } from './model';
import type { DigestPeriod } from './period';
import type { StageTime } from './risk';
import { DEFAULT_DIGEST_CONFIG, type DigestConfig } from './schedule';

export interface DigestSources {
  owned(object: CrmObject, ownerId: string, lower: string, upper: string): Promise<CanonicalRecord[]>;
  /** owned deals with when each entered its stage (RecordRepository.ownedStored); owned without it. */
  ownedDeals?(
    ownerId: string,
    lower: string,
    upper: string,
  ): Promise<{ record: CanonicalRecord; stageSince?: string }[]>;
  /** The tenant's typical days per stage (digest/stage-history.ts), shared by the managers of a run. */
  stageTimes?(asOf: Date): Promise<ReadonlyMap<string, StageTime>>;
  eventsOfDay(localDate: string, from: Date, to: Date): Promise<ArchivedEvent[]>;
  accruals(periodKey: string, date: string): Promise<(AccrualSummary & { date: string })[]>;
  /**
   * Every rep's accrual computed by the incentive engine at an instant, as `incentives accrual --json` prints it
   * (incentives/runs.ts accrualRun over the stored deals): used when the digest's day has no snapshot yet.
   */
  accrualAt?(asOf: Date): Promise<AccrualSummary[]>;
  figures(q: ProgressQuery): Promise<GoalFigures[]>;
  /** Sequence enrolments of records the owner had, started from `from` on (EnrolmentRepository.ofOwner). */
  enrolmentsOf?(ownerId: string, from: Date): Promise<Enrolment[]>;
}

export interface DigestContext {
  tenant: { id: string; currency: string; timeZone: string };
  config?: DigestConfig;
  org: Org;
  goals: CompiledGoals;
  sources: DigestSources;
  /** The digest's deal reads, shared with its goal figures (digest/deal-reads.ts); made here when absent. */
  deals?: DealReads;
}

export { DEAL_WINDOW_DAYS };
/**
 * The day activities are read from: the earlier of the period's start (first-response times of the period's leads)
 * and the day before the last `noActivityDays + 1` business days, which is as far back as "no activity for more
 * than N business days" needs to look: a deal with no activity since then is at risk, and says "no activity logged
 * in <that many> business days" (risk.ts counts from this day).
 */
export const activitiesFrom = (
  period: DigestPeriod,
  today: string,
  calendar: BusinessCalendar,
  noActivityDays: number,
): string => {
  let day = today;
  for (let counted = 0; counted < noActivityDays + 1; ) {
    day = addDays(day, -1);
    if (isBusinessDay(calendar, day)) counted++;
  }
  return [period.start, addDays(day, -1)].sort()[0] as string;
};

export class UnknownManagerError extends codedError('not_found') {
  override readonly name = 'UnknownManagerError';
}

/** The people a manager's digest is about: members of the teams they lead over the period, else direct reports. */
export const teamOf = (org: Org, managerId: string, period: DigestPeriod): string[] => {
  const led = org.teams(period.end).filter((t) => t.managerId === managerId);
  const ids = led.flatMap((t) => org.membersDuring(t.id, period.start, period.end));
  const reps = ids.length ? ids : org.directReports(managerId).map((p) => p.id);
  return [...new Set(reps)].filter((id) => id !== managerId).sort();
};

/** Managers the org knows: team managers and anyone with active direct reports. */
export const managersOf = (org: Org, on: string): string[] =>
  [
    ...new Set([
      ...org.teams(on).flatMap((t) => (t.managerId ? [t.managerId] : [])),
      ...org.everyone().flatMap((p) => (p.active && p.managerId ? [p.managerId] : [])),
    ]),
  ]
    .filter((id) => org.person(id)?.active !== false)
    .sort();

const names = (goals: CompiledGoals): Record<string, Record<Locale, string>> =>
  Object.fromEntries(
    goals.doc.goals.map((g) => {
      const n = g.name as Partial<Record<Locale, string>>;
      const any = n.en ?? n['zh-CN'] ?? g.id;
      return [g.id, { en: n.en ?? any, 'zh-CN': n['zh-CN'] ?? any }];
    }),
  );

/**
 * The reps' accruals: the day's snapshot (the daily accrual stores one per rep), else, while the day has none (a
 * fresh runtime before its first nightly run, or a night the run failed), the engine's accrual at the digest's
 * instant, which is what `incentives accrual --json` prints then. A port without the engine falls back to the
 * latest snapshot of the last two days.
 */
const accrualsOf = async (
  sources: DigestSources,
  repIds: readonly string[],
  today: string,
  asOf: Date,
): Promise<Map<string, DigestAccrual>> => {
  const out = new Map<string, DigestAccrual>();
  const dates = sources.accrualAt ? [today] : [today, addDays(today, -1), addDays(today, -2)];
  for (const key of [periodKeyOf(today, 'month'), periodKeyOf(today, 'quarter')])
    for (const date of dates) {
      const found = (await sources.accruals(key, date)).filter((a) => repIds.includes(a.repId));
      if (found.length === 0) continue;
      for (const a of found) out.set(a.repId, { ...a, basis: 'snapshot' });
      return out;
    }
  if (!sources.accrualAt) return out;
  for (const a of await sources.accrualAt(asOf))
    if (repIds.includes(a.repId)) out.set(a.repId, { ...a, date: today, basis: 'computed' });
  return out;
};

export const collectDigestInput = async (
  ctx: DigestContext,
  managerId: string,
  period: DigestPeriod,
  asOf: Date,
): Promise<DigestInput> => {
  const { org, goals, sources, tenant } = ctx;
  const manager = org.person(managerId);
  if (!manager) throw new UnknownManagerError(`manager "${managerId}" is not in the org`);
  const today = localDate(asOf.toISOString(), manager.timeZone);
  const repIds = teamOf(org, managerId, period);
  const reps = repIds.map((id) => org.person(id)).filter((p) => p !== undefined);

  const led = org.teams(period.end).filter((t) => t.managerId === managerId);
  const figures = new Map<string, GoalFigures>();
  const queries: ProgressQuery[] = led.length
    ? led.map((t) => ({ asOf, team: t.id }))
    : repIds.map((person) => ({ asOf, person }));
  for (const list of await Promise.all(queries.map((q) => sources.figures(q))))
    for (const f of list)
      if (f.owner === 'team' || (f.person && repIds.includes(f.person)))
        figures.set(`${f.goal}|${f.owner}|${f.person ?? f.team}`, f);

  const repGoal = goals.doc.goals.find((g) => g.owner === 'rep');
  const teamGoal = goals.doc.goals.find(
    (g) =>
      g.owner === 'team' &&
      (!g.teams || g.teams.some((t) => led.some((l) => l.id === t))) &&
      repGoal !== undefined &&
      g.metric.type === repGoal.metric.type,
  );

  const reads = ctx.deals ?? dealReads(today, sources);
  const stored = (await Promise.all(repIds.map((id) => reads.window(id)))).flat();
  const deals = stored.map((s) => s.record);
  const stageSince = new Map(
    stored.flatMap((s) => (s.stageSince ? [[s.record.id, s.stageSince] as const] : [])),
  );
  const calendar = goals.calendar(manager.calendar);
  const config = ctx.config ?? DEFAULT_DIGEST_CONFIG;
  const activitiesSince = activitiesFrom(period, today, calendar, config.noActivityDays);
  const activityFrom = startOfLocalDay(activitiesSince, manager.timeZone).toISOString();
  const activities = (
    await Promise.all(repIds.map((id) => sources.owned('activity', id, activityFrom, asOf.toISOString())))
  ).flat();

  const from = startOfLocalDay(period.start, manager.timeZone);
  const end = startOfLocalDay(addDays(period.end, 1), manager.timeZone);
  const until = new Date(Math.min(asOf.getTime(), end.getTime()));
  const events: ArchivedEvent[] = (
    await Promise.all(
      localDaysBetween(from, until, tenant.timeZone).map((day) => sources.eventsOfDay(day, from, until)),
    )
  ).flat();

  const enrolmentsFrom = new Date(asOf.getTime() - ENROLMENT_RETENTION_DAYS * 86_400_000);
  const enrolments = sources.enrolmentsOf
    ? (await Promise.all(repIds.map((id) => sources.enrolmentsOf?.(id, enrolmentsFrom) ?? []))).flat()
    : [];

  const accruals = await accrualsOf(sources, repIds, today, asOf);

  return {
    tenant: { id: tenant.id, currency: tenant.currency },
    manager,
    reps,
    period,
    asOf,
    calendar,
    primaryGoal: repGoal ? { rep: repGoal.id, ...(teamGoal ? { team: teamGoal.id } : {}) } : undefined,
    goalNames: names(goals),
    figures: [...figures.values()],
    accruals,
    deals,
    events,
    activities,
    activitiesSince,
    stageSince,
    enrolments,
    stageTimes: (await sources.stageTimes?.(asOf)) ?? new Map(),
    config,
  };
};
