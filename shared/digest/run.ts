/**
 * Making and sending digests over ports, so the CLI (`digest preview|send`) and a scheduled run share one path:
 * `makeDigest` reads and renders one manager's digest; `sendDueDigests` sends every manager the digest due in their
 * own zone on their own schedule (digest/schedule.ts), each exactly once through the effect ledger (a run that
 * fires twice, or a catch-up after a missed one, sends nothing more). The archive's day Queries, the accrual
 * snapshots and the stage history are read once per run and shared by its managers.
 */
import type { TenantConfig } from '../config/tenant';
import { GoalProgress } from '../goals/progress';
import { incentiveQuota } from '../goals/quota';
import type { CompiledGoals } from '../goals/validate';
import type { AccrualSummary } from '../incentives/accrual';
import type { PlanBook } from '../incentives/book';
import { Dec } from '../incentives/money';
import { addDays, localDate, startOfLocalDay } from '../incentives/periods';
import { senderOf } from '../mail/sender';
import type { Locale } from '../org/config';
import type { Org, Person } from '../org/model';
import type { ArchivedEvent } from '../store/event-archive';
import { dealReads } from './deal-reads';
import { heldOutOfIncentives } from './held';
import { buildDigest, type DigestModel } from './model';
import type { DigestPeriod } from './period';
import { digestEmail, type RenderedDigest, renderDigest } from './render';
import type { StageTime } from './risk';
import { duePeriods, scheduleFor } from './schedule';
import { type DigestLedger, digestEffectKey, sendDigestOnce } from './send';
import { collectDigestInput, type DigestSources, managersOf, teamOf } from './sources';
import { type StageEventReader, stageTimesFromArchive } from './stage-history';

/** What a digest reads (digest/sources.ts) without the goal figures, which makeDigest computes from these. */
export interface DigestDeps extends Omit<DigestSources, 'figures'> {
  /** The archived deal stage events of [from, to) (store/event-archive.ts `stageEvents`): typical time in stage. */
  stageEvents: StageEventReader;
  tenant: Pick<TenantConfig, 'id' | 'currency' | 'timeZone' | 'displayName' | 'branding' | 'mail'>;
  goals: CompiledGoals;
  org: Org;
  book?: PlanBook | undefined;
  target(goal: string, period: string, owner: string): Promise<string | undefined>;
}

/**
 * The teams a manager leads, by name, for the subject line; the manager's own name when they lead none, or only
 * teams of the incentive plans, which have an id and no name.
 */
export const teamNameOf = (org: Org, managerId: string, period: DigestPeriod): string => {
  const names = org
    .teams(period.end)
    .filter((t) => t.managerId === managerId && t.source !== 'plan')
    .map((t) => t.name);
  return names.length ? names.join(' · ') : (org.person(managerId)?.name ?? managerId);
};

export const makeDigest = async (
  d: DigestDeps,
  managerId: string,
  period: DigestPeriod,
  asOf: Date,
  locale?: Locale,
): Promise<{ model: DigestModel; rendered: RenderedDigest }> => {
  const { book } = d;
  const zone = d.org.person(managerId)?.timeZone ?? d.tenant.timeZone;
  const deals = dealReads(localDate(asOf.toISOString(), zone), d);
  const progress = new GoalProgress(d.goals, d.org, d.tenant, {
    owned: deals.owned,
    target: d.target,
    ...(book ? { quota: incentiveQuota(book, d.tenant.currency) } : {}),
    fxRate: (from, to, date) => (from === to ? new Dec(1) : book?.fxRate(from, to, date)),
  });
  const input = await collectDigestInput(
    {
      tenant: d.tenant,
      config: d.goals.doc.digest,
      org: d.org,
      goals: d.goals,
      deals,
      sources: {
        owned: d.owned,
        ...(d.ownedDeals ? { ownedDeals: d.ownedDeals } : {}),
        ...(d.enrolmentsOf ? { enrolmentsOf: d.enrolmentsOf } : {}),
        ...(d.accrualAt ? { accrualAt: d.accrualAt } : {}),
        stageTimes: d.stageTimes ?? ((at) => stageTimesFromArchive(d.stageEvents, d.tenant.timeZone, at)),
        eventsOfDay: d.eventsOfDay,
        accruals: d.accruals,
        figures: (q) => progress.figures(q),
      },
    },
    managerId,
    period,
    asOf,
  );
  const model = buildDigest({
    ...input,
    heldOut: heldOutOfIncentives(book, input.deals, d.tenant.currency),
    fxRate: (from, to, date) => book?.fxRate(from, to, date),
  });
  const brand = { name: d.tenant.displayName, branding: d.tenant.branding };
  const rendered = renderDigest(model, brand, {
    teamName: teamNameOf(d.org, managerId, period),
    ...(locale ? { locale } : {}),
  });
  return { model, rendered };
};

/** A period's digest is made as of the period's end in the manager's zone, or now while the period runs. */
export const digestAsOf = (period: DigestPeriod, timeZone: string, now: Date): Date =>
  new Date(Math.min(now.getTime(), startOfLocalDay(addDays(period.end, 1), timeZone).getTime()));

export type DueOutcome =
  | { manager: string; period: string; outcome: 'performed' | 'duplicate' }
  | {
      manager: string;
      period: string;
      outcome: 'skipped';
      reason: 'no email address' | 'nobody reports to them';
    };

/** A digest due: to whom and for which period, and either the address it goes to or why it cannot be made. */
export type DueDigest = { manager: Person; period: DigestPeriod } & (
  | { email: string; skip?: undefined }
  | { skip: 'no email address' | 'nobody reports to them' }
);

/**
 * The digests due at `now`, one list per manager in manager order: each manager whose schedule is on, each period
 * due in their zone on their calendar, and why it cannot be made when it cannot. The one walk that decides what is
 * due: sendDueDigests makes these, and SentDigests (digest/sent.ts) checks them against what a container saw sent.
 */
export const dueDigests = (
  goals: CompiledGoals,
  org: Org,
  tenantTimeZone: string,
  now: Date,
): DueDigest[][] =>
  managersOf(org, localDate(now.toISOString(), tenantTimeZone)).map((id) => {
    const manager = org.person(id);
    if (!manager) return [];
    const schedule = scheduleFor(goals.doc.digest, id);
    if (!schedule.enabled) return [];
    const { email } = manager;
    return duePeriods(now, manager.timeZone, schedule, goals.calendar(manager.calendar)).map(
      (period): DueDigest =>
        teamOf(org, id, period).length === 0
          ? { manager, period, skip: 'nobody reports to them' }
          : email
            ? { manager, period, email }
            : { manager, period, skip: 'no email address' },
    );
  });

/** Managers whose digests a run makes at the same time. */
export const MANAGERS_AT_ONCE = 8;

/** Every manager's digest due at `now` in their zone and on their schedule, each sent at most once. */
export const sendDueDigests = async (
  d: DigestDeps & { ledger: DigestLedger },
  now: Date,
): Promise<DueOutcome[]> => {
  const days = new Map<string, Promise<ArchivedEvent[]>>();
  let stages: Promise<ReadonlyMap<string, StageTime>> | undefined;
  const snapshots = new Map<string, Promise<(AccrualSummary & { date: string })[]>>();
  const computed = new Map<number, Promise<AccrualSummary[]>>();
  const { accrualAt } = d;
  const shared: DigestDeps = {
    ...d,
    // The engine's accrual covers every rep at once: one computation per instant for the whole run.
    ...(accrualAt
      ? {
          accrualAt: (at: Date) => {
            let run = computed.get(at.getTime());
            if (!run) {
              run = accrualAt(at);
              computed.set(at.getTime(), run);
            }
            return run;
          },
        }
      : {}),
    accruals: (key, date) => {
      let read = snapshots.get(`${key}|${date}`);
      if (!read) {
        read = d.accruals(key, date);
        snapshots.set(`${key}|${date}`, read);
      }
      return read;
    },
    // One read of the stage history for the whole run, as of the run's instant.
    stageTimes: () => {
      stages ??= stageTimesFromArchive(d.stageEvents, d.tenant.timeZone, now);
      return stages;
    },
    eventsOfDay: (day, from, to) => {
      const key = `${day}|${from.toISOString()}|${to.toISOString()}`;
      let read = days.get(key);
      if (!read) {
        read = d.eventsOfDay(day, from, to);
        days.set(key, read);
      }
      return read;
    },
  };
  const one = async (due: readonly DueDigest[]): Promise<DueOutcome[]> => {
    const out: DueOutcome[] = [];
    for (const digest of due) {
      const { manager, period } = digest;
      const id = manager.id;
      if (digest.skip) {
        out.push({ manager: id, period: period.key, outcome: 'skipped', reason: digest.skip });
        continue;
      }
      if (await d.ledger.isDone?.(digestEffectKey(id, period.key))) {
        out.push({ manager: id, period: period.key, outcome: 'duplicate' });
        continue;
      }
      // The run's one read of the stage history starts with its first digest, beside that digest's own reads
      // (each digest awaits it last), rather than after them.
      shared.stageTimes?.(now).catch(() => undefined);
      const { rendered } = await makeDigest(shared, id, period, digestAsOf(period, manager.timeZone, now));
      const email = digestEmail(rendered, senderOf(d.tenant.mail), digest.email);
      const sent = await sendDigestOnce(d.ledger, id, period.key, email);
      out.push({ manager: id, period: period.key, outcome: sent.outcome });
    }
    return out;
  };
  // A few managers at a time: each digest waits on its reads, not on the CPU. Outcomes stay in manager order.
  const due = dueDigests(d.goals, d.org, d.tenant.timeZone, now);
  const results: DueOutcome[][] = new Array(due.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < due.length; i = next++) results[i] = await one(due[i] ?? []);
  };
  await Promise.all(Array.from({ length: Math.min(MANAGERS_AT_ONCE, due.length) }, worker));
  const out = results.flat();
  return out;
};
