/**
 * Period close. A closed period is frozen: its statements (with content hashes) are never recomputed in place.
 * CRM changes to deals of closed periods that are known by the end of the period being closed (modifiedAt) are
 * restated against the closed period's effective credits, and the differences, line by line against what was
 * paid so far, become adjustment (or clawback) lines in this period, each tied to the line it corrects.
 * The close is a pure function of its inputs: re-running it yields byte-identical statements.
 */
import type { PlanBook } from './book';
import {
  calculateRepRaw as calculateRep,
  calculateTeamBonusesRaw as calculateTeamBonuses,
  type RawTeamCredits as TeamCredits,
} from './calculate';
import {
  type RawCredit as Credit,
  type CreditRecord,
  creditDealsRaw as creditDeals,
  creditOrder,
  type Deal,
  freshCreditRecord,
  fromCreditRecord,
  toCreditRecord,
} from './credit';
import { settleDrawMicro } from './draws';
import type { Problem } from './errors';
import { IncentiveConflictError } from './errors';
import type { RawLine as Line } from './lines';
import { minorUnit } from './money';
import { sortByCreditOrder } from './order';
import { dayNumber, localDate, type Period, parsePeriodKey, previousPeriod } from './periods';
import { buildStatement, canonicalJson, type Statement } from './statement';
import { type Micro, microMoney, roundMicro, toMicro } from './units';

export interface CloseInput {
  book: PlanBook;
  periodKey: string;
  /** Deals credited in the period, plus every deal changed since the previous close (any status). */
  deals: readonly Deal[];
  /** Frozen statements of earlier closes (at least: the previous period, and periods late changes touch). */
  closed: readonly Statement[];
  /** Hold deals the plans cannot credit (left out, problems added here) instead of refusing the close. */
  held?: Problem[];
}

export interface CloseResult {
  periodKey: string;
  statements: Statement[];
}

type Effective = Map<string, Map<string, CreditRecord[]>>; // period → rep → credits

/** Each closed (rep, period)'s credits as last restated, else as frozen. */
const effectiveCredits = (closed: readonly Statement[]): Effective => {
  const out: Effective = new Map();
  const put = (period: string, rep: string, credits: CreditRecord[]) => {
    let m = out.get(period);
    if (!m) {
      m = new Map();
      out.set(period, m);
    }
    m.set(rep, credits);
  };
  const ordered = [...closed].sort((a, b) => a.periodStart.localeCompare(b.periodStart));
  for (const s of ordered) if (!out.get(s.periodKey)?.has(s.repId)) put(s.periodKey, s.repId, s.credits);
  for (const s of ordered) for (const r of s.restatements) put(r.periodKey, s.repId, r.credits);
  return out;
};

const refuseBadClose = (input: CloseInput, period: Period) => {
  const done = input.closed.find((s) => s.periodKey === period.key);
  if (done)
    throw new IncentiveConflictError(
      `period ${period.key} is already closed (statement ${done.hash.slice(0, 12)} for ${done.repId}); a closed period is frozen`,
      { periodKey: period.key },
    );
  const later = input.closed.find(
    (s) => s.periodStart > period.end && s.periodKey.includes('Q') === period.key.includes('Q'),
  );
  if (later)
    throw new IncentiveConflictError(
      `period ${later.periodKey} is already closed; periods close in order, so ${period.key} cannot be closed now`,
      { periodKey: period.key },
    );
};

export const closePeriod = (input: CloseInput): CloseResult => {
  const { book } = input;
  const period = parsePeriodKey(input.periodKey);
  refuseBadClose(input, period);
  const reps = book.repIds().filter((r) => book.periodKind(r) === period.kind);
  const repSet = new Set(reps);
  // A first close (nothing earlier to restate) credits this period's deals only, and sorts each rep's credits
  // only when it calculates that rep: the sort, the calculation and the statement then touch the rep's credits
  // back to back, while they are in the CPU's cache, instead of a sort of all 200,000 before any is calculated.
  // A close that restates needs every period's credits, sorted, as before.
  const restating = input.closed.some((s) => s.periodStart < period.start);
  const current = creditDeals(book, input.deals, {
    source: `close ${period.key}: deals`,
    unsorted: !restating,
    ...(restating ? {} : { periodKey: period.key }),
    ...(input.held ? { held: input.held } : {}),
  });
  const ofPeriod = (list: Credit[] | undefined): Credit[] =>
    !list ? [] : restating ? list.filter((c) => c.periodKey === period.key) : list;

  // This period's credits, by rep, for team components (which only sum them, so their order does not matter);
  // none are needed without teams.
  const credits = new Map<string, Credit[]>();
  if (book.teams.size)
    for (const [rep, list] of current) if (repSet.has(rep)) credits.set(rep, ofPeriod(list));

  const adjustments = restate(input, period, current, repSet);

  const team: TeamCredits = { book, credits };
  const bonuses = calculateTeamBonuses(book, period, credits);
  const prev = previousPeriod(period).key;
  const balances = new Map(
    input.closed.filter((s) => s.periodKey === prev).map((s) => [s.repId, toMicro(s.drawBalance.after)]),
  );
  const statements: Statement[] = [];
  for (const rep of reps) {
    const list = credits.get(rep) ?? ofPeriod(current.get(rep));
    const own = restating ? list : sortByCreditOrder(list);
    const calc = calculateRep(book, rep, period, own, team);
    const adj = adjustments.get(rep);
    if (!calc && !adj) continue;
    const plan = book.segments(rep, period).at(-1)?.plan ?? book.basis(rep);
    const currency = calc?.currency ?? plan?.currency ?? 'CNY';
    const lines: Line[] = [...(calc?.lines ?? []), ...(bonuses.get(rep) ?? []), ...(adj?.lines ?? [])];
    const before = balances.get(rep) ?? 0n;
    let earned = 0n;
    for (const l of lines) earned += l.amount;
    // Draws are per rep, not per deal: settled with decimal.js by the public settleDraw, converted back.
    const draw = settleDrawMicro(plan, period, earned, before);
    const drawLines: Line[] = draw.lines;
    const digits = minorUnit(currency);
    const records: CreditRecord[] = [];
    let credited = 0n;
    for (const c of own) {
      records.push(freshCreditRecord(c, currency)); // `own` comes straight from creditDeals
      credited += roundMicro(c.amount, digits);
    }
    statements.push(
      buildStatement({
        repId: rep,
        periodKey: period.key,
        periodStart: period.start,
        periodEnd: period.end,
        currency,
        locale: book.locale(rep),
        segments: calc?.segments ?? [],
        credits: records,
        // Σ of the credits as recorded (rounded to the minor unit), as the records' sum always was.
        credited,
        lines: [...lines, ...drawLines],
        restatements: adj?.restatements ?? [],
        drawBalanceBefore: before,
        drawBalanceAfter: draw.balanceAfter,
      }),
    );
  }
  return { periodKey: period.key, statements };
};

interface RepAdjustments {
  lines: Line[];
  restatements: { periodKey: string; credits: CreditRecord[] }[];
}

/** Restate closed (rep, period) pairs touched by changed deals; return the per-rep adjustment lines for `period`. */
const restate = (
  input: CloseInput,
  period: Period,
  current: Map<string, Credit[]>,
  repSet: Set<string>,
): Map<string, RepAdjustments> => {
  const { book } = input;
  const out = new Map<string, RepAdjustments>();
  const effective = effectiveCredits(input.closed.filter((s) => s.periodStart < period.start));
  if (effective.size === 0) return out; // a first close: nothing to restate
  // Built only here: a first close never looks deals up by id, and 200,000 entries are not free.
  const dealsById = new Map<string, Deal>();
  for (const d of input.deals) dealsById.set(d.id, d);
  const knownBy = (d: Deal, tz: string) => localDate(d.modifiedAt, tz) <= period.end;
  const currentByPeriod = new Map<string, Credit>(); // `${period}|${rep}|${deal}`
  for (const list of current.values())
    for (const c of list) currentByPeriod.set(`${c.periodKey}|${c.repId}|${c.dealId}`, c);

  for (const [closedKey, byRep] of [...effective].sort(([a], [b]) => a.localeCompare(b))) {
    const closed = parsePeriodKey(closedKey);
    const patched = new Map<string, Credit[]>();
    const changed = new Set<string>();
    const reasons = new Map<string, 'changed' | 'reversed' | 'late'>();
    const repsHere = new Set([
      ...byRep.keys(),
      ...[...current.values()]
        .flat()
        .filter((c) => c.periodKey === closedKey)
        .map((c) => c.repId),
    ]);
    for (const rep of [...repsHere].sort()) {
      const plan = book.basis(rep);
      if (!plan || !repSet.has(rep)) continue;
      const frozen = byRep.get(rep) ?? [];
      const next: Credit[] = [];
      const seen = new Set<string>();
      for (const rec of frozen) {
        seen.add(rec.dealId);
        const deal = dealsById.get(rec.dealId);
        const now = currentByPeriod.get(`${closedKey}|${rep}|${rec.dealId}`);
        if (!deal || !knownBy(deal, plan.timeZone)) next.push(fromCreditRecord(rec));
        else if (now) {
          if (canonicalJson(toCreditRecord(now, plan.currency)) !== canonicalJson(rec))
            reasons.set(`${rep}|${rec.dealId}`, 'changed');
          next.push(now);
        } else if (deal.status !== 'won') {
          // A reversal: clawed back only within the plan's window; afterwards the commission is kept.
          const seg = book.segments(rep, closed).find((s) => rec.date >= s.from && rec.date <= s.to);
          const rule = (seg?.plan ?? plan).clawback;
          const reversedOn = localDate(deal.statusChangedAt ?? deal.modifiedAt, plan.timeZone);
          if (dayNumber(reversedOn) - dayNumber(rec.date) > rule.windowDays) next.push(fromCreditRecord(rec));
          else {
            reasons.set(`${rep}|${rec.dealId}`, 'reversed');
            if (!rule.reduceAttainment) next.push({ ...fromCreditRecord(rec), payable: false });
          }
        } else reasons.set(`${rep}|${rec.dealId}`, 'changed'); // moved to another period or off this rep
      }
      for (const c of current.get(rep) ?? []) {
        if (c.periodKey !== closedKey || seen.has(c.dealId)) continue;
        const deal = dealsById.get(c.dealId);
        if (deal && knownBy(deal, plan.timeZone)) {
          next.push(c);
          reasons.set(`${rep}|${c.dealId}`, 'late');
        }
      }
      next.sort(creditOrder);
      patched.set(rep, next);
      if (canonicalJson(next.map((c) => toCreditRecord(c, plan.currency))) !== canonicalJson(frozen))
        changed.add(rep);
    }
    if (changed.size === 0) continue;
    // Team components of a changed rep's teams must be restated too.
    const affected = new Set(changed);
    for (const rep of changed)
      for (const t of book.teamsOf(rep))
        for (const r of [t.managerId, ...t.members]) if (patched.has(r)) affected.add(r);
    const team: TeamCredits = { book, credits: patched };
    const bonuses = calculateTeamBonuses(book, closed, patched);
    const paidSoFar = netToDate(input.closed, closedKey);
    for (const rep of [...affected].sort()) {
      const calc = calculateRep(book, rep, closed, patched.get(rep) ?? [], team);
      const restated = new Map<string, Line>();
      for (const l of [...(calc?.lines ?? []), ...(bonuses.get(rep) ?? [])]) restated.set(l.key, l);
      const paid = paidSoFar.get(rep) ?? new Map<string, Micro>();
      const currency = book.basis(rep)?.currency ?? 'CNY';
      const lines: Line[] = [];
      for (const key of [...new Set([...paid.keys(), ...restated.keys()])].sort()) {
        const was = paid.get(key) ?? 0n;
        const line = restated.get(key);
        const now = line?.amount ?? 0n;
        if (now === was) continue;
        const dealId = line?.dealId ?? dealOfKey(key);
        const reason = (dealId && reasons.get(`${rep}|${dealId}`)) || 'changed';
        lines.push({
          key: `adj:${closedKey}:${key}`,
          kind: reason === 'reversed' ? 'clawback' : 'adjustment',
          componentId: line?.componentId,
          dealId,
          amount: now - was,
          trace: {
            code: 'restated',
            originPeriod: closedKey,
            was: microMoney(was, currency),
            now: microMoney(now, currency),
            reason,
          },
          origin: { periodKey: closedKey, key },
        });
      }
      const entry = out.get(rep) ?? { lines: [], restatements: [] };
      entry.lines.push(...lines);
      if (changed.has(rep))
        entry.restatements.push({
          periodKey: closedKey,
          credits: (patched.get(rep) ?? []).map((c) => toCreditRecord(c, currency)),
        });
      if (entry.lines.length || entry.restatements.length) out.set(rep, entry);
    }
  }
  return out;
};

/** Deal id inside a line key "<plan>@<v>:<component>|<deal>|…", for keys of lines that no longer exist. */
const dealOfKey = (key: string): string | undefined => key.split('|')[1];

/** What each line of a closed period has paid so far: its frozen amount plus every later adjustment tied to it. */
const netToDate = (closed: readonly Statement[], periodKey: string): Map<string, Map<string, Micro>> => {
  const out = new Map<string, Map<string, Micro>>();
  const add = (rep: string, key: string, amount: string) => {
    let m = out.get(rep);
    if (!m) {
      m = new Map();
      out.set(rep, m);
    }
    m.set(key, (m.get(key) ?? 0n) + toMicro(amount));
  };
  for (const s of closed) {
    for (const l of s.lines) {
      if (s.periodKey === periodKey && l.kind !== 'draw' && !l.origin) add(s.repId, l.key, l.amount);
      else if (l.origin?.periodKey === periodKey) add(s.repId, l.origin.key, l.amount);
    }
  }
  return out;
};
