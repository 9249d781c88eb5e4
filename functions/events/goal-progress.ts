import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { anyDomainEvent, type DomainEventDetail } from '../../events';
import { applyRecordToGoals } from '../../shared/goals/incremental';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { eventGroupHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { goalProgressRuntime } from '../wiring/goal-progress';
import { records } from '../wiring/store';

bindTenant(runtimeEnv().tenant.id);

/**
 * Each domain event carries the record as stored at that version: its contributions to the goal totals replace the
 * previous version's, once (goals/incremental.ts). The rule takes only the first event of each change (the others
 * carry the same version); a redelivery or a late older version finds it applied and writes nothing, and so does a
 * version that moves no total (the canonical copy is read before a write, so a late older version never wins).
 */
export const handler = eventGroupHandler(anyDomainEvent, async ({ type, detail }) => {
  const rt = await goalProgressRuntime(clock().now().getTime());
  if (!rt) return { skipped: 'the tenant has no goals' };
  const d = detail as DomainEventDetail;
  const result = await applyRecordToGoals(
    {
      object: d.object,
      record: d.record,
      version: Date.parse(d.record.modifiedAt),
      deleted: type === 'record.deleted',
    },
    rt.contributions,
    rt.store,
    records(),
  );
  logger.info('goal progress', {
    object: d.object,
    recordId: d.recordId,
    domainEventId: d.eventId,
    outcome: result.outcome,
    totals: result.deltas.map((t) => `${t.goal}|${t.period}|${t.owner}: ${t.actual.toFixed()}`),
  });
  if (result.deltas.length) metrics.addMetric('GoalTotalsUpdated', MetricUnit.Count, result.deltas.length);
  return { outcome: result.outcome, totals: result.deltas.length };
});
