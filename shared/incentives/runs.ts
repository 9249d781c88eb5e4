/**
 * The incentive runs over storage: the daily accrual (snapshots), the period close (frozen statements) and the
 * statement mail. The engine stays pure; this module reads the sync's deals and earlier closes through a small
 * store port (shared/store/incentives.ts implements it on DynamoDB), and mails through the effect ledger so a
 * re-run never sends twice. Nothing here knows about AWS.
 */
import type { Branding } from '../mail/layout';
import { type AccrualSummary, RepAccrual } from './accrual';
import type { PlanBook } from './book';
import { closePeriod } from './close';
import { creditDeals, type Deal } from './credit';
import { IncentiveConflictError, IncentiveInputError, type Problem } from './errors';
import {
  addDays,
  localDate,
  type Period,
  type PeriodKind,
  parsePeriodKey,
  periodKeyOf,
  previousPeriod,
} from './periods';
import { dealsFromRecords, type SourceDeal } from './source';
import type { Statement } from './statement';
import { type EffectRunner, type MailResult, mailStatements } from './statement-mailing';

export {
  type EffectRunner,
  type MailResult,
  mailStatements,
  statementNames,
} from './statement-mailing';

export interface CloseMarker {
  periodKey: string;
  /** Digest of every (rep, statement hash) of the close. */
  closeId: string;
  closedAt: string;
  statements: number;
}

export type FreezeOutcome = { outcome: 'closed' | 'already-closed'; marker: CloseMarker };

export interface IncentiveStorePort {
  closes(): Promise<CloseMarker[]>;
  close(periodKey: string): Promise<CloseMarker | undefined>;
  statements(periodKey: string): Promise<Statement[]>;
  freeze(periodKey: string, statements: readonly Statement[], now: Date): Promise<FreezeOutcome>;
  putAccruals(date: string, summaries: readonly AccrualSummary[], now: Date): Promise<void>;
  deals(modifiedSince?: Date): Promise<SourceDeal[]>;
}

/** What the runs need of the tenant config. */
export interface IncentiveTenant {
  id: string;
  displayName: string;
  timeZone: string;
  currency: string;
  mail: { sender: string; senderName?: string | undefined; replyTo?: string | undefined };
  branding?: Branding | undefined;
}

/**
 * How far back a close looks for earlier closes and changed deals: a year, or the longest clawback window plus a
 * quarter when a plan's is longer. A change to a deal credited before that is not restated.
 */
export const lookbackStart = (book: PlanBook, period: Period): string => {
  const window = Math.max(0, ...book.config.plans.map((p) => p.clawback.windowDays));
  return addDays(period.start, -Math.max(366, window + 92));
};

const parsePeriod = (periodKey: string, source: string): Period => {
  try {
    return parsePeriodKey(periodKey);
  } catch (err) {
    throw new IncentiveInputError(source, [{ path: 'period', message: (err as Error).message }]);
  }
};

const repsOfKind = (book: PlanBook, kind: PeriodKind) =>
  book.repIds().filter((r) => book.periodKind(r) === kind);

const readDeals = async (
  book: PlanBook,
  store: IncentiveStorePort,
  tenant: IncentiveTenant,
  since: string,
  source: string,
  held: Problem[] | undefined,
  names?: Map<string, string>,
): Promise<Deal[]> => {
  // The scan filters on the source version (epoch ms); a day early absorbs any zone offset.
  const records = await store.deals(new Date(`${addDays(since, -1)}T00:00:00Z`));
  if (names) for (const { record } of records) if (record.name) names.set(record.id, record.name);
  return dealsFromRecords(
    records,
    { currency: tenant.currency, mapping: book.config.dealSource },
    source,
    held,
  );
};

export interface CloseRunResult extends FreezeOutcome {
  periodKey: string;
  statements: Statement[];
  /** Deals left out because the plans cannot credit them (with `hold`), each with the field and reason. */
  held: Problem[];
  /** Deal id → the deal's name in the CRM, for the statement mail. */
  dealNames: Map<string, string>;
}

/**
 * Close a period: compute every statement from the stored deals and earlier closes, then freeze them. A period is
 * closed only after it has ended (in the plans' zone) and after every earlier closed period of its kind; closing
 * it again with identical results is reported as already closed, with different results it is refused.
 */
export const closeRun = async (input: {
  book: PlanBook;
  store: IncentiveStorePort;
  tenant: IncentiveTenant;
  periodKey: string;
  now: Date;
  /**
   * Leave out the deals the plans cannot credit (no close date, no FX rate, a bad split) and report them, instead
   * of refusing the close: one bad deal must not hold up everyone's statement. Once fixed, such a deal of a closed
   * period arrives as an adjustment in the next open one.
   */
  hold?: boolean;
}): Promise<CloseRunResult> => {
  const { book, store, tenant, now } = input;
  const held: Problem[] | undefined = input.hold ? [] : undefined;
  const source = `close ${input.periodKey}`;
  const period = parsePeriod(input.periodKey, source);
  const reps = repsOfKind(book, period.kind);
  if (reps.length === 0)
    throw new IncentiveInputError(source, [
      { path: 'period', message: `no rep is on a ${period.kind === 'month' ? 'monthly' : 'quarterly'} plan` },
    ]);
  const markers = await store.closes();
  const own = markers.find((m) => m.periodKey === period.key);
  const zone = book.basis(reps[0] as string)?.timeZone ?? tenant.timeZone;
  const today = localDate(now.toISOString(), zone);
  if (!own && period.end >= today)
    throw new IncentiveInputError(source, [
      {
        path: 'period',
        message: `${period.key} ends on ${period.end} (${zone}); it can be closed from ${addDays(period.end, 1)}`,
      },
    ]);
  const later = markers
    .map((m) => parsePeriodKey(m.periodKey))
    .find((p) => p.kind === period.kind && p.start > period.end);
  if (!own && later)
    throw new IncentiveConflictError(
      `period ${later.key} is already closed; periods close in order, so ${period.key} cannot be closed now`,
      { periodKey: period.key },
    );
  const since = lookbackStart(book, period);
  const earlier = markers
    .map((m) => parsePeriodKey(m.periodKey))
    .filter((p) => p.start >= since && p.start < period.start)
    .sort((a, b) => a.start.localeCompare(b.start));
  const closed = (await Promise.all(earlier.map((p) => store.statements(p.key)))).flat();
  const dealNames = new Map<string, string>();
  const deals = await readDeals(book, store, tenant, since, `${source}: deals`, held, dealNames);
  const result = closePeriod({ book, periodKey: period.key, deals, closed, ...(held ? { held } : {}) });
  const frozen = await store.freeze(period.key, result.statements, now);
  // An identical re-run returns what is stored (the same content, byte for byte).
  const statements =
    frozen.outcome === 'already-closed' ? await store.statements(period.key) : result.statements;
  return { ...frozen, periodKey: period.key, statements, held: held ?? [], dealNames };
};

/** The period each rep is in on `date` (the rep's plan kind), or the given period for every rep of its kind. */
const accrualPeriods = (book: PlanBook, date: string, periodKey?: string): Map<string, string> => {
  const out = new Map<string, string>();
  const fixed = periodKey ? parsePeriod(periodKey, 'accrual') : undefined;
  for (const rep of book.repIds()) {
    const kind = book.periodKind(rep);
    if (!kind || (fixed && fixed.kind !== kind)) continue;
    out.set(rep, fixed?.key ?? periodKeyOf(date, kind));
  }
  return out;
};

/**
 * What each rep has earned so far in the open period (or `periodKey`), from the stored deals; saved as the day's
 * snapshot when `save` is set. `reps` narrows the run to some reps.
 */
export const accrualRun = async (input: {
  book: PlanBook;
  store: IncentiveStorePort;
  tenant: IncentiveTenant;
  now: Date;
  periodKey?: string;
  reps?: readonly string[];
  save?: boolean;
  /** As for closeRun: leave out and report the deals the plans cannot credit. */
  hold?: boolean;
}): Promise<{ date: string; accruals: AccrualSummary[]; held: Problem[] }> => {
  const { book, store, tenant, now } = input;
  const held: Problem[] | undefined = input.hold ? [] : undefined;
  const date = localDate(now.toISOString(), tenant.timeZone);
  const periods = accrualPeriods(book, date, input.periodKey);
  if (input.reps) {
    const unknown = input.reps.filter((r) => !periods.has(r));
    if (unknown.length)
      throw new IncentiveInputError('accrual', [
        { path: 'rep', message: `${unknown.join(', ')} has no plan for this period` },
      ]);
    for (const r of [...periods.keys()]) if (!input.reps.includes(r)) periods.delete(r);
  }
  const earliest = [...new Set(periods.values())].map((k) => parsePeriodKey(k).start).sort()[0];
  if (!earliest) return { date, accruals: [], held: [] };
  const deals = await readDeals(book, store, tenant, addDays(earliest, -92), 'accrual: deals', held);
  const credits = creditDeals(book, deals, { source: 'accrual: deals', ...(held ? { held } : {}) });
  const accruals = [...periods].map(([rep, key]) =>
    RepAccrual.start(
      book,
      rep,
      key,
      (credits.get(rep) ?? []).filter((c) => c.periodKey === key),
    ).summary(),
  );
  if (input.save) await store.putAccruals(date, accruals, now);
  return { date, accruals, held: held ?? [] };
};

/**
 * For each period kind the plans use, the last period that has ended by `today` (a local date): what the
 * scheduled close closes. Run on the 1st it is the month (or quarter) that just ended; a late re-run still finds it.
 */
export const lastEndedPeriods = (book: PlanBook, today: string): string[] => {
  const kinds = new Set(book.repIds().map((r) => book.periodKind(r)));
  return (['month', 'quarter'] as const)
    .filter((k) => kinds.has(k))
    .map((k) => previousPeriod(parsePeriodKey(periodKeyOf(today, k))).key);
};

export interface ScheduledClose {
  periodKey: string;
  /** False when the period was already closed (by an earlier run or the CLI): its stored statements are mailed. */
  closedNow: boolean;
  statements: number;
  /** Deals the plans could not credit, left out of this close (see closeRun's `hold`). */
  held: Problem[];
  mail: MailResult;
}

/** Names of every stored deal: only for re-mailing a close made earlier (a retry), when none were read. */
const storedDealNames = async (store: IncentiveStorePort): Promise<Map<string, string>> => {
  const names = new Map<string, string>();
  for (const { record } of await store.deals()) if (record.name) names.set(record.id, record.name);
  return names;
};

/**
 * The scheduled close: for each period kind the plans use, the last period that has ended by `now` is closed (bad
 * deals held out) unless it already is, then its statements are mailed. A re-run or a retry recomputes nothing
 * closed and, the effect keys carrying each statement's hash, sends nothing twice.
 */
export const scheduledClose = async (input: {
  book: PlanBook;
  store: IncentiveStorePort;
  tenant: IncentiveTenant;
  now: Date;
  effects: EffectRunner;
  correlationId: (periodKey: string) => string;
}): Promise<ScheduledClose[]> => {
  const { book, store, tenant, now } = input;
  const results: ScheduledClose[] = [];
  for (const periodKey of lastEndedPeriods(book, localDate(now.toISOString(), tenant.timeZone))) {
    const closed = await store.close(periodKey);
    const run = closed ? undefined : await closeRun({ book, store, tenant, periodKey, now, hold: true });
    const statements = run ? run.statements : await store.statements(periodKey);
    const mail = await mailStatements({
      book,
      tenant,
      statements,
      effects: input.effects,
      correlationId: input.correlationId(periodKey),
      dealNames: run?.dealNames ?? (await storedDealNames(store)),
    });
    results.push({
      periodKey,
      closedNow: !closed,
      statements: statements.length,
      held: run?.held ?? [],
      mail,
    });
  }
  return results;
};
