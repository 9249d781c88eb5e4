/**
 * Sequence enrolment rules: who may be enrolled again and when (as a deterministic enrolment key), and which later
 * signals stop an enrolment. Pure decisions; the handler claims the key in the ledger and checks stops when due.
 */
import { periodKey } from './calendar';
import type { Sequence, StopSignal } from './definition';
import { MAIL_STOP_SIGNALS } from './definition';
import type { WorkflowEvent } from './match';

/** Ledger keys stay readable; record ids and occurrences are encoded because CRMs put anything in them. */
export const enc = encodeURIComponent;

/**
 * The re-enrolment rule is the enrolment key: "once" is one key per record, "once per month" one per local month,
 * "always" one per event. Claiming the key in the ledger is what refuses a second enrolment.
 */
export const enrolmentOccurrence = (
  seq: Sequence,
  event: WorkflowEvent,
  at: Date,
  timeZone: string,
): string => {
  switch (seq.reenrol.mode) {
    case 'once':
      return 'once';
    case 'once_per_period':
      return periodKey(at, timeZone, seq.reenrol.period);
    case 'always':
      return event.detail.eventId;
  }
};

export const enrolmentKey = (
  tenantId: string,
  sequenceId: string,
  event: WorkflowEvent,
  occurrence: string,
) =>
  `${tenantId}/sequence/${sequenceId}/enrol/${event.detail.object}/${enc(event.detail.recordId)}/${enc(occurrence)}`;

/** Which stop signal a later domain event amounts to, for the enrolments of its record. */
export const stopSignalOf = (eventType: string): StopSignal | 'deleted' | undefined =>
  eventType === 'deal.stage_changed'
    ? 'stage_changed'
    : eventType === 'deal.won' || eventType === 'deal.lost'
      ? 'closed'
      : eventType === 'activity.logged'
        ? 'activity_logged'
        : eventType === 'record.deleted'
          ? 'deleted'
          : undefined;

/** Whether an enrolment's stop reason (stopReason below) is a reply: the digest's sequence reply rate counts these. */
export const isReplyStop = (reason: string | undefined): boolean =>
  reason?.startsWith('stop condition: replied') === true;

/** Why an enrolment stops on this signal, or undefined if it carries on. Mail signals and deletion always stop. */
export const stopReason = (seq: Sequence, signal: StopSignal | 'deleted'): string | undefined => {
  if (signal === 'deleted') return 'the record was deleted';
  if ((MAIL_STOP_SIGNALS as readonly string[]).includes(signal))
    return `the contact ${signal} (always stops)`;
  return (seq.stopOn as readonly string[]).includes(signal) ? `stop condition: ${signal}` : undefined;
};
