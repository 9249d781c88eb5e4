/**
 * The last-run record of a fixed schedule, written once its function completed (shared/store/watch.ts): the
 * watchdog alarms on a fixed schedule whose due run has not completed in time, and `quotaflow status` shows it.
 * Fixed schedules invoke their target with `{"schedule": "<name>"}` (infra/constructs/schedules.ts and the local
 * scheduler), so every scheduled function records its runs through this one middleware, and a direct invocation or
 * a one-time schedule (another input) records nothing. A run that throws records nothing either.
 */
import type middy from '@middy/core';
import { logger } from '../../shared/observability/logger';
import type { WatchRepository } from '../../shared/store/watch';
import { clock } from '../wiring/clock';
import { watch } from '../wiring/watch';

/** The fixed schedule an invocation comes from, when it does. */
export const fixedScheduleOf = (event: unknown): string | undefined => {
  const name = (event as { schedule?: unknown } | null | undefined)?.schedule;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
};

export const recordScheduleRun = (
  runs: () => Pick<WatchRepository, 'recordRun'> = watch,
  now: () => Date = () => clock().now(),
): middy.MiddlewareObj<unknown> => {
  let started = 0;
  return {
    before: () => {
      started = now().getTime();
    },
    after: async (request) => {
      const schedule = fixedScheduleOf(request.event);
      if (!schedule) return;
      const at = now();
      // The run's work is done: a record that cannot be written must not make Scheduler run it again. Its absence
      // is what the watchdog alarms on.
      await runs()
        .recordRun({ schedule, at: at.toISOString(), durationMs: at.getTime() - started })
        .catch((err: unknown) => logger.warn('schedule run not recorded', { schedule, error: String(err) }));
    },
  };
};
