import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DomainEventDetail } from '../../events';
import { anyDomainEvent, contactSuppressed, eventGroup } from '../../events';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { runtimeEnv } from '../../shared/runtime/env';
import { workflowRunner } from '../../shared/runtime/workflows';
import { eventGroupHandler } from '../middleware/event';

bindTenant(runtimeEnv().tenant.id);
const runner = workflowRunner();

export const handler = eventGroupHandler(
  [anyDomainEvent, eventGroup([contactSuppressed])],
  async ({ type, detail }) => {
    if (!runner) return { skipped: 'the tenant has no workflows' };
    const d = detail as DomainEventDetail;
    const run = await runner.onEvent({ type, detail: d });
    const sent = run.steps.filter((s) => s.kind === 'email' && s.outcome === 'performed').length;
    if (sent) metrics.addMetric('EmailSent', MetricUnit.Count, sent);
    logger.info('workflows ran', {
      recordId: d.recordId,
      domainEventId: d.eventId,
      matched: run.matched.map((m) => `${m.id}@${m.version}`),
      steps: run.steps.map((s) => ({
        step: s.key,
        outcome: s.outcome,
        ...(s.detail ? { detail: s.detail } : {}),
      })),
      stopped: run.stopped,
    });
    return { matched: run.matched.length, steps: run.steps.length, stopped: run.stopped.length };
  },
);
