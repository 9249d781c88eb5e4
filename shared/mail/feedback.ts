/**
 * What an SES bounce or complaint means for the suppression list. Suppressed: permanent (hard) bounces, and
 * complaints (a recipient marking the mail as spam). Not suppressed: transient (soft) bounces such as a full
 * mailbox or an auto-reply, undetermined bounces, and a complaint report of type `not-spam` (the recipient took a
 * spam verdict back).
 */
import { CONFIGURATION_SET_TAG, type SesFeedback } from '../../events/ses-feedback';

export interface FeedbackSuppression {
  address: string;
  reason: 'bounced' | 'complained';
  /** When SES received the bounce or complaint (ISO). */
  at: string;
  /** For the operator: e.g. `ses:Permanent/General`, `ses:complaint/abuse`. */
  source: string;
}

export type FeedbackDecision =
  | { action: 'suppress'; suppressions: FeedbackSuppression[] }
  | { action: 'ignore'; reason: string };

/** A recipient as SES reports it: normally a bare address, sometimes `Name <address>` from a DSN. */
const bareAddress = (raw: string): string => {
  const angle = /<([^<>]+)>\s*$/.exec(raw);
  return (angle?.[1] ?? raw).trim();
};

const validDate = (s: string, fallback: string): string => (Number.isNaN(Date.parse(s)) ? fallback : s);

export const decideFeedback = (
  detail: SesFeedback,
  expected: { configurationSet?: string | undefined },
): FeedbackDecision => {
  const sets = detail.mail.tags?.[CONFIGURATION_SET_TAG] ?? [];
  // The forwarding rule already matches on the configuration set; this keeps another tenant's mail out even if a
  // rule were widened by mistake.
  if (expected.configurationSet && !sets.includes(expected.configurationSet))
    return {
      action: 'ignore',
      reason: `sent through configuration set ${sets.join(', ') || '(none)'}, not ${expected.configurationSet}`,
    };
  if (detail.eventType === 'Bounce') {
    const bounce = detail.bounce;
    if (!bounce) return { action: 'ignore', reason: 'a Bounce event without its bounce object' };
    if (bounce.bounceType !== 'Permanent')
      return { action: 'ignore', reason: `a ${bounce.bounceType} bounce is not suppressed` };
    const source = `ses:Permanent/${bounce.bounceSubType ?? 'General'}`;
    const at = validDate(bounce.timestamp, detail.mail.timestamp);
    return {
      action: 'suppress',
      suppressions: bounce.bouncedRecipients.map((r) => ({
        address: bareAddress(r.emailAddress),
        reason: 'bounced',
        at,
        source,
      })),
    };
  }
  const complaint = detail.complaint;
  if (!complaint) return { action: 'ignore', reason: 'a Complaint event without its complaint object' };
  const type = complaint.complaintFeedbackType;
  if (type === 'not-spam') return { action: 'ignore', reason: 'a not-spam feedback report' };
  const at = validDate(complaint.timestamp, detail.mail.timestamp);
  return {
    action: 'suppress',
    suppressions: complaint.complainedRecipients.map((r) => ({
      address: bareAddress(r.emailAddress),
      reason: 'complained',
      at,
      source: `ses:complaint/${type ?? 'unspecified'}`,
    })),
  };
};
