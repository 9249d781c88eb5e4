import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { checkTenant, tableSources } from '../../shared/watchdog/check';
import { businessCalendarOf } from '../../shared/watchdog/plan';
import { scheduledHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { once } from '../wiring/once';
import { documentClient, tableName } from '../wiring/store';
import { watch } from '../wiring/watch';
import { calendarWarningsAt, workflows } from '../wiring/workflow-document';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
const sources = once(() => tableSources(documentClient(), tableName(), watch()));

/**
 * Checks what should have happened and did not (shared/watchdog): each kind is a metric the stack alarms on
 * (shared/watchdog/alarms.ts, infra/constructs/observability.ts), and the report stays in the table for `quotaflow status`.
 */
export const handler = scheduledHandler(z.unknown(), async () => {
  const now = clock().now();
  const report = await checkTenant(tenant, now, {
    ...sources(),
    calendar: businessCalendarOf(workflows()?.config.calendars),
    calendarsShort: calendarWarningsAt(now).map((w) => ({ name: w.calendar, coversUntil: w.coveredThrough })),
  });
  for (const m of report.metrics) {
    const unit = m.unit === 'Percent' ? MetricUnit.Percent : MetricUnit.Count;
    if (m.provider) {
      const single = metrics.singleMetric();
      single.addDimension('provider', m.provider);
      single.addMetric(m.name, unit, m.value);
    } else metrics.addMetric(m.name, unit, m.value);
  }
  // The watchdog's own heartbeat: its alarm treats missing data as breaching, so a watchdog that stopped alarms too.
  metrics.addMetric('WatchdogChecked', MetricUnit.Count, 1);
  if (report.findings.length) logger.warn('something that should have happened did not', { ...report });
  else logger.info('watchdog: nothing missing', { at: report.at });
  return { findings: report.findings };
});
