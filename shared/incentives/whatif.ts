/**
 * What-if, read-only: replay a draft plan book over closed periods' effective credits and compare per rep with
 * the current book; and the rep-level estimator ("if this deal closes, you earn ..."). Nothing here writes or
 * mutates the inputs: the accrual passed to the estimator is copied.
 */
import { RepAccrual } from './accrual';
import type { PlanBook } from './book';
import { calculateRepRaw, calculateTeamBonusesRaw } from './calculate';
import {
  type CreditRecord,
  creditDealsRaw,
  creditOrder,
  type Deal,
  fromCreditRecord,
  type RawCredit,
} from './credit';
import { parsePeriodKey } from './periods';
import type { Statement } from './statement';
import { type Micro, microMoney, sumMicro, toMicro } from './units';

export interface WhatIfRow {
  repId: string;
  oldTotal: string;
  newTotal: string;
  difference: string;
}

/** Earnings (components and team bonus; no draws or adjustments) over the periods, per rep. */
const earnings = (book: PlanBook, periods: Map<string, Map<string, RawCredit[]>>): Map<string, Micro> => {
  const out = new Map<string, Micro>();
  for (const [key, byRep] of periods) {
    const period = parsePeriodKey(key);
    const team = { book, credits: byRep };
    const bonuses = calculateTeamBonusesRaw(book, period, byRep);
    for (const rep of byRep.keys()) {
      const lines = [
        ...(calculateRepRaw(book, rep, period, byRep.get(rep) ?? [], team)?.lines ?? []),
        ...(bonuses.get(rep) ?? []),
      ];
      out.set(rep, (out.get(rep) ?? 0n) + sumMicro(lines.map((l) => l.amount)));
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
  const periods = new Map<string, Map<string, RawCredit[]>>();
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
    const o = before.get(repId) ?? 0n;
    const n = after.get(repId) ?? 0n;
    return {
      repId,
      oldTotal: microMoney(o, currency),
      newTotal: microMoney(n, currency),
      difference: microMoney(n - o, currency),
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
  const copy = RepAccrual.start(book, accrual.repId, accrual.period.key);
  for (const c of [...accrual.allRawCredits()].sort(creditOrder)) copy.addRaw(c);
  const won: Deal = { ...deal, status: 'won' };
  for (const c of creditDealsRaw(book, [won], { source: 'estimate' }).get(accrual.repId) ?? [])
    copy.addRaw(c);
  const after = copy.summary();
  return {
    earnedNow: now.earned,
    earnedIfWon: after.earned,
    additional: microMoney(toMicro(after.earned) - toMicro(now.earned), now.currency),
    tierAfter: after,
  };
};
