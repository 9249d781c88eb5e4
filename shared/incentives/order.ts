/**
 * Sorting credits in creditOrder (date, then deal id) without comparing strings per step: an ISO date
 * "yyyy-mm-dd" read as the number yyyymmdd orders exactly as the string does (fixed width, digits only), and a
 * rep's credits fall within a period's few days, so they are bucketed by that number (a counting sort) and only
 * the deals of one day are compared by id. Sorting was a fifth of crediting 200,000 deals with a comparison sort.
 * Any other date string, or dates spread much wider than the list is long, takes the plain comparison sort.
 */
import { dateNumber } from './periods';

interface Ordered {
  date: string;
  dealId: string;
}

/** The order of a rep's credits: by local credit date, then deal id. */
export const creditOrder = (a: Ordered, b: Ordered): number =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : a.dealId < b.dealId ? -1 : a.dealId > b.dealId ? 1 : 0;

const byDealId = (a: Ordered, b: Ordered): number => (a.dealId < b.dealId ? -1 : a.dealId > b.dealId ? 1 : 0);

/** A new array with `list` in creditOrder; stable (equal (date, deal id) pairs keep their order). */
export const sortByCreditOrder = <T extends Ordered>(list: readonly T[]): T[] => {
  const n = list.length;
  const out = list.slice();
  if (n < 2) return out;
  const keys = new Int32Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const k = dateNumber((list[i] as T).date);
    if (Number.isNaN(k)) return out.sort(creditOrder);
    keys[i] = k;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  const span = max - min + 1;
  if (span > 8 * n + 1024) return out.sort(creditOrder);
  // start[d]: where day d (key - min) begins in the output; next[d] the next free place in it.
  const start = new Int32Array(span + 1);
  for (let i = 0; i < n; i++) {
    const at = (keys[i] as number) - min + 1;
    start[at] = (start[at] as number) + 1;
  }
  for (let d = 0; d < span; d++) start[d + 1] = (start[d + 1] as number) + (start[d] as number);
  const next = start.slice(0, span);
  for (let i = 0; i < n; i++) {
    const d = (keys[i] as number) - min;
    const at = next[d] as number;
    next[d] = at + 1;
    out[at] = list[i] as T;
  }
  for (let d = 0; d < span; d++) sortRun(out, start[d] as number, start[d + 1] as number);
  return out;
};

/** Orders out[from, to) by deal id: an insertion sort for the usual handful, the built-in (stable) sort beyond. */
const sortRun = <T extends Ordered>(out: T[], from: number, to: number): void => {
  if (to - from < 2) return;
  if (to - from > 16) {
    const run = out.slice(from, to).sort(byDealId);
    for (let i = 0; i < run.length; i++) out[from + i] = run[i] as T;
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const x = out[i] as T;
    let j = i - 1;
    while (j >= from && (out[j] as T).dealId > x.dealId) {
      out[j + 1] = out[j] as T;
      j--;
    }
    out[j + 1] = x;
  }
};
