/**
 * The runtime's one clock: real time from a start instant, plus an offset that only grows. Moving it forward is how
 * a person or a test plays the waits of a sequence; it never goes back, as no deployed clock does.
 *
 * It starts at `--clock <instant>` when given (tests and demos run on fixed dates), else where the data folder's
 * clock stopped (a restart resumes the same timeline), else at the machine's time. With a data folder it is saved
 * on every move and every few seconds while it runs.
 *
 * The offset lives in a SharedArrayBuffer: the function workers (workers/pool.ts) read the same clock through
 * `SharedClock`, so a move is seen by every thread at once, as one clock.
 */

import type { Clock } from '../../functions/wiring/clock';
import { codedError } from '../../shared/errors';
import { readJsonState, writeJsonAtomic } from './persistence/state-file';

export class ClockStartError extends codedError('invalid_config') {
  override readonly name = 'ClockStartError';
}

const isSaved = (v: unknown): v is { now: string } =>
  typeof v === 'object' && v !== null && typeof (v as { now?: unknown }).now === 'string';

/** Reads a LocalClock's shared offset from another thread; it never moves the clock. */
export class SharedClock implements Clock {
  private readonly offset: BigInt64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.offset = new BigInt64Array(buffer);
  }

  now(): Date {
    return new Date(Date.now() + Number(Atomics.load(this.offset, 0)));
  }
}

export class LocalClock implements Clock {
  /** The offset from the machine's time in ms, shared with the function workers. */
  readonly shared = new SharedArrayBuffer(8);
  private readonly offset = new BigInt64Array(this.shared);

  private get offsetMs(): number {
    return Number(Atomics.load(this.offset, 0));
  }

  private set offsetMs(ms: number) {
    Atomics.store(this.offset, 0, BigInt(Math.round(ms)));
  }

  constructor(private readonly opts: { start?: Date; file?: string } = {}) {
    const saved = opts.file
      ? readJsonState(opts.file, 'the runtime clock (where time stood when it stopped)', isSaved)
      : undefined;
    const savedAt = saved ? new Date(saved.now) : undefined;
    if (savedAt && Number.isNaN(savedAt.getTime()))
      throw new ClockStartError(`${opts.file}: "now" is not a date-time (${saved?.now})`);
    if (opts.start && savedAt && opts.start < savedAt) {
      throw new ClockStartError(
        `--clock ${opts.start.toISOString()} is earlier than this data folder's clock (${savedAt.toISOString()}); ` +
          'the clock only moves forward. Give a later instant, leave --clock out to resume, or use another --data-dir',
      );
    }
    const base = opts.start ?? savedAt;
    if (base) this.offsetMs = base.getTime() - Date.now();
    this.save();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(to: Date): void {
    const delta = to.getTime() - this.now().getTime();
    if (delta > 0) {
      this.offsetMs += delta;
      this.save();
    }
  }

  /** Writes the current instant to the data folder (no-op in memory). */
  save(): void {
    if (this.opts.file) writeJsonAtomic(this.opts.file, { now: this.now().toISOString() });
  }
}
