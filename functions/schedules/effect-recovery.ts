import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { recoverPendingEffects } from '../../shared/effects/recovery';
import { redriveUnappliedReceipts } from '../../shared/ingest/redrive';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { scheduledHandler } from '../middleware/event';
import { bus } from '../wiring/bus';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { receipts, records } from '../wiring/store';
import { workflowEffects } from '../wiring/workflow-effects';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);

export const handler = scheduledHandler(z.unknown(), async () => {
  const effects = await recoverPendingEffects(workflowEffects());
  (effects.failed > 0 ? logger.warn.bind(logger) : logger.info.bind(logger))(
    'effect recovery sweep',
    effects,
  );
  metrics.addMetric('EffectsRecovered', MetricUnit.Count, effects.recovered);
  const redrive = await redriveUnappliedReceipts({
    tenantId: tenant.id,
    receipts: receipts(),
    records: records(),
    bus: bus(),
    now: clock().now(),
  });
  (redrive.redriven > 0 ? logger.warn.bind(logger) : logger.info.bind(logger))('receipt sweep', redrive);
  // Alarmed on (infra/constructs/observability.ts): each one is a webhook that took the sweep to reach sync.
  metrics.addMetric('ReceiptsRedriven', MetricUnit.Count, redrive.redriven);
  return { effects, receipts: redrive };
});
