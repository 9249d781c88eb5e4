/**
 * The digests a container has seen sent, so that an hourly run with nothing new to send reads nothing but the org:
 * the managerDigest schedule fires every hour (every manager's Monday 08:00 comes round in their own zone), and a
 * digest already sent stays sent, so once the effect ledger has said so for every (manager, period) due now, the run
 * can end before the plan book, the digest's stores and the ledger's reads. Which periods are due is the same pure
 * function of the instant sendDueDigests uses (digest/schedule.ts), so a missed hour is still caught up once: a
 * period not seen sent goes through sendDueDigests, where the ledger keeps it to one send.
 */
import type { CompiledGoals } from '../goals/validate';
import type { Org } from '../org/model';
import { type DueOutcome, dueDigests } from './run';
import { digestEffectKey } from './send';

export class SentDigests {
  private readonly sent = new Set<string>();

  /**
   * The effect keys of the digests due at `now` when each of them was seen sent before, else undefined (something
   * may be due, or a manager would be skipped, which sendDueDigests reports).
   */
  allSent(goals: CompiledGoals, org: Org, timeZone: string, now: Date): string[] | undefined {
    const keys: string[] = [];
    for (const { manager, period, skip } of dueDigests(goals, org, timeZone, now).flat()) {
      const key = digestEffectKey(manager.id, period.key);
      if (skip || !this.sent.has(key)) return undefined;
      keys.push(key);
    }
    return keys;
  }

  /** Remembers the digests a run sent or found sent. */
  record(outcomes: readonly DueOutcome[]): void {
    for (const o of outcomes)
      if (o.outcome !== 'skipped') this.sent.add(digestEffectKey(o.manager, o.period));
  }
}
