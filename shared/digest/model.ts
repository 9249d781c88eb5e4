/**
 * The manager digest as data: for one manager and one period, the team's goal pace in one headline, each rep's
 * goal, pipeline coverage and incentive accrual, what changed in the team's deals during the period, deals at
 * risk (with the reason), wins and goals met, and deals missing an amount or a close date. A pure function of
 * what digest/sources.ts read, so fixed instants give fixed digests. Field names are stable: `digest preview
 * --format json` prints this object and the README documents it.
 *
 * Where each part comes from:
 *   - goal figures: goals/progress.ts (the same figures `goals progress` prints);
 *   - accrual: the latest daily incentive accrual snapshot of the rep (store/incentives.ts);
 *   - changes and wins: the archived domain events of the period (store/event-archive.ts); a deal counts as pushed
 *     or pulled in when its close date differs between two snapshots the events carry in the period (sync emits
 *     no event for a close-date-only edit, so such an edit shows once the deal changes again);
 *   - at risk and data quality: the reps' deals read through the owner index around today (digest/risk.ts), with
 *     their activities (owner index) and the tenant's typical time in stage (the event archive);
 *   - follow-up discipline: the period's new leads and the reps' activities (digest/followup.ts), and the sequence
 *     enrolments of the reps' records, read per rep through the owner index (digest/sequence-figures.ts);
 *   - charts: pipeline by stage and 12 weeks of won amount, from the same deals (digest/charts.ts);
 *   - held out of incentives: the incentive engine's own checks over the team's won deals (digest/held.ts).
 */

import type { CanonicalRecord } from '../../events';
import type { GoalFigures } from '../goals/progress';
import type { AccrualSummary } from '../incentives/accrual';
import { Dec } from '../incentives/money';
import { localDate, startOfLocalDay } from '../incentives/periods';
import type { Locale } from '../org/config';
import type { Person } from '../org/model';
import type { Enrolment } from '../store/enrolments';
import type { ArchivedEvent } from '../store/event-archive';
import { addDays, type BusinessCalendar } from '../workflows/calendar';
import { chartsOf, type DigestCharts, type FxRate } from './charts';
import { type FollowUp, followUpOf } from './followup';
import { line, summed } from './goal-lines';
import type { HeldReason } from './held';
import type { DigestPeriod } from './period';
import { DEFAULT_STALE_AFTER, type RiskReason, risksOf, type StageTime } from './risk';
import { DEFAULT_DIGEST_CONFIG, type DigestConfig } from './schedule';
import { sequenceFiguresOf } from './sequence-figures';

export { DEFAULT_STALE_AFTER, type RiskReason } from './risk';

export interface DigestInput {
  tenant: { id: string; currency: string };
  manager: Person;
  /** The manager's team members over the period. */
  reps: readonly Person[];
  period: DigestPeriod;
  asOf: Date;
  /** The manager's business calendar: stale deals are counted in its business days. */
  calendar: BusinessCalendar;
  /** The goal each rep's row shows (a rep goal); its team goal, if any, makes the headline. */
  primaryGoal?: { rep: string; team?: string } | undefined;
  goalNames: Readonly<Record<string, Record<Locale, string>>>;
  figures: readonly GoalFigures[];
  accruals: ReadonlyMap<string, DigestAccrual>;
  /** The reps' current deals around today (owner index). */
  deals: readonly CanonicalRecord[];
  /** Archived domain events of the period (any owner; the model keeps the team's deals). */
  events: readonly ArchivedEvent[];
  /** Without linked activities: an open deal unchanged for more business days than this is at risk (default 10). */
  staleAfter?: number;
  /** The reps' activities (owner index) from `activitiesSince` (a local date) to as-of. */
  activities?: readonly CanonicalRecord[];
  activitiesSince?: string;
  /** Deal id → when it entered its current stage (stored with the record). */
  stageSince?: ReadonlyMap<string, string>;
  /** The tenant's typical days per stage from the archived history. */
  stageTimes?: ReadonlyMap<string, StageTime>;
  config?: Pick<DigestConfig, 'firstTouchWithin' | 'noActivityDays' | 'typicalStageDays'>;
  fxRate?: FxRate;
  /** The reps' sequence enrolments started within the retention (store/enrolments.ts `ofOwner`). */
  enrolments?: readonly Enrolment[];
  /** The team's won deals the incentive engine holds out, with the reason (digest/held.ts). */
  heldOut?: readonly { deal: CanonicalRecord; reason: HeldReason }[];
}

/**
 * A rep's accrual as the digest shows it: the day's snapshot, or computed by the incentive engine at the digest's
 * instant when the day has no snapshot yet (`basis`); either way what `incentives accrual --json` gives that day.
 */
export type DigestAccrual = AccrualSummary & { date: string; basis?: 'snapshot' | 'computed' };

export interface DealRef {
  id: string;
  name: string;
  owner: { id: string; name: string };
  amount: string | null;
  currency: string | null;
  closeDate: string | null;
  stage: string | null;
  url: string | null;
}

export interface GoalLine {
  goal: string;
  goalName: Record<Locale, string>;
  unit: string;
  actual: string;
  target: string | null;
  expected: string | null;
  /** actual ÷ target and expected ÷ target, four decimals. */
  attainment: string | null;
  expectedAttainment: string | null;
  gap: string | null;
  neededPerWeek: string | null;
  projected: string | null;
  coverage: string | null;
  status: GoalFigures['status'];
}

export interface DigestModel {
  schemaVersion: 1;
  tenant: string;
  manager: { id: string; name: string; locale: Locale; timeZone: string };
  period: DigestPeriod;
  asOf: string;
  /** Nothing changed, nothing at risk, nothing to recognise: the short "quiet week" digest. */
  quiet: boolean;
  headline: (GoalLine & { scope: 'team' | 'sum_of_reps' }) | null;
  reps: {
    id: string;
    name: string;
    goal: GoalLine | null;
    accrual: {
      period: string;
      date: string;
      /** The day's accrual snapshot, or computed at the digest's instant because the day had none yet. */
      basis: 'snapshot' | 'computed';
      currency: string;
      earned: string;
      tier: { component: string; tier: number; rate: string; nextTierNeeds: string | null } | null;
    } | null;
  }[];
  changes: {
    created: DealRef[];
    won: DealRef[];
    lost: DealRef[];
    pushed: (DealRef & { from: string; to: string })[];
    pulledIn: (DealRef & { from: string; to: string })[];
    /** Amount changed during the period: the first and the last amount the period's events carried. */
    amountUp: (DealRef & { from: string; to: string })[];
    amountDown: (DealRef & { from: string; to: string })[];
  };
  atRisk: (DealRef & { reasons: RiskReason[] })[];
  followUp: FollowUp;
  recognition: { wins: DealRef[]; goalsMet: { person: { id: string; name: string }; goal: GoalLine }[] };
  dataQuality: {
    missingAmount: DealRef[];
    missingCloseDate: DealRef[];
    heldOut: (DealRef & { reason: HeldReason })[];
  };
  charts: DigestCharts;
}

const byName = <T extends { name: string; id: string }>(a: T, b: T) =>
  a.name.localeCompare(b.name, 'en') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const urlOf = (r: CanonicalRecord): string | null => {
  const u = r.fields.url ?? r.fields.crmUrl;
  return typeof u === 'string' && /^https:\/\//.test(u) ? u : null;
};

export const buildDigest = (input: DigestInput): DigestModel => {
  const { period, asOf, manager } = input;
  const zone = manager.timeZone;
  const today = localDate(asOf.toISOString(), zone);
  const repIds = new Set(input.reps.map((r) => r.id));
  const nameOf = (id: string) => input.reps.find((r) => r.id === id)?.name ?? id;
  const ref = (r: CanonicalRecord): DealRef => ({
    id: r.id,
    name: r.name ?? r.id,
    owner: { id: r.owner?.id ?? '', name: r.owner ? nameOf(r.owner.id) : '' },
    amount: r.amount ?? null,
    currency: r.amount === undefined ? null : (r.currency ?? input.tenant.currency),
    closeDate: r.closeDate ?? null,
    stage: r.stage ?? null,
    url: urlOf(r),
  });

  // Goals: the rep rows and the headline.
  const primary = input.primaryGoal;
  const repFigure = (id: string) =>
    input.figures.find((f) => f.owner === 'rep' && f.person === id && f.goal === primary?.rep);
  const teamFigure = primary?.team
    ? input.figures.find((f) => f.owner === 'team' && f.goal === primary.team && f.target !== null)
    : undefined;
  const repRows = input.reps.map((p) => repFigure(p.id)).filter((f) => f !== undefined);
  const headline = teamFigure
    ? { ...line(teamFigure, input.goalNames), scope: 'team' as const }
    : (() => {
        const s = summed(repRows, input.goalNames);
        return s ? { ...s, scope: 'sum_of_reps' as const } : null;
      })();

  const reps = [...input.reps].sort(byName).map((p) => {
    const f = repFigure(p.id);
    const a = input.accruals.get(p.id);
    const tier = a?.segments.at(-1)?.tiers[0];
    return {
      id: p.id,
      name: p.name,
      goal: f ? line(f, input.goalNames) : null,
      accrual: a
        ? {
            period: a.periodKey,
            date: a.date,
            basis: a.basis ?? 'snapshot',
            currency: a.currency,
            earned: a.earned,
            tier: tier
              ? {
                  component: tier.componentId,
                  tier: tier.tier,
                  rate: tier.rate,
                  nextTierNeeds: tier.nextTierNeeds ?? null,
                }
              : null,
          }
        : null,
    };
  });

  // Changes of the period, from the archived events of the team's deals.
  const from = startOfLocalDay(period.start, zone).getTime();
  const until = Math.min(asOf.getTime(), startOfLocalDay(addDays(period.end, 1), zone).getTime());
  const events = input.events
    .filter((e) => {
      // The period's events are the whole tenant's: the cheap team test first.
      const owner = e.detail.record.owner?.id;
      if (e.detail.object !== 'deal' || owner === undefined || !repIds.has(owner)) return false;
      const t = Date.parse(e.detail.occurredAt);
      return t >= from && t < until;
    })
    .sort((a, b) => Date.parse(a.detail.occurredAt) - Date.parse(b.detail.occurredAt));
  const latest = new Map<string, CanonicalRecord>();
  const snapshots = new Map<string, CanonicalRecord[]>();
  for (const e of events) {
    latest.set(e.detail.recordId, e.detail.record);
    const list = snapshots.get(e.detail.recordId) ?? [];
    const prev = list.at(-1);
    if (!prev || prev.modifiedAt !== e.detail.record.modifiedAt) list.push(e.detail.record);
    snapshots.set(e.detail.recordId, list);
  }
  const current = new Map(input.deals.map((d) => [d.id, d]));
  const of = (type: string) => {
    const ids = [...new Set(events.filter((e) => e.type === type).map((e) => e.detail.recordId))];
    return ids.map((id) => ref(latest.get(id) as CanonicalRecord));
  };
  const pushed: DigestModel['changes']['pushed'] = [];
  const pulledIn: DigestModel['changes']['pulledIn'] = [];
  const pushes = new Map<string, number>();
  for (const [id, list] of snapshots) {
    const now = current.get(id);
    const all =
      now &&
      Date.parse(now.modifiedAt) < until &&
      Date.parse(now.modifiedAt) > Date.parse(list.at(-1)?.modifiedAt ?? '')
        ? [...list, now]
        : list;
    let times = 0;
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1]?.closeDate;
      const b = all[i]?.closeDate;
      if (a && b && b > a) times++;
    }
    pushes.set(id, times);
    const first = all[0]?.closeDate;
    const last = all.at(-1);
    if (!first || !last?.closeDate || first === last.closeDate || last.status !== 'open') continue;
    (last.closeDate > first ? pushed : pulledIn).push({ ...ref(last), from: first, to: last.closeDate });
  }

  // At risk and data quality, from the reps' open deals as they are now.
  const open = input.deals
    .filter((d) => d.status === 'open' || d.status === undefined)
    .filter((d) => d.owner && repIds.has(d.owner.id))
    .sort((a, b) => (a.closeDate ?? '9999').localeCompare(b.closeDate ?? '9999') || a.id.localeCompare(b.id));
  const config = input.config ?? DEFAULT_DIGEST_CONFIG;
  const activities = (input.activities ?? []).filter((a) => a.owner && repIds.has(a.owner.id));
  const risks = risksOf({
    open,
    today,
    timeZone: zone,
    calendar: input.calendar,
    activities,
    activitiesSince: input.activitiesSince ?? today,
    stageSince: input.stageSince ?? new Map(),
    stageTimes: input.stageTimes ?? new Map(),
    pushes,
    noActivityDays: config.noActivityDays,
    typicalStageDays: config.typicalStageDays,
    staleAfter: input.staleAfter ?? DEFAULT_STALE_AFTER,
  });
  const atRisk: DigestModel['atRisk'] = open.flatMap((d) => {
    const reasons = risks.get(d.id);
    return reasons ? [{ ...ref(d), reasons }] : [];
  });

  // Amount up or down: the first and last amounts of the period's amount changes.
  const amounts = new Map<string, { from: string | null; to: string | null }>();
  for (const e of events) {
    if (e.type !== 'deal.amount_changed') continue;
    const change = (e.detail as { change?: { from: string | null; to: string | null } }).change;
    if (!change) continue;
    const seen = amounts.get(e.detail.recordId);
    amounts.set(e.detail.recordId, { from: seen ? seen.from : change.from, to: change.to });
  }
  const amountUp: DigestModel['changes']['amountUp'] = [];
  const amountDown: DigestModel['changes']['amountDown'] = [];
  for (const [id, { from, to }] of amounts) {
    if (from === null || to === null || new Dec(from).eq(to)) continue;
    const deal = current.get(id) ?? latest.get(id);
    if (deal) (new Dec(to).gt(from) ? amountUp : amountDown).push({ ...ref(deal), from, to });
  }

  const newLeads = input.events
    .filter(
      (e) =>
        e.type === 'lead.created' &&
        e.detail.record.owner !== undefined &&
        repIds.has(e.detail.record.owner.id) &&
        Date.parse(e.detail.occurredAt) >= from &&
        Date.parse(e.detail.occurredAt) < until,
    )
    .map((e) => ({ record: e.detail.record, createdAt: e.detail.occurredAt }));
  const followUp = followUpOf({
    reps: [...input.reps].sort(byName),
    newLeads,
    activities,
    asOf,
    timeZone: zone,
    calendar: input.calendar,
    firstTouchWithin: config.firstTouchWithin,
    sequences: sequenceFiguresOf(
      (input.enrolments ?? []).filter((e) => e.ownerId !== undefined && repIds.has(e.ownerId)),
      { from, until, asOf: asOf.getTime() },
    ),
  });

  const wins = of('deal.won');
  const goalsMet = input.figures
    .filter((f) => f.owner === 'rep' && f.person !== null && repIds.has(f.person) && f.status === 'met')
    .map((f) => ({
      person: { id: f.person as string, name: nameOf(f.person as string) },
      goal: line(f, input.goalNames),
    }));
  const changes = {
    created: of('deal.created'),
    won: wins,
    lost: of('deal.lost'),
    pushed,
    pulledIn,
    amountUp,
    amountDown,
  };
  const dataQuality = {
    missingAmount: open.filter((d) => d.amount === undefined).map(ref),
    missingCloseDate: open.filter((d) => d.closeDate === undefined).map(ref),
    heldOut: (input.heldOut ?? [])
      .filter((h) => h.deal.owner && repIds.has(h.deal.owner.id))
      .map((h) => ({ ...ref(h.deal), reason: h.reason })),
  };
  const charts = chartsOf({
    deals: input.deals.filter((d) => d.owner && repIds.has(d.owner.id)),
    open,
    currency: input.tenant.currency,
    today,
    fxRate: input.fxRate,
  });
  const quiet =
    Object.values(changes).every((l) => l.length === 0) && atRisk.length === 0 && goalsMet.length === 0;
  return {
    schemaVersion: 1,
    tenant: input.tenant.id,
    manager: { id: manager.id, name: manager.name, locale: manager.locale, timeZone: zone },
    period,
    asOf: asOf.toISOString(),
    quiet,
    headline,
    reps,
    changes,
    atRisk,
    followUp,
    recognition: { wins, goalsMet },
    dataQuality,
    charts,
  };
};
