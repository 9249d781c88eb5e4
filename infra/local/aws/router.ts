/**
 * One loopback HTTP server for the AWS services that have no maintained emulator: EventBridge and Secrets Manager
 * (awsJson1_1, dispatched on X-Amz-Target), SQS and CloudWatch (awsJson1_0, the same), EventBridge Scheduler
 * (restJson1, under /schedules), Lambda's Invoke (restJson1) and CloudFormation's ListStackResources (query
 * protocol). The runtime points the SDK at it with AWS_ENDPOINT_URL_<SERVICE>, so the production adapters and the
 * admin CLI's clients are what talks to it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStack } from '../stack';
import { listStackResources, queryError } from './cloudformation';
import type { LocalCloudWatch } from './cloudwatch';
import type { LocalEventBus } from './event-bus';
import { INVOKE_PATH, invokeFunction } from './lambda';
import { AwsError, parseJson, readBody, sendAwsError, sendJson } from './protocol';
import type { LocalScheduler } from './scheduler';
import type { LocalSecretsManager } from './secrets-manager';
import type { LocalSqs } from './sqs';

const AMZ_JSON_1_1 = 'application/x-amz-json-1.1';
const AMZ_JSON_1_0 = 'application/x-amz-json-1.0';

export const startAwsStandIns = async (services: {
  bus: LocalEventBus;
  scheduler: LocalScheduler;
  secrets: LocalSecretsManager;
  /** The admin side (npm start has it; a test of the product's adapters may leave it out). */
  admin?: {
    sqs: LocalSqs;
    cloudWatch: LocalCloudWatch;
    stack: LocalStack;
    invoke: (id: string, event: unknown) => Promise<unknown>;
    startedAt: Date;
  };
}): Promise<{ server: Server; endpoint: string }> => {
  const server = createServer(async (req, res) => {
    const target = req.headers['x-amz-target'];
    const url = new URL(req.url ?? '/', 'http://local');
    const json10 = typeof target === 'string' && /^(AmazonSQS|GraniteServiceVersion20100801)\./.test(target);
    const query = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    try {
      const raw = await readBody(req);
      const invoke = INVOKE_PATH.exec(url.pathname);
      const admin = services.admin;
      if (admin && invoke && req.method === 'POST') {
        const header = req.headers['x-amz-invocation-type'];
        await invokeFunction(
          res,
          { functionId: admin.stack.functionId, invoke: admin.invoke },
          decodeURIComponent(invoke[1] ?? ''),
          typeof header === 'string' ? header : undefined,
          raw,
        );
        return;
      }
      if (admin && query && typeof target !== 'string') {
        const text = listStackResources(admin.stack, new URLSearchParams(raw), admin.startedAt, (r) =>
          r.type === 'AWS::SQS::Queue' ? admin.sqs.queueUrl(r.physicalId) : r.physicalId,
        );
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(text);
        return;
      }
      const body = parseJson(raw);
      if (typeof target === 'string') {
        const [service, action = ''] = target.split('.');
        const result =
          service === 'AWSEvents'
            ? await services.bus.handle(action, body)
            : service === 'secretsmanager'
              ? services.secrets.handle(action, body)
              : service === 'AmazonSQS' && admin
                ? await admin.sqs.handle(action, body)
                : service === 'GraniteServiceVersion20100801' && admin
                  ? admin.cloudWatch.handle(action, body)
                  : undefined;
        if (result === undefined)
          throw new AwsError('UnknownOperationException', 400, `${target} is not served locally`);
        sendJson(res, 200, result, json10 ? AMZ_JSON_1_0 : AMZ_JSON_1_1);
        return;
      }
      if (url.pathname.startsWith('/schedules')) {
        sendJson(
          res,
          200,
          services.scheduler.handle(req.method ?? 'GET', url.pathname, url.searchParams, body),
        );
        return;
      }
      throw new AwsError(
        'UnknownOperationException',
        404,
        `${req.method} ${url.pathname} is not served locally`,
      );
    } catch (err) {
      if (query && typeof target !== 'string' && err instanceof AwsError) {
        res.writeHead(err.status, { 'content-type': 'text/xml' });
        res.end(queryError(err));
        return;
      }
      sendAwsError(
        res,
        err,
        typeof target === 'string' ? (json10 ? AMZ_JSON_1_0 : AMZ_JSON_1_1) : 'application/json',
      );
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}` };
};
