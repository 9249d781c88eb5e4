/**
 * Won-deal recognition (the platform's built-in demo automation): when a deal is won, congratulate its owner at
 * once (copying the manager when known) and schedule a customer check-in reminder N days later. Each effect is
 * keyed by the domain event id, so duplicate deliveries of the event do nothing more.
 */
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import type { domainEvents } from '../../events';
import type { TenantConfig } from '../config/tenant';
import type { EffectLedger } from '../effects/ledger';
import { type Locale, wonDealCheckIn, wonDealCongratulations } from '../mail/templates';
import type { OutgoingEmail } from '../ports';
import type { RecordRepository } from '../store/records';

export const WON_DEAL_WORKFLOW = 'won-deal-recognition';
export const CHECK_IN_STEP = 'won-deal-check-in';

type DealWon = z.infer<typeof domainEvents.dealWon.schema>;

export interface ScheduledStepPayload {
  step: typeof CHECK_IN_STEP;
  tenantId: string;
  recordId: string;
  eventId: string;
  correlationId: string;
  days: number;
}

const sender = (t: TenantConfig) =>
  t.mail.senderName ? `${t.mail.senderName} <${t.mail.sender}>` : t.mail.sender;

const ownerEmail = (
  t: TenantConfig,
  to: string,
  cc: string | undefined,
  rendered: ReturnType<typeof wonDealCongratulations>,
  correlationId: string,
): OutgoingEmail => ({
  from: sender(t),
  to: [to],
  ...(cc ? { cc: [cc] } : {}),
  ...(t.mail.replyTo ? { replyTo: [t.mail.replyTo] } : {}),
  ...rendered,
  headers: { 'X-Quotaflow-Tenant': t.id, 'X-Quotaflow-Correlation-Id': correlationId },
});

/** Schedule names are ≤64 characters of [0-9a-zA-Z-_.]: hash the identity. */
export const scheduleName = (step: string, eventId: string): string =>
  `${step}-${createHash('sha256').update(eventId).digest('hex').slice(0, 40)}`;

export type WonDealResult = { skipped: string } | { congratulation: string; checkIn: string };

export const recogniseWonDeal = async (
  event: DealWon,
  deps: { tenant: TenantConfig; effects: EffectLedger; now: Date },
): Promise<WonDealResult> => {
  const { tenant } = deps;
  const owner = event.record.owner;
  if (!owner?.email) return { skipped: 'the deal has no owner email' };
  const locale: Locale = tenant.locale;
  const rendered = wonDealCongratulations(locale, {
    record: event.record,
    ownerName: owner.name ?? owner.email,
    currency: tenant.currency,
    tenantName: tenant.displayName,
  });
  const congrats = await deps.effects.run({
    key: `${WON_DEAL_WORKFLOW}/v1/congratulate/${event.eventId}`,
    correlationId: event.correlationId,
    payload: {
      kind: 'email',
      email: ownerEmail(tenant, owner.email, owner.managerEmail, rendered, event.correlationId),
    },
  });

  const days = tenant.automations.wonDealFollowUpDays;
  const payload: ScheduledStepPayload = {
    step: CHECK_IN_STEP,
    tenantId: tenant.id,
    recordId: event.recordId,
    eventId: event.eventId,
    correlationId: event.correlationId,
    days,
  };
  const checkIn = await deps.effects.run({
    key: `${WON_DEAL_WORKFLOW}/v1/schedule-check-in/${event.eventId}`,
    correlationId: event.correlationId,
    payload: {
      kind: 'schedule',
      schedule: {
        name: scheduleName(CHECK_IN_STEP, event.eventId),
        at: new Date(deps.now.getTime() + days * 86_400_000).toISOString(),
        payload: { ...payload },
      },
    },
  });
  return { congratulation: congrats.outcome, checkIn: checkIn.outcome };
};

/**
 * The delayed step: conditions are checked again on fresh data when the schedule fires. A deal that is no longer
 * won (reopened, lost, deleted) is skipped with its reason.
 */
export const runCheckIn = async (
  step: ScheduledStepPayload,
  deps: { tenant: TenantConfig; records: RecordRepository; effects: EffectLedger },
): Promise<{ skipped: string } | { sent: string }> => {
  const stored = await deps.records.get('deal', step.recordId);
  if (!stored || stored.deleted) return { skipped: 'the deal no longer exists' };
  if (stored.record.status !== 'won')
    return { skipped: `the deal is now ${stored.record.status ?? 'without status'}` };
  const owner = stored.record.owner;
  if (!owner?.email) return { skipped: 'the deal has no owner email' };
  const rendered = wonDealCheckIn(deps.tenant.locale, {
    record: stored.record,
    ownerName: owner.name ?? owner.email,
    currency: deps.tenant.currency,
    tenantName: deps.tenant.displayName,
    days: step.days,
  });
  const outcome = await deps.effects.run({
    key: `${WON_DEAL_WORKFLOW}/v1/check-in/${step.eventId}`,
    correlationId: step.correlationId,
    payload: {
      kind: 'email',
      email: ownerEmail(deps.tenant, owner.email, undefined, rendered, step.correlationId),
    },
  });
  return { sent: outcome.outcome };
};
