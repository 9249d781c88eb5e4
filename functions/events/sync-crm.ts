import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { crmRecordChanged } from '../../events';
import { requireCrmSettings } from '../../shared/crm/registry';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { applyRecordChange } from '../../shared/sync/apply-change';
import { eventHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { crmReader } from '../wiring/crm';
import { domainBus } from '../wiring/domain-bus';
import { runtimeEnv } from '../wiring/env';
import { receipts, records } from '../wiring/store';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
if (!requireCrmSettings(tenant.crm.provider).readsRecords)
  throw new Error(`tenant ${tenant.id} has no CRM to read from`);

/** Zoho and Fxiaoke changes carry ids only: the record is read from the CRM, then applied like any other. */
export const handler = eventHandler(crmRecordChanged, async (change) => {
  const result = await applyRecordChange(change, {
    receipts: receipts(),
    records: records(),
    bus: domainBus(),
    now: clock().now(),
    crm: await crmReader(),
  });
  const log = result.outcome === 'receipt-missing' ? logger.error.bind(logger) : logger.info.bind(logger);
  log('record change processed', { object: change.object, recordId: change.recordId, ...result });
  metrics.addMetric('RecordChangeProcessed', MetricUnit.Count, 1);
  return result;
});
