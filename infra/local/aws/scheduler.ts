/**
 * The local EventBridge Scheduler: fixed schedules from the manifest (cron()/rate() in the tenant's zone), and
 * one-time at() schedules created over the Scheduler REST API by the same adapter the Lambdas use on AWS.
 * Everything runs on the runtime's one clock: a real-time ticker fires what is due, and moving the clock forward
 * fires everything that became due in time order, with the clock set to each firing's time while it runs.
 * A cron time that falls in a DST spring-forward gap is skipped, as EventBridge Scheduler does (AWS re:Post
 * "eventbridge-scheduler-adjust-dst"); a repeated fall-back time fires once.
 *
 * Like AWS Scheduler, delivery is at least once: a one-time schedule is marked completed, and a fixed schedule's
 * next time moved on, only after its target accepted the invocation (or it went to the DLQ); with a data folder
 * both are saved atomically, so a crash in between fires it again after the restart (the effect ledger makes the
 * step itself exactly once).
 */
import {
  nextFireTime,
  parseScheduleExpression,
  type ScheduleExpression,
  zonedLocalToUtc,
} from '../../../shared/schedules/expression';
import type { DeadLetters } from '../dead-letters';
import { deliverWithRetries, type RetryPolicy } from '../delivery';
import { readJsonState, writeJsonAtomic } from '../persistence/state-file';
import { AwsError } from './protocol';

export interface FixedSchedule {
  name: string;
  expression: string;
  target: string;
}

interface OneTime {
  name: string;
  groupName: string;
  at: string;
  expression: string;
  timeZone: string;
  targetArn: string;
  input: string;
  deleteAfterCompletion: boolean;
  state: 'ENABLED' | 'COMPLETED';
}

/** Consecutive firings of one schedule, as reported by a clock move. */
export interface FiredSummary {
  name: string;
  count: number;
  first: string;
  last: string;
}

/** Missed occurrences of one fixed schedule fired per clock move; older ones are coalesced (and logged). */
export const MAX_CATCH_UP = 100;

interface FixedEntry {
  spec: FixedSchedule;
  parsed: ScheduleExpression;
  next: Date | undefined;
}

type Due = { kind: 'fixed'; at: Date; entry: FixedEntry } | { kind: 'once'; at: Date; entry: OneTime };

/** What the schedules file holds: pending one-time schedules, and each fixed schedule's next time. */
interface SavedSchedules {
  oneTime: OneTime[];
  fixed: { name: string; expression: string; next: string | null }[];
}

const isSavedSchedules = (v: unknown): v is SavedSchedules | OneTime[] =>
  Array.isArray(v) || // the earlier format: one-time schedules only
  (typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as SavedSchedules).oneTime) &&
    Array.isArray((v as SavedSchedules).fixed));

export class LocalScheduler {
  private readonly fixed: FixedEntry[] = [];
  private readonly oneTime = new Map<string, OneTime>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly savedFixed = new Map<string, { expression: string; next: string | null }>();
  fired = 0;

  constructor(
    private readonly deps: {
      timeZone: string;
      groupName: string;
      /** Maps a Lambda ARN to the local function id; undefined if the ARN is unknown. */
      functionForArn: (arn: string) => string | undefined;
      invoke: (target: string, input: unknown) => Promise<unknown>;
      clock: { now(): Date; advance(to: Date): void };
      /** Resolves when the work a firing triggered (bus deliveries) has settled. */
      settled: () => Promise<void>;
      dlq: DeadLetters;
      retry: RetryPolicy;
      file?: string;
      log: (msg: string, extra: Record<string, unknown>) => void;
    },
  ) {
    const saved = deps.file
      ? readJsonState(
          deps.file,
          'the pending one-time schedules (sequence steps, check-ins) and when each fixed schedule fires next',
          isSavedSchedules,
        )
      : undefined;
    const { oneTime, fixed } = Array.isArray(saved)
      ? { oneTime: saved, fixed: [] }
      : (saved ?? { oneTime: [], fixed: [] });
    for (const s of oneTime) this.oneTime.set(s.name, s);
    for (const f of fixed) this.savedFixed.set(f.name, f);
  }

  addFixed(spec: FixedSchedule): void {
    const parsed = parseScheduleExpression(spec.expression);
    // After a restart a fixed schedule resumes where it stood, so an occurrence that was due (or firing) when the
    // runtime stopped still fires; a changed expression starts afresh.
    const saved = this.savedFixed.get(spec.name);
    const next =
      saved && saved.expression === spec.expression
        ? saved.next === null
          ? undefined
          : new Date(saved.next)
        : nextFireTime(parsed, {
            timeZone: this.deps.timeZone,
            after: this.deps.clock.now(),
            dstGap: 'skip',
          });
    this.fixed.push({ spec, parsed, next });
    this.save();
  }

  /** Scheduler REST API (restJson1): CreateSchedule, GetSchedule, DeleteSchedule, ListSchedules. */
  handle(method: string, path: string, query: URLSearchParams, body: Record<string, unknown>): unknown {
    const name = decodeURIComponent(path.slice('/schedules/'.length));
    if (method === 'GET' && path === '/schedules') return this.list();
    if (!name || name.includes('/'))
      throw new AwsError('ValidationException', 400, 'schedule name is required');
    const group = String(body.GroupName ?? query.get('groupName') ?? 'default');
    if (group !== this.deps.groupName) {
      throw new AwsError('ResourceNotFoundException', 404, `schedule group ${group} does not exist`);
    }
    if (method === 'POST') return this.create(name, body);
    const existing = this.oneTime.get(name);
    if (!existing) throw new AwsError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    if (method === 'GET') return this.describe(existing);
    if (method === 'DELETE') {
      this.oneTime.delete(name);
      this.save();
      return {};
    }
    throw new AwsError('ValidationException', 400, `${method} ${path} is not supported locally`);
  }

  private create(name: string, body: Record<string, unknown>): unknown {
    if (!/^[0-9a-zA-Z-_.]{1,64}$/.test(name)) {
      throw new AwsError('ValidationException', 400, 'Name must be 1-64 characters of [0-9a-zA-Z-_.]');
    }
    if (this.oneTime.has(name))
      throw new AwsError('ConflictException', 409, `Schedule ${name} already exists.`);
    const expression = String(body.ScheduleExpression ?? '');
    const timeZone = String(body.ScheduleExpressionTimezone ?? 'UTC');
    let parsed: ScheduleExpression;
    try {
      parsed = parseScheduleExpression(expression);
    } catch (err) {
      throw new AwsError('ValidationException', 400, (err as Error).message);
    }
    if (parsed.kind !== 'at') {
      throw new AwsError(
        'ValidationException',
        400,
        'the local scheduler creates one-time at() schedules only; fixed ones come from the manifest',
      );
    }
    const target = body.Target as Record<string, unknown> | undefined;
    const targetArn = String(target?.Arn ?? '');
    if (!this.deps.functionForArn(targetArn)) {
      throw new AwsError(
        'ValidationException',
        400,
        `Target.Arn ${targetArn || '(missing)'} is not a function of this tenant`,
      );
    }
    if (!target?.RoleArn) throw new AwsError('ValidationException', 400, 'Target.RoleArn is required');
    const at = zonedLocalToUtc(parsed.local, timeZone).toISOString();
    this.oneTime.set(name, {
      name,
      groupName: this.deps.groupName,
      at,
      expression,
      timeZone,
      targetArn,
      input: typeof target.Input === 'string' ? target.Input : '{}',
      deleteAfterCompletion: body.ActionAfterCompletion === 'DELETE',
      state: 'ENABLED',
    });
    this.save();
    return {
      ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${this.deps.groupName}/${name}`,
    };
  }

  /**
   * A delivery to invoke again at `at` (a bus event whose target asked to retry later): kept and fired like a
   * one-time schedule, and dead-lettered if it fails again.
   */
  retryLater(key: string, at: Date, targetArn: string, input: unknown): void {
    const name = `retry:${key}`;
    if (this.oneTime.get(name)?.state === 'ENABLED') return;
    this.oneTime.set(name, {
      name,
      groupName: this.deps.groupName,
      at: at.toISOString(),
      expression: `at(${at.toISOString().slice(0, 19)})`,
      timeZone: 'UTC',
      targetArn,
      input: JSON.stringify(input),
      deleteAfterCompletion: true,
      state: 'ENABLED',
    });
    this.save();
  }

  private describe(s: OneTime) {
    return {
      Name: s.name,
      GroupName: s.groupName,
      ScheduleExpression: s.expression,
      ScheduleExpressionTimezone: s.timeZone,
      State: s.state === 'ENABLED' ? 'ENABLED' : 'DISABLED',
      Target: { Arn: s.targetArn, Input: s.input },
    };
  }

  private list() {
    return {
      Schedules: [...this.oneTime.values()].map((s) => ({
        Name: s.name,
        GroupName: s.groupName,
        State: s.state,
      })),
    };
  }

  /** What is pending, for the /_local/schedules page and tests. */
  snapshot() {
    return {
      fixed: this.fixed.map((f) => ({
        name: f.spec.name,
        expression: f.spec.expression,
        next: f.next?.toISOString() ?? null,
      })),
      oneTime: [...this.oneTime.values()]
        .filter((s) => s.state === 'ENABLED')
        .map((s) => ({ name: s.name, at: s.at })),
    };
  }

  /** Fire everything due at or before `to`, in time order; serialized with every other firing. */
  advanceTo(to: Date): Promise<FiredSummary[]> {
    const run = this.queue.then(() => this.fireDue(to));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async fireDue(to: Date): Promise<FiredSummary[]> {
    const fired: FiredSummary[] = [];
    const catchUp = new Map<string, number>();
    for (;;) {
      const due = this.earliestDue(to);
      if (!due) break;
      if (due.at > this.deps.clock.now()) this.deps.clock.advance(due.at);
      if (due.kind === 'fixed') {
        const f = due.entry;
        const n = (catchUp.get(f.spec.name) ?? 0) + 1;
        catchUp.set(f.spec.name, n);
        const following = nextFireTime(f.parsed, {
          timeZone: this.deps.timeZone,
          after: due.at,
          dstGap: 'skip',
        });
        if (n > MAX_CATCH_UP) {
          f.next = following;
          continue;
        }
        // As the stack's fixed schedules do (infra/constructs/schedules.ts): the target records its run by name.
        await this.fire(`schedule:${f.spec.name}`, f.spec.target, { schedule: f.spec.name });
        f.next = following;
        this.save();
      } else {
        const s = due.entry;
        const target = this.deps.functionForArn(s.targetArn);
        if (target) await this.fire(`schedule:${s.name}`, target, JSON.parse(s.input));
        s.state = 'COMPLETED';
        if (s.deleteAfterCompletion) this.oneTime.delete(s.name);
        this.save();
      }
      await this.deps.settled();
      const name = due.kind === 'fixed' ? due.entry.spec.name : due.entry.name;
      const last = fired.at(-1);
      if (last?.name === name) {
        last.count++;
        last.last = due.at.toISOString();
      } else fired.push({ name, count: 1, first: due.at.toISOString(), last: due.at.toISOString() });
    }
    for (const [name, n] of catchUp) {
      if (n > MAX_CATCH_UP)
        this.deps.log('coalesced missed occurrences', {
          schedule: name,
          fired: MAX_CATCH_UP,
          skipped: n - MAX_CATCH_UP,
        });
    }
    if (catchUp.size) this.save();
    if (to > this.deps.clock.now()) this.deps.clock.advance(to);
    return fired;
  }

  private earliestDue(to: Date): Due | undefined {
    let best: Due | undefined;
    for (const f of this.fixed) {
      if (f.next && f.next <= to && (!best || f.next < best.at))
        best = { kind: 'fixed', at: f.next, entry: f };
    }
    for (const s of this.oneTime.values()) {
      const at = new Date(s.at);
      if (s.state === 'ENABLED' && at <= to && (!best || at < best.at)) best = { kind: 'once', at, entry: s };
    }
    return best;
  }

  private async fire(origin: string, target: string, input: unknown): Promise<void> {
    this.fired++;
    await deliverWithRetries(
      () => this.deps.invoke(target, input),
      this.deps.retry,
      (error, attempts) =>
        this.deps.dlq.push({
          id: `${origin}@${this.deps.clock.now().toISOString()}`,
          origin,
          target,
          payload: input,
          error,
          attempts,
          failedAt: this.deps.clock.now().toISOString(),
        }),
      (error, attempt) => this.deps.log('schedule target failed; retrying', { origin, attempt, error }),
    );
  }

  private save(): void {
    if (!this.deps.file) return;
    const saved: SavedSchedules = {
      oneTime: [...this.oneTime.values()],
      fixed: this.fixed.map((f) => ({
        name: f.spec.name,
        expression: f.spec.expression,
        next: f.next?.toISOString() ?? null,
      })),
    };
    writeJsonAtomic(this.deps.file, saved);
  }
}
