/**
 * Each rep's sequence figures for the manager digest, from the sequence enrolments of the records the rep owned
 * when they were enrolled (store/enrolments.ts `ofOwner`, the enrolments started within the 400-day retention):
 *   - activeSequences: enrolments active at the digest's instant (started by then, not stopped by then);
 *   - sequencesInPeriod: enrolments active at any time in the period (started before its end, not stopped before
 *     its start);
 *   - sequenceReplies: those of them stopped during the period because the contact replied (a reply, or someone
 *     else at the same account replying: workflows/sequences.ts `isReplyStop`);
 *   - sequenceReplyRate: sequenceReplies ÷ sequencesInPeriod, four decimals (as attainment), null when none.
 */
import { Dec } from '../incentives/money';
import type { Enrolment } from '../store/enrolments';
import { isReplyStop } from '../workflows/sequences';

export interface SequenceFigures {
  activeSequences: number;
  sequencesInPeriod: number;
  sequenceReplies: number;
  sequenceReplyRate: string | null;
}

export const NO_SEQUENCES: SequenceFigures = {
  activeSequences: 0,
  sequencesInPeriod: 0,
  sequenceReplies: 0,
  sequenceReplyRate: null,
};

/** Per owner id; `from` and `until` bound the period (instants, until exclusive), `asOf` is the digest's instant. */
export const sequenceFiguresOf = (
  enrolments: readonly Enrolment[],
  window: { from: number; until: number; asOf: number },
): Map<string, SequenceFigures> => {
  const { from, until, asOf } = window;
  const out = new Map<string, SequenceFigures>();
  for (const e of enrolments) {
    if (!e.ownerId) continue;
    const started = Date.parse(e.startedAt);
    const stopped = e.status === 'stopped' && e.stoppedAt ? Date.parse(e.stoppedAt) : undefined;
    const f = { ...(out.get(e.ownerId) ?? NO_SEQUENCES) };
    if (started <= asOf && (stopped === undefined || stopped > asOf)) f.activeSequences++;
    if (started < until && (stopped === undefined || stopped >= from)) {
      f.sequencesInPeriod++;
      if (stopped !== undefined && stopped < until && isReplyStop(e.stoppedReason)) f.sequenceReplies++;
    }
    out.set(e.ownerId, f);
  }
  for (const f of out.values())
    f.sequenceReplyRate = f.sequencesInPeriod
      ? new Dec(f.sequenceReplies).div(f.sequencesInPeriod).toDecimalPlaces(4).toFixed(4)
      : null;
  return out;
};
