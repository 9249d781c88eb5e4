/**
 * Values a component or plan derives from a segment's proration (prorated caps, milestone amounts, the quota as
 * money), computed once per distinct proration instead of once per rep. Every rep on a plan for a whole period
 * gets the same share and quota instances from the plan book (book.ts `proration`), so a close of 1,000 reps
 * does these decimal.js operations a few times rather than 1,000 times. A value is only reused for the very same
 * share and quota instances and currency, so a context built any other way simply computes its own.
 */
import type { Dec } from './money';

/** The part of a segment that derived values depend on. */
export interface Proration {
  quota: Dec;
  share: Dec;
  currency: string;
}

interface Entry {
  share: Dec;
  currency: string;
  values: Map<string, unknown>;
}

const cache = new WeakMap<object, WeakMap<Dec, Entry[]>>();

/**
 * `make()` for `owner` (a component or plan object) under the proration `p`, cached under `name`. The value is
 * shared between reps: it must be immutable (bigints, strings, frozen arrays).
 */
export const derived = <T>(owner: object, p: Proration, name: string, make: () => T): T => {
  let byQuota = cache.get(owner);
  if (!byQuota) {
    byQuota = new WeakMap();
    cache.set(owner, byQuota);
  }
  let entries = byQuota.get(p.quota);
  if (!entries) {
    entries = [];
    byQuota.set(p.quota, entries);
  }
  let entry = entries.find((e) => e.share === p.share && e.currency === p.currency);
  if (!entry) {
    entry = { share: p.share, currency: p.currency, values: new Map() };
    entries.push(entry);
  }
  if (entry.values.has(name)) return entry.values.get(name) as T;
  const value = make();
  entry.values.set(name, value);
  return value;
};
