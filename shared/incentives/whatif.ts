/**
 * What-if, read-only: replay a draft plan book over closed periods' effective credits and compare per rep with
 * the current book; and the rep-level estimator ("if this deal closes, you earn ..."). Nothing here writes or
 * mutates the inputs: the accrual passed to the estimator is copied.
 */
import { RepAccrual } from './accrual';
import type { PlanBook } from './book';
import { calculateRep, calculateTeamBonuses } from './calculate';
import { type Credit, type CreditRecord, creditDeals, type Deal, fromCreditRecord } from './credit';
import { Dec, moneyString, sum, ZERO } from './money';
import { parsePeriodKey } from './periods';
import type { Statement } from './statement';

export interface WhatIfRow {
  repId: string;
  oldTotal: string;
  newTotal: string;
  difference: string;
}

/** Earnings (components and team bonus; no draws or adjustments) over the periods, per rep. */
const earnings = (book: PlanBook, periods: Map<string, Map<string, Credit[]>>): Map<string, Dec> => {
  const out = new Map<string, Dec>();
  for (const [key, byRep] of periods) {
    const period = parsePeriodKey(key);
    const team = { book, credits: byRep };
    const bonuses = calculateTeamBonuses(book, period, byRep);
    for (const rep of byRep.keys()) {
      const lines = [
        ...(calculateRep(book, rep, period, byRep.get(rep) ?? [], team)?.lines ?? []),
        ...(bonuses.get(rep) ?? []),
      ];
      out.set(rep, (out.get(rep) ?? ZERO).plus(sum(lines.map((l) => l.amount))));
    }
  }
  return out;
};

/** Replay `draft` over the last `count` closed periods found in `closed`; rows sorted by rep. */
export const replayDraft = (
  current: PlanBook,
  draft: PlanBook,
  closed: readonly Statement[],
  count: number,
): WhatIfRow[] => {
  const keys = [
    ...new Set(
      [...closed].sort((a, b) => a.periodStart.localeCompare(b.periodStart)).map((s) => s.periodKey),
    ),
  ].slice(-count);
  const periods = new Map<string, Map<string, Credit[]>>();
  const latest = new Map<string, CreditRecord[]>();
  for (const s of [...closed].sort((a, b) => a.periodStart.localeCompare(b.periodStart))) {
    if (!latest.has(`${s.periodKey}|${s.repId}`)) latest.set(`${s.periodKey}|${s.repId}`, s.credits);
    for (const r of s.restatements) latest.set(`${r.periodKey}|${s.repId}`, r.credits);
  }
  for (const [k, credits] of latest) {
    const [periodKey = '', repId = ''] = k.split('|');
    if (!keys.includes(periodKey)) continue;
    let m = periods.get(periodKey);
    if (!m) {
      m = new Map();
      periods.set(periodKey, m);
    }
    m.set(repId, credits.map(fromCreditRecord));
  }
  const before = earnings(current, periods);
  const after = earnings(draft, periods);
  return [...new Set([...before.keys(), ...after.keys()])].sort().map((repId) => {
    const currency = current.basis(repId)?.currency ?? draft.basis(repId)?.currency ?? 'CNY';
    const o = before.get(repId) ?? ZERO;
    const n = after.get(repId) ?? ZERO;
    return {
      repId,
      oldTotal: moneyString(o, currency),
      newTotal: moneyString(n, currency),
      difference: moneyString(n.minus(o), currency),
    };
  });
};

export interface Estimate {
  earnedNow: string;
  earnedIfWon: string;
  /** "If this deal closes, you earn" this much more (own components; team components settle at close). */
  additional: string;
  tierAfter: RepAccrual['summary'] extends () => infer S ? S : never;
}

export const estimateDeal = (book: PlanBook, accrual: RepAccrual, deal: Deal): Estimate => {
  const now = accrual.summary();
  const copy = RepAccrual.start(book, accrual.repId, accrual.period.key, accrual.allCredits());
  const won: Deal = { ...deal, status: 'won' };
  for (const c of creditDeals(book, [won], { source: 'estimate' }).get(accrual.repId) ?? [])
    copy.addCredit(c);
  const after = copy.summary();
  return {
    earnedNow: now.earned,
    earnedIfWon: after.earned,
    additional: moneyString(new Dec(after.earned).minus(now.earned), now.currency),
    tierAfter: after,
  };
};
