import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { GoalProgress } from '../../shared/goals/progress';
import { recomputeGoals } from '../../shared/goals/recompute';
import { localDate } from '../../shared/incentives/periods';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { GoalTargetRepository } from '../../shared/store/goal-targets';
import { RecordRepository } from '../../shared/store/records';
import { scheduledHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { goalProgressRuntime } from '../wiring/goal-progress';
import { documentClient, tableName } from '../wiring/store';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);

/** Stop this long before the Lambda's deadline: the cursor is saved and the next run of the night resumes. */
const MARGIN_MS = 60_000;

export const handler = scheduledHandler(z.unknown(), async (_input, context) => {
  const now = clock().now();
  const rt = await goalProgressRuntime(now.getTime());
  if (!rt) return { skipped: 'the tenant has no goals' };
  const records = new RecordRepository(documentClient(), tableName());
  const targets = new GoalTargetRepository(documentClient(), tableName());
  const progress = new GoalProgress(rt.goals, rt.org, tenant, {
    owned: (object, owner, lower, upper) => records.owned(object, owner, lower, upper),
    target: async (goal, period, owner) => (await targets.get(goal, period, owner))?.target,
    fxRate: rt.fxRate,
  });
  const report = await recomputeGoals(localDate(now.toISOString(), tenant.timeZone), now, {
    progress,
    store: rt.store,
    contributions: rt.contributions,
    timeUp: () => context.getRemainingTimeInMillis() < MARGIN_MS,
    onDisagreement: (d) => {
      logger.warn('goal total disagreed with its recompute: corrected', {
        goal: d.goal,
        period: d.period,
        owner: d.owner,
        stored: d.stored.actual.toFixed(),
        recomputed: d.recomputed.actual.toFixed(),
        storedPipeline: d.stored.pipeline.toFixed(),
        recomputedPipeline: d.recomputed.pipeline.toFixed(),
      });
      metrics.addMetric('GoalProgressDisagreement', MetricUnit.Count, 1);
    },
  });
  logger.info('goal totals recomputed', { ...report });
  return report;
});
