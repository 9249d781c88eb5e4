import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { crmRecordChanged } from '../../events';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { clock } from '../../shared/runtime/clock';
import { domainBus } from '../../shared/runtime/domain-bus';
import { runtimeEnv } from '../../shared/runtime/env';
import { receipts, records } from '../../shared/runtime/store';
import { applyRecordChange } from '../../shared/sync/apply-change';
import { eventHandler } from '../middleware/event';

bindTenant(runtimeEnv().tenant.id);

export const handler = eventHandler(crmRecordChanged, async (change) => {
  const result = await applyRecordChange(change, {
    receipts: receipts(),
    records: records(),
    bus: domainBus(),
    now: clock().now(),
  });
  const log = result.outcome === 'receipt-missing' ? logger.error.bind(logger) : logger.info.bind(logger);
  log('record change processed', { object: change.object, recordId: change.recordId, ...result });
  metrics.addMetric('RecordChangeProcessed', MetricUnit.Count, 1);
  return result;
});
