/**
 * The local scheduler delivers at least once, as AWS Scheduler does: a one-time schedule is completed, and a fixed
 * schedule moved on, only after the target accepted the invocation, so a crash in between fires it again after the
 * restart. Fixed instants throughout.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalScheduler } from '../../../infra/local/aws/scheduler';
import { LocalClock } from '../../../infra/local/clock';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:quotaflow-demo-scheduled-step';

const schedulerOn = (
  file: string,
  clock: LocalClock,
  invoke: (target: string, input: unknown) => Promise<unknown>,
) =>
  new LocalScheduler({
    timeZone: 'Asia/Shanghai',
    groupName: 'quotaflow-demo',
    functionForArn: (arn) => (arn === ARN ? 'scheduled-step' : undefined),
    invoke,
    clock,
    settled: async () => undefined,
    dlq: { push: () => {} }, // this test reads no dead letters
    retry: { maxAttempts: 1, backoffMs: 1 },
    file,
    log: () => undefined,
  });

const createOnce = (s: LocalScheduler, name: string, at: string) =>
  s.handle('POST', `/schedules/${name}`, new URLSearchParams(), {
    GroupName: 'quotaflow-demo',
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'UTC',
    ActionAfterCompletion: 'DELETE',
    Target: { Arn: ARN, RoleArn: 'arn:aws:iam::000000000000:role/x', Input: JSON.stringify({ step: name }) },
  });

describe('local scheduler across a crash', () => {
  it('keeps a one-time schedule whose target had not answered when the runtime died, and fires it after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qf-sched-'));
    const file = join(dir, 'schedules.json');
    const clock = new LocalClock({ start: new Date('2026-11-27T02:00:00Z'), file: join(dir, 'clock.json') });
    const invoked: unknown[] = [];
    // The first runtime's target never answers: the process dies while the step runs.
    const first = schedulerOn(file, clock, (_t, input) => {
      invoked.push(input);
      return new Promise(() => undefined);
    });
    createOnce(first, 'check-in-1', '2026-12-04T01:00:00');
    void first.advanceTo(new Date('2026-12-05T00:00:00Z'));
    await new Promise((r) => setTimeout(r, 20));
    expect(invoked).toEqual([{ step: 'check-in-1' }]);

    // Restart on the same files: the clock resumes where the move had got to; the schedule is still pending.
    const clock2 = new LocalClock({ file: join(dir, 'clock.json') });
    expect(clock2.now().toISOString() >= '2026-12-04T01:00:00.000Z').toBe(true);
    const again: unknown[] = [];
    const second = schedulerOn(file, clock2, async (_t, input) => {
      again.push(input);
      return {};
    });
    expect(second.snapshot().oneTime).toEqual([{ name: 'check-in-1', at: '2026-12-04T01:00:00.000Z' }]);
    await second.advanceTo(clock2.now());
    expect(again).toEqual([{ step: 'check-in-1' }]);
    expect(second.snapshot().oneTime).toEqual([]);
    // And a third start finds nothing left to fire.
    expect(
      schedulerOn(file, new LocalClock({ file: join(dir, 'clock.json') }), async () => ({})).snapshot()
        .oneTime,
    ).toEqual([]);
  });

  it('fires a fixed schedule again after a restart when it died while firing, then moves on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qf-sched-'));
    const file = join(dir, 'schedules.json');
    const clock = new LocalClock({ start: new Date('2026-11-30T21:00:00Z'), file: join(dir, 'clock.json') });
    const first = schedulerOn(file, clock, () => new Promise(() => undefined));
    first.addFixed({ name: 'daily', expression: 'cron(0 6 * * ? *)', target: 'accrual' });
    expect(first.snapshot().fixed[0]?.next).toBe('2026-11-30T22:00:00.000Z'); // 06:00 in Shanghai
    void first.advanceTo(new Date('2026-11-30T23:00:00Z'));
    await new Promise((r) => setTimeout(r, 20));

    const fired: string[] = [];
    const clock2 = new LocalClock({ file: join(dir, 'clock.json') });
    const second = schedulerOn(file, clock2, async (target) => {
      fired.push(`${target}@${clock2.now().toISOString().slice(0, 16)}`);
      return {};
    });
    second.addFixed({ name: 'daily', expression: 'cron(0 6 * * ? *)', target: 'accrual' });
    expect(second.snapshot().fixed[0]?.next).toBe('2026-11-30T22:00:00.000Z');
    await second.advanceTo(new Date('2026-12-01T23:00:00Z'));
    expect(fired).toEqual(['accrual@2026-11-30T22:00', 'accrual@2026-12-01T22:00']);
  });

  it('refuses to start the clock before where the data folder stopped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qf-clock-'));
    new LocalClock({ start: new Date('2026-11-27T02:00:00Z'), file: join(dir, 'clock.json') });
    expect(
      () => new LocalClock({ start: new Date('2026-01-01T00:00:00Z'), file: join(dir, 'clock.json') }),
    ).toThrow(/earlier than this data folder's clock .*only moves forward/);
  });
});
