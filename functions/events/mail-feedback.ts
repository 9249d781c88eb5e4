import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { configurationSetName, sesMailFeedback } from '../../events/ses-feedback';
import { decideFeedback } from '../../shared/mail/feedback';
import { suppressAndAnnounce } from '../../shared/mail/suppress';
import { InvalidAddressError } from '../../shared/mail/unsubscribe';
import { maskAddress } from '../../shared/mail/unsubscribe-endpoint';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { eventHandler } from '../middleware/event';
import { bus } from '../wiring/bus';
import { runtimeEnv } from '../wiring/env';
import { suppression } from '../wiring/suppression';

const env = runtimeEnv();
bindTenant(env.tenant.id);

export const handler = eventHandler(sesMailFeedback, async (detail) => {
  logger.appendKeys({ sesMessageId: detail.mail.messageId });
  metrics.addMetric(detail.eventType === 'Bounce' ? 'MailBounced' : 'MailComplaint', MetricUnit.Count, 1);
  const decision = decideFeedback(detail, { configurationSet: configurationSetName(env.tenant.id) });
  if (decision.action === 'ignore') {
    logger.info('mail feedback ignored', { eventType: detail.eventType, reason: decision.reason });
    return decision;
  }
  const results = [];
  // One at a time, and any failure rethrown: the rule's retries (then its DLQ) take over, and the addresses
  // already suppressed are simply repeats on the next attempt.
  for (const s of decision.suppressions) {
    let r: Awaited<ReturnType<typeof suppressAndAnnounce>>;
    try {
      r = await suppressAndAnnounce(
        { tenantId: env.tenant.id, suppression: suppression(), bus: bus() },
        s.address,
        s.reason,
        { source: s.source, at: s.at, correlationId: detail.mail.messageId },
      );
    } catch (err) {
      // A recipient SES reports in a form that is no address can never be mailed either: retrying cannot help.
      if (!(err instanceof InvalidAddressError)) throw err;
      logger.warn('mail feedback names no usable address', { reason: err.message });
      continue;
    }
    logger.info('address suppressed', { address: maskAddress(r.address), reason: s.reason, added: r.added });
    if (r.added) metrics.addMetric('AddressSuppressed', MetricUnit.Count, 1);
    results.push({ address: maskAddress(r.address), added: r.added });
  }
  return { action: 'suppress', results };
});
