/**
 * Structured JSON logs and metrics (Powertools). Every line carries the tenant; handlers append the correlation id
 * that follows a webhook through the bus to the email it causes. Never log secrets, tokens or message bodies.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const SERVICE_NAME = 'quotaflow';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: 'Quotaflow', serviceName: SERVICE_NAME, logger });

let boundTenant: string | undefined;
/** Called at each handler's cold start; the local runtime loads every handler into one process, hence the guard. */
export const bindTenant = (tenantId: string): void => {
  if (boundTenant === tenantId) return;
  boundTenant = tenantId;
  logger.appendPersistentKeys({ tenantId });
  metrics.setDefaultDimensions({ tenant: tenantId });
};
