/**
 * Sending a digest exactly once per manager and period, through the effect ledger (key `digest#<manager>#<period>`):
 * a repeated `digest send`, a scheduled run that fires twice, or a catch-up after a missed run finds the effect done
 * and sends nothing. And which weekly period is due for a manager at an instant: the ISO week before, from Monday
 * 08:00 in the manager's zone; before that, the week before it (so a run that was missed is caught up once, at the
 * next run, and a run that was not missed is a duplicate the ledger ignores).
 */
import type { Effect, EffectOutcome } from '../effects/ledger';
import type { OutgoingEmail } from '../ports';
import { instantAt, localTime } from '../workflows/calendar';
import { type DigestPeriod, digestPeriodOn, previousDigestPeriod } from './period';

export const digestEffectKey = (managerId: string, periodKey: string): string =>
  `digest#${managerId}#${periodKey}`;

export interface DigestLedger {
  run(effect: Effect): Promise<EffectOutcome>;
  /** Whether an effect was performed already (EffectLedger.isDone); lets a run skip building a sent digest. */
  isDone?(key: string): Promise<boolean>;
}

export const sendDigestOnce = (
  ledger: DigestLedger,
  managerId: string,
  periodKey: string,
  email: OutgoingEmail,
): Promise<EffectOutcome> =>
  ledger.run({
    key: digestEffectKey(managerId, periodKey),
    payload: { kind: 'email', email },
    correlationId: digestEffectKey(managerId, periodKey),
  });

/** When the weekly digest goes out: ISO weekday (1 = Monday) and minutes after local midnight. */
export interface DigestSendTime {
  weekday: number;
  minutes: number;
}
export const DEFAULT_SEND_TIME: DigestSendTime = { weekday: 1, minutes: 8 * 60 };

/** The week whose digest is due at `now` for a manager in `timeZone`. */
export const dueWeeklyPeriod = (
  now: Date,
  timeZone: string,
  at: DigestSendTime = DEFAULT_SEND_TIME,
): DigestPeriod => {
  const thisWeek = digestPeriodOn('week', localTime(now, timeZone).date);
  const [y, m, d] = thisWeek.start.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d + at.weekday - 1)).toISOString().slice(0, 10);
  const sendAt = instantAt(day, at.minutes, timeZone);
  const last = previousDigestPeriod(thisWeek);
  return now.getTime() >= sendAt.getTime() ? last : previousDigestPeriod(last);
};
