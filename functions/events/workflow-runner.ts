import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DomainEventDetail } from '../../events';
import { anyDomainEvent, contactSuppressed, eventGroup } from '../../events';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { eventGroupHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { calendarWarningsAt, workflowRunner } from '../wiring/workflows';

bindTenant(runtimeEnv().tenant.id);
const runner = workflowRunner();
/** The day the calendar warning was last logged: once a day per container is enough to be seen. */
let warnedOn: string | undefined;

export const handler = eventGroupHandler(
  [anyDomainEvent, eventGroup([contactSuppressed])],
  async ({ type, detail }) => {
    if (!runner) return { skipped: 'the tenant has no workflows' };
    const d = detail as DomainEventDetail;
    const run = await runner.onEvent({ type, detail: d });
    const short = calendarWarningsAt(clock().now());
    // Alarmed (CalendarCoverageShort > 0): follow-ups would soon treat public holidays as working days.
    metrics.addMetric('CalendarCoverageShort', MetricUnit.Count, short.length);
    const today = clock().now().toISOString().slice(0, 10);
    if (short.length && warnedOn !== today) {
      warnedOn = today;
      for (const w of short)
        logger.warn(w.message, { calendar: w.calendar, firstUncovered: w.firstUncovered });
    }
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
