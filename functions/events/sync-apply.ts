import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { crmRecordChanged } from '../../events';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { applyRecordChange } from '../../shared/sync/apply-change';
import { eventHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { domainBus } from '../wiring/domain-bus';
import { runtimeEnv } from '../wiring/env';
import { receipts, records } from '../wiring/store';

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
