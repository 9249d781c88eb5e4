import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DomainEventDetail } from '../../events';
import * as z from '../../events/zod';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import type { StepPayload } from '../../shared/workflows/runner';
import { scheduledHandler } from '../middleware/event';
import { runtimeEnv } from '../wiring/env';
import { workflowRunner } from '../wiring/workflows';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
const runner = workflowRunner();

/** The schedule's input as the runner wrote it; the event inside is re-read as the record stands now. */
const stepSchema = z.object({
  kind: z.literal('workflow-step'),
  tenantId: z.literal(tenant.id, { error: `this function serves tenant ${tenant.id} only` }),
  key: z.string().check(z.minLength(1)),
  origin: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('workflow'), id: z.string(), version: z.int() }),
    z.object({
      kind: z.literal('sequence'),
      id: z.string(),
      version: z.int(),
      occurrence: z.string(),
      startAt: z.iso.datetime({ offset: true }),
      workflow: z.string(),
    }),
  ]),
  event: z.object({
    type: z.string(),
    detail: z.looseObject({ eventId: z.string(), object: z.string(), recordId: z.string() }),
  }),
  correlationId: z.string(),
});

export const handler = scheduledHandler(stepSchema, async (step) => {
  if (!runner) throw new Error('a workflow step fired for a tenant without workflows');
  const result = await runner.onStep({
    ...step,
    event: { type: step.event.type, detail: step.event.detail as unknown as DomainEventDetail },
  } as StepPayload);
  logger.info('workflow step ran', { step: step.key, outcome: result.outcome, detail: result.detail });
  if (result.kind === 'email' && result.outcome === 'performed')
    metrics.addMetric('EmailSent', MetricUnit.Count, 1);
  return result;
});
