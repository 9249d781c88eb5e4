/**
 * Sending a digest exactly once per manager and period, through the effect ledger (key `digest#<manager>#<period>`):
 * a repeated `digest send`, a scheduled run that fires twice, or a catch-up after a missed run finds the effect done
 * and sends nothing. Which period is due when is digest/schedule.ts.
 */
import type { Effect, EffectOutcome } from '../effects/ledger';
import type { OutgoingEmail } from '../ports';

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
