/**
 * Daily accrual: what a rep has earned so far in the open period, the tier they are in and what the next tier
 * needs. The per-rep state keeps each segment's running calculation, so one new deal (the usual case: credited
 * on or after the latest one) costs O(components × tiers). A back-dated deal rebuilds that rep's segment from
 * its credits (still one rep, never the whole tenant). Team components (overrides, team bonus) are settled at
 * close, since they need the whole team's credits; the accrual lists them as pending.
 */
import type { PlanBook } from './book';
import { SegmentCalc, type SegmentSummary } from './calculate';
import {
  type Credit,
  creditDealsRaw,
  creditOrder,
  type Deal,
  publicCredit,
  type RawCredit,
  rawCredit,
} from './credit';
import { type Period, parsePeriodKey } from './periods';
import { microMoney, sumMicro } from './units';

export interface AccrualSummary {
  repId: string;
  periodKey: string;
  currency: string;
  credited: string;
  /** Earned so far from the rep's own components (lines rounded the same way as at close). */
  earned: string;
  segments: SegmentSummary[];
  /** Component ids computed only at close (override, teamBonus). */
  pending: string[];
}

export class RepAccrual {
  private calcs: SegmentCalc[];
  private readonly credits: RawCredit[][];
  /** How the last credit was applied: observable so tests and metrics can tell incremental from rebuilt. */
  lastApplied: 'incremental' | 'rebuilt' | 'ignored' = 'ignored';

  private constructor(
    private readonly book: PlanBook,
    readonly repId: string,
    readonly period: Period,
  ) {
    this.calcs = book.segments(repId, period).map((s) => new SegmentCalc(s));
    this.credits = this.calcs.map(() => []);
  }

  static start(
    book: PlanBook,
    repId: string,
    periodKey: string,
    credits: readonly Credit[] = [],
  ): RepAccrual {
    const acc = new RepAccrual(book, repId, parsePeriodKey(periodKey));
    for (const c of [...credits].sort(creditOrder)) acc.addCredit(c);
    return acc;
  }

  /** Credit a deal (validated like at close) and apply this rep's share. */
  addDeal(deal: Deal): void {
    for (const c of creditDealsRaw(this.book, [deal], { source: `accrual ${this.repId}` }).get(this.repId) ??
      [])
      this.addRaw(c);
  }

  addCredit(credit: Credit): void {
    this.addRaw(rawCredit(credit));
  }

  /** The engine's exact form of a credit (micro-unit amounts), as creditDealsRaw makes them. */
  addRaw(credit: RawCredit): void {
    const i = this.calcs.findIndex((s) => s.covers(credit.date));
    const calc = this.calcs[i];
    const list = this.credits[i];
    if (credit.repId !== this.repId || credit.periodKey !== this.period.key || !calc || !list) {
      this.lastApplied = 'ignored';
      return;
    }
    if (!calc.last || creditOrder(calc.last, credit) < 0) {
      calc.add(credit, undefined);
      list.push(credit);
      this.lastApplied = 'incremental';
      return;
    }
    // Back-dated (or a re-sent deal): tier slices and milestones depend on order, so replay this segment.
    const kept = list.filter((c) => c.dealId !== credit.dealId);
    kept.push(credit);
    kept.sort(creditOrder);
    const fresh = new SegmentCalc(calc.segment);
    for (const c of kept) fresh.add(c, undefined);
    this.calcs[i] = fresh;
    this.credits[i] = kept;
    this.lastApplied = 'rebuilt';
  }

  allCredits(): Credit[] {
    return this.credits.flat().map(publicCredit);
  }

  allRawCredits(): RawCredit[] {
    return this.credits.flat();
  }

  summary(): AccrualSummary {
    const currency = this.calcs[0]?.currency ?? this.book.basis(this.repId)?.currency ?? 'CNY';
    return {
      repId: this.repId,
      periodKey: this.period.key,
      currency,
      credited: microMoney(sumMicro(this.calcs.map((c) => c.credited)), currency),
      earned: microMoney(sumMicro(this.calcs.map((c) => c.total())), currency),
      segments: this.calcs.map((c) => c.summary()),
      pending: [...new Set(this.calcs.flatMap((c) => c.teamComponents.map((t) => t.id)))],
    };
  }
}
