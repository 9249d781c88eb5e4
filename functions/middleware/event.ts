/**
 * The EventBridge edge: the detail is parsed with the event's own contract, the correlation id carried by the event
 * is put on every log line, and errors propagate so that the rule's retry policy and DLQ take over.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type * as core from 'zod/v4/core';
import type { EventContract, EventGroup } from '../../events';
import * as z from '../../events/zod';
import { logger, metrics } from '../../shared/observability/logger';
import { publishMetrics } from './metrics';
import { recordScheduleRun } from './schedule-run';

export const eventHandler = <S extends core.$ZodType, R>(
  contract: EventContract<S>,
  handler: (detail: core.output<S>, event: EventBridgeEvent<string, unknown>, context: Context) => Promise<R>,
) =>
  middy<EventBridgeEvent<string, unknown>, R>(
    async (event: EventBridgeEvent<string, unknown>, context: Context) => {
      const detail = contract.parse(event.detail);
      const correlationId = (detail as { correlationId?: unknown }).correlationId;
      if (typeof correlationId === 'string') logger.setCorrelationId(correlationId);
      logger.appendKeys({ eventId: event.id, detailType: event['detail-type'] });
      return handler(detail, event, context);
    },
  )
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics(metrics));

/**
 * One handler for a group of events (events/define.ts `eventGroup`), or several groups: each detail is parsed with the contract of its
 * own detail-type; a detail-type outside the group is an error (the rule's pattern should never have sent it).
 */
export const eventGroupHandler = <R>(
  /** One group, or several (events from different sources on one function, each on its own rule). */
  groups: EventGroup | readonly EventGroup[],
  handler: (
    event: { type: string; detail: unknown },
    raw: EventBridgeEvent<string, unknown>,
    context: Context,
  ) => Promise<R>,
) =>
  middy<EventBridgeEvent<string, unknown>, R>(
    async (event: EventBridgeEvent<string, unknown>, context: Context) => {
      const type = event['detail-type'];
      const contract = ([] as EventGroup[])
        .concat(groups)
        .map((g) => g.contractOf(type))
        .find((c) => c !== undefined);
      if (!contract) throw new Error(`${type} is not one of the events this function takes`);
      const detail = contract.parse(event.detail);
      const correlationId = (detail as { correlationId?: unknown }).correlationId;
      if (typeof correlationId === 'string') logger.setCorrelationId(correlationId);
      logger.appendKeys({ eventId: event.id, detailType: type });
      return handler({ type, detail }, event, context);
    },
  )
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics(metrics));

/**
 * Scheduler invokes its target with the schedule's Input as the event, parsed by the handler's own schema; a fixed
 * schedule's completed run is recorded (schedule-run.ts).
 */
export const scheduledHandler = <S extends core.$ZodType, R>(
  schema: S,
  handler: (input: core.output<S>, context: Context) => Promise<R>,
) =>
  middy<unknown, R>(async (event: unknown, context: Context) => {
    const input = z.parse(schema, event);
    const correlationId = (input as { correlationId?: unknown } | undefined)?.correlationId;
    if (typeof correlationId === 'string') logger.setCorrelationId(correlationId);
    metrics.addMetric('ScheduledRun', MetricUnit.Count, 1);
    return handler(input, context);
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics(metrics))
    .use(recordScheduleRun());
