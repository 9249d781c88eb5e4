import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import {
  closeRun,
  lastEndedPeriods,
  localDate,
  mailStatements,
  planBookFromDocument,
} from '../../shared/incentives';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { clock } from '../../shared/runtime/clock';
import { loadTenantDocument } from '../../shared/runtime/documents';
import { effects } from '../../shared/runtime/effects';
import { runtimeEnv } from '../../shared/runtime/env';
import { once } from '../../shared/runtime/once';
import { documentClient, tableName } from '../../shared/runtime/store';
import { IncentiveRepository } from '../../shared/store/incentives';
import { scheduledHandler } from '../middleware/event';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
const book = planBookFromDocument(loadTenantDocument('incentives'), tenant.id);
const store = once(() => new IncentiveRepository(documentClient(), tableName()));

/**
 * Closes, for each period kind the plans use, the last period that has ended, then mails its statements. A period
 * already closed (by an earlier run or the CLI) is not recomputed: its stored statements are mailed, and the effect
 * keys carry each statement's hash, so a retry or a second run sends nothing twice.
 */
export const handler = scheduledHandler(z.unknown(), async (_input, context) => {
  if (!book) {
    logger.info('no incentive plans for this tenant (tenants/incentives/<tenant>.json): nothing to close');
    return { skipped: 'no incentive plans' };
  }
  const now = clock().now();
  const today = localDate(now.toISOString(), tenant.timeZone);
  const results = [];
  for (const periodKey of lastEndedPeriods(book, today)) {
    const closed = await store().close(periodKey);
    const run = closed
      ? undefined
      : await closeRun({ book, store: store(), tenant, periodKey, now, hold: true });
    const statements = run ? run.statements : await store().statements(periodKey);
    if (run?.held.length) {
      // Left out of this close, not lost: fixed in the CRM, they arrive as adjustments in the next period.
      logger.warn('deals held out of the close: the plans cannot credit them', { periodKey, held: run.held });
      metrics.addMetric('IncentiveDealsHeld', MetricUnit.Count, run.held.length);
    }
    const mail = await mailStatements({
      book,
      tenant,
      statements,
      effects: effects(),
      correlationId: `incentive-close:${periodKey}:${context.awsRequestId}`,
    });
    if (mail.skipped.length)
      logger.warn('incentive statements not mailed', { periodKey, skipped: mail.skipped });
    logger.info('incentive period closed', {
      periodKey,
      closedNow: !closed,
      statements: statements.length,
      sent: mail.sent,
      duplicates: mail.duplicates,
    });
    metrics.addMetric('IncentiveStatementsMailed', MetricUnit.Count, mail.sent);
    results.push({ periodKey, closedNow: !closed, statements: statements.length, ...mail });
  }
  return { results };
});
