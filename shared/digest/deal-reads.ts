/**
 * One read of each rep's deals per digest: the digest reads a rep's deals with close dates around today
 * (DEAL_WINDOW_DAYS, one owner-index Query), and the goal figures of the same digest read narrower ranges of the
 * same partition (the month's won deals, say). Those are answered from the window's read, filtered by the same
 * sort key the index keeps (`<goal date>#<id>`, goals/record-dates.ts), so no rep's deals are read twice.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { goalDateOf } from '../goals/record-dates';
import { addDays } from '../workflows/calendar';

/** Open deals are read with close dates this far around today (and deals without one by their last change). */
export const DEAL_WINDOW_DAYS = { back: 90, ahead: 180 };

export type StoredDeal = { record: CanonicalRecord; stageSince?: string };

export interface DealReads {
  /** The digest's window: local dates [lower, upper]. */
  lower: string;
  upper: string;
  /** A rep's deals of the window, read once. */
  window(ownerId: string): Promise<StoredDeal[]>;
  /** `owned` of the goal sources: a deal range inside the window comes from the window's read. */
  owned(object: CrmObject, ownerId: string, lower: string, upper: string): Promise<CanonicalRecord[]>;
}

export const dealReads = (
  today: string,
  src: {
    owned(object: CrmObject, ownerId: string, lower: string, upper: string): Promise<CanonicalRecord[]>;
    ownedDeals?(ownerId: string, lower: string, upper: string): Promise<StoredDeal[]>;
  },
): DealReads => {
  const lower = addDays(today, -DEAL_WINDOW_DAYS.back);
  const upper = addDays(today, DEAL_WINDOW_DAYS.ahead);
  const reads = new Map<string, Promise<StoredDeal[]>>();
  const window = (ownerId: string) => {
    let read = reads.get(ownerId);
    if (!read) {
      read = src.ownedDeals
        ? src.ownedDeals(ownerId, lower, upper)
        : src.owned('deal', ownerId, lower, upper).then((l) => l.map((record) => ({ record })));
      reads.set(ownerId, read);
    }
    return read;
  };
  return {
    lower,
    upper,
    window,
    owned: async (object, ownerId, lo, hi) => {
      // Deal bounds are local dates; the index's upper bound takes the whole day (records.ts `query`).
      if (object !== 'deal' || lo < lower || hi > upper) return src.owned(object, ownerId, lo, hi);
      const top = `${hi}\uffff`;
      return (await window(ownerId)).flatMap(({ record }) => {
        const key = `${goalDateOf('deal', record)}#${record.id}`;
        return key >= lo && key <= top ? [record] : [];
      });
    },
  };
};
