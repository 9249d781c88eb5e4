/**
 * The watchdog's marks in the tenant table (shared/store/watch.ts), for the ingest receivers (a delivery mark at
 * most about once a minute) and the scheduled functions (the last completed run of their fixed schedule).
 */
import { logger } from '../../shared/observability/logger';
import { WatchRepository } from '../../shared/store/watch';
import { once } from './once';
import { documentClient, tableName } from './store';

export const watch = /* @__PURE__ */ once(() => new WatchRepository(documentClient(), tableName()));

/**
 * What the ingest pipeline notes deliveries with. A mark that cannot be written is logged and does not fail the
 * delivery: the receipts are stored and published by then, and a missing mark at worst raises a false silence alarm.
 */
export const deliveryMarks = /* @__PURE__ */ once(() => ({
  markDelivery: (provider: string, at: Date) =>
    watch()
      .markDelivery(provider, at)
      .catch((err: unknown) => {
        logger.warn('delivery mark not written', { provider, error: String(err) });
        return false;
      }),
}));
