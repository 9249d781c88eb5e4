/**
 * Stop signals: which enrolments a later event ends (a reply, a logged activity, a stage change, a closed deal, a
 * deletion, a suppressed address), and what the triggering event said that must still hold when a delayed step
 * falls due. Decisions about the record live here; the runner applies them.
 */
import type { DomainEventDetail } from '../../events';
import type { WorkflowConfig } from './definition';
import type { WorkflowEvent } from './match';
import type { EnrolmentsPort } from './ports';
import { stopReason, stopSignalOf } from './sequences';

export interface StoppedEnrolment {
  sequence: string;
  recordId: string;
  reason: string;
}

export const fieldText = (fields: Record<string, unknown>, name: string): string | undefined => {
  const v = fields[name];
  return typeof v === 'string' && v.trim() ? v : undefined;
};

/**
 * What the triggering event said about the record that must still be true when a later step falls due: a won deal
 * is still won, a stage change still stands (the deal has not moved on), a lost deal is still lost.
 */
export const staleTrigger = (
  type: string,
  event: DomainEventDetail,
  now: DomainEventDetail['record'],
): string | undefined => {
  switch (type) {
    case 'deal.won':
    case 'deal.lost': {
      const want = type === 'deal.won' ? 'won' : 'lost';
      return now.status === want
        ? undefined
        : `the deal is no longer ${want} (now ${now.status ?? 'without status'})`;
    }
    case 'deal.stage_changed': {
      const to = 'change' in event ? event.change.to : undefined;
      return to === undefined || now.stage === to
        ? undefined
        : `the deal moved on from ${to} to ${now.stage ?? 'no stage'}`;
    }
    default:
      return undefined;
  }
};

/** Stops the enrolments a later event concerns, each with the reason; returns what it stopped. */
export const applyStopSignals = async (
  event: WorkflowEvent,
  config: WorkflowConfig,
  enrolments: EnrolmentsPort,
): Promise<StoppedEnrolment[]> => {
  const d = event.detail;
  const stopped: StoppedEnrolment[] = [];
  const stop = async (
    list: Awaited<ReturnType<typeof enrolments.ofRecord>>,
    signal: Parameters<typeof stopReason>[1],
    why?: string,
  ) => {
    for (const en of list) {
      if (en.status !== 'active') continue;
      const sequence = config.sequences.find((s) => s.id === en.sequence);
      const reason = sequence ? stopReason(sequence, signal) : 'the sequence is no longer in the config';
      if (!reason) continue;
      const text = why ? `${reason} (${why})` : reason;
      if (await enrolments.stop(en, text))
        stopped.push({ sequence: en.sequence, recordId: en.recordId, reason: text });
    }
  };

  if (event.type === 'contact.suppressed') {
    const { address, reason } = d as unknown as { address?: string; reason?: string };
    const signal = reason === 'bounced' || reason === 'complained' ? reason : 'unsubscribed';
    if (address) await stop(await enrolments.ofAddress(address), signal);
    return stopped;
  }
  const signal = stopSignalOf(event.type);
  if (signal && signal !== 'activity_logged')
    await stop(await enrolments.ofRecord(d.object, d.recordId), signal);
  if (event.type === 'activity.logged') {
    // An activity names what it is about (relatedObject/relatedId), who (email) and the account; an inbound
    // email or a logged reply counts as a reply, anything else as an activity.
    const f = d.record.fields;
    const kind = (fieldText(f, 'activityType') ?? '').toLowerCase();
    const replied =
      fieldText(f, 'direction')?.toLowerCase() === 'inbound' || kind === 'reply' || kind === 'email_reply';
    const relObject = fieldText(f, 'relatedObject');
    const relId = fieldText(f, 'relatedId');
    if (relObject && relId) {
      const list = await enrolments.ofRecord(relObject, relId);
      await stop(list, 'activity_logged');
      if (replied) await stop(list, 'replied');
    }
    if (d.record.email)
      await stop(await enrolments.ofAddress(d.record.email), replied ? 'replied' : 'activity_logged');
    const account = fieldText(f, 'accountId');
    if (replied && account)
      await stop(await enrolments.ofAccount(account), 'replied', 'someone else at the same account replied');
  }
  return stopped;
};
