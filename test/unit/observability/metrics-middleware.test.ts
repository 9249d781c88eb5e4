/**
 * The handlers' metrics flush (functions/middleware/metrics.ts) through the real HTTP middleware chain and the real
 * Powertools Metrics: an invocation that recorded no metric prints no "No application metrics to publish" warning
 * (and no EMF), one that did still prints its EMF line, and dimensions added in one invocation do not carry over.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpHandler, json } from '../../../functions/middleware/http';
import { metrics } from '../../../shared/observability/logger';

const context = {
  functionName: 'quotaflow-demo-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:quotaflow-demo-test',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 3_000,
} as unknown as Context;
const request = {
  headers: {},
  requestContext: { http: { method: 'GET' } },
} as unknown as APIGatewayProxyEventV2;

let printed: string[];
beforeEach(() => {
  printed = [];
  const capture = (chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const emf = () => printed.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));

describe('metrics flush after each invocation', () => {
  it('an invocation without metrics logs no empty-metrics warning and prints no EMF', async () => {
    const handler = httpHandler(async () => json(200, { ok: true }));
    expect(await handler(request, context)).toMatchObject({ statusCode: 200 });
    expect(printed.join('')).not.toContain('No application metrics to publish');
    expect(emf()).toEqual([]);
  });

  it('an invocation with a metric prints it as EMF, with none of the warning', async () => {
    const handler = httpHandler(async () => json(202, {}), { webhook: true });
    await handler(request, context);
    const [line, ...more] = emf();
    expect(more).toEqual([]);
    expect(line).toMatchObject({ service: 'quotaflow', WebhookReceived: 1 });
    expect(line._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Quotaflow' });
    expect(printed.join('')).not.toContain('No application metrics to publish');
  });

  it('a dimension added during an invocation without metrics does not reach the next one', async () => {
    const quiet = httpHandler(async () => {
      metrics.addDimension('provider', 'zoho');
      return json(200, {});
    });
    await quiet(request, context);
    await httpHandler(async () => json(202, {}), { webhook: true })(request, context);
    const [line] = emf();
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('provider');
  });
});
