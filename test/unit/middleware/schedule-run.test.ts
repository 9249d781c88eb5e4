/**
 * The last-run record of a fixed schedule: written once the function completed, under the name the schedule passes
 * as input; nothing for a run that throws, a one-time schedule's step or a direct invocation. Fixed instants.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fixedScheduleOf, recordScheduleRun } from '../../../functions/middleware/schedule-run';
import type { ScheduleRun } from '../../../shared/store/watch';

const handlerWith = (body: (event: unknown) => Promise<unknown>) => {
  const recorded: ScheduleRun[] = [];
  const times = [new Date('2026-10-05T02:00:00.000Z'), new Date('2026-10-05T02:00:04.250Z')];
  let i = 0;
  const handler = middy(async (event: unknown) => body(event)).use(
    recordScheduleRun(
      () => ({ recordRun: async (run: ScheduleRun) => void recorded.push(run) }),
      () => times[Math.min(i++, 1)] as Date,
    ),
  );
  return { handler: (event: unknown) => handler(event, {} as Context), recorded };
};

describe('a fixed schedule’s last run', () => {
  it('is recorded under the schedule’s name once the function completed, with its duration', async () => {
    const { handler, recorded } = handlerWith(async () => ({ ok: true }));
    expect(await handler({ schedule: 'incentiveAccrual' })).toEqual({ ok: true });
    expect(recorded).toEqual([
      { schedule: 'incentiveAccrual', at: '2026-10-05T02:00:04.250Z', durationMs: 4250 },
    ]);
  });

  it('is not recorded for a run that throws, a one-time step, or a direct invocation', async () => {
    const failing = handlerWith(async () => {
      throw new Error('CRM down');
    });
    await expect(failing.handler({ schedule: 'reconcile' })).rejects.toThrow('CRM down');
    expect(failing.recorded).toEqual([]);
    const other = handlerWith(async () => 'done');
    await other.handler({ kind: 'step', key: 'wf-1#2' });
    await other.handler({});
    await other.handler(null);
    expect(other.recorded).toEqual([]);
    expect([fixedScheduleOf({ schedule: '' }), fixedScheduleOf({ schedule: 3 })]).toEqual([
      undefined,
      undefined,
    ]);
  });
});
