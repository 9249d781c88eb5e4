/**
 * The runtime's one clock: real time plus an offset that only grows. Moving it forward is how a person or a test
 * plays the waits of a sequence; it never goes back, as no deployed clock does.
 */
import type { Clock } from '../../shared/runtime/clock';

export class LocalClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(to: Date): void {
    const delta = to.getTime() - this.now().getTime();
    if (delta > 0) this.offsetMs += delta;
  }
}
