/**
 * The HTTP edge: the only place that knows status codes. Domain errors become a JSON body naming the problem;
 * anything else is logged and answered 500 without detail (the sender retries, nothing was acknowledged).
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  AuthenticationError,
  type DomainError,
  type ErrorCode,
  RejectedInputError,
} from '../../shared/errors';
import { logger, metrics } from '../../shared/observability/logger';
import { publishMetrics } from './metrics';

const STATUS: Partial<Record<ErrorCode, number>> = {
  missing_header: 400,
  invalid_json: 400,
  not_utf8: 400,
  invalid_payload: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_signature: 401,
  stale_timestamp: 401,
  future_timestamp: 401,
  not_found: 404,
};

export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

const errorBody = (err: DomainError) => ({
  error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
});

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export const httpHandler = (handler: HttpHandler, opts: { metrics?: boolean; webhook?: boolean } = {}) => {
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(handler).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
  if (opts.metrics !== false) chain.use(publishMetrics(metrics));
  if (opts.webhook) {
    // A before-middleware that returns a value ends the request with it (middy): return nothing.
    chain.before(() => {
      metrics.addMetric('WebhookReceived', MetricUnit.Count, 1);
    });
  }
  return chain.use({
    onError: async (request) => {
      const err = request.error;
      if (err instanceof RejectedInputError || err instanceof AuthenticationError) {
        if (opts.webhook) metrics.addMetric('WebhookRejected', MetricUnit.Count, 1);
        const status = STATUS[err.code] ?? 400;
        logger.warn('request rejected', { code: err.code, reason: err.message, status });
        request.response = json(status, errorBody(err));
        return;
      }
      logger.error('request failed', { error: err as Error });
      request.response = json(500, { error: { code: 'internal', message: 'internal error; retry later' } });
    },
  });
};

/**
 * A webhook receiver: counts every delivery received and every one rejected (by the error middleware above); the
 * receiver reports the outcome of the ones it took with `countDelivery`.
 */
export const webhookHandler = (handler: HttpHandler) => httpHandler(handler, { webhook: true });

export const countDelivery = (status: 'accepted' | 'duplicate' | 'ignored'): void => {
  metrics.addMetric(status === 'duplicate' ? 'WebhookDuplicate' : 'WebhookAccepted', MetricUnit.Count, 1);
};

/** Header lookup for API Gateway v2 events, which are already lower-cased; locally the gateway lower-cases too. */
export const headersOf = (event: APIGatewayProxyEventV2): Record<string, string | undefined> =>
  event.headers ?? {};

/**
 * The raw body as the sender signed it: API Gateway base64-encodes bodies it considers binary, and those stay bytes
 * so the receiver can tell a body that is not UTF-8 from one whose signature is wrong.
 */
export const rawBodyOf = (event: APIGatewayProxyEventV2): string | Buffer =>
  event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
