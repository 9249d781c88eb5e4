import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { crmConfigOf } from '../../shared/crm/provider';
import { zohoSettings } from '../../shared/crm/zoho/settings';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import {
  renewZohoChannels,
  ZohoChannelRenewalError,
  type ZohoChannelRenewalResult,
} from '../../shared/sync/zoho-channels';
import { scheduledHandler } from '../middleware/event';
import { runtimeEnv } from '../wiring/env';
import { zohoChannelRenewalDeps } from '../wiring/zoho-channels';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
crmConfigOf(zohoSettings, tenant);

const report = (r: Extract<ZohoChannelRenewalResult, { status: 'checked' }>): void => {
  logger.info('zoho channel health', { notifyUrl: r.notifyUrl, health: r.health });
  for (const c of r.renewed) {
    const log = c.shortened ? logger.warn.bind(logger) : logger.info.bind(logger);
    log(c.shortened ? 'zoho channel renewed, but Zoho shortened its expiry' : 'zoho channel renewed', {
      ...c,
    });
  }
  for (const f of r.failed) logger.error('zoho channel not renewed', { ...f });
  for (const m of r.misconfigured)
    logger.error('zoho channel misconfigured: notify URL or token differ; reconnect', { module: m });
  metrics.addMetric('ZohoChannelsRenewed', MetricUnit.Count, r.renewed.length);
  metrics.addMetric('ZohoChannelsFailed', MetricUnit.Count, r.failed.length + r.misconfigured.length);
};

/** Renews channels close to expiry; throws (→ retry, DLQ, alarm) when one cannot be renewed. */
export const handler = scheduledHandler(z.unknown(), async () => {
  const deps = await zohoChannelRenewalDeps();
  let result: ZohoChannelRenewalResult;
  try {
    result = await renewZohoChannels(deps);
  } catch (err) {
    if (err instanceof ZohoChannelRenewalError) report(err.result);
    throw err;
  }
  if (result.status === 'not-connected') {
    logger.warn(
      'no Zoho channel state: notifications were never enabled for this tenant; run `npm run quotaflow -- connect zoho`',
    );
    return { status: result.status };
  }
  report(result);
  return {
    status: result.status,
    renewed: result.renewed.map((c) => c.module),
    health: result.health.map((h) => ({ module: h.module, state: h.state })),
  };
});
