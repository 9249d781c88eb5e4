/**
 * One loopback HTTP server for the AWS services that have no maintained emulator: EventBridge and Secrets Manager
 * (awsJson1_1, dispatched on X-Amz-Target) and EventBridge Scheduler (restJson1, under /schedules). The runtime
 * points the SDK at it with AWS_ENDPOINT_URL_<SERVICE>, so the production adapters are what talks to it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalEventBus } from './event-bus';
import { AwsError, parseJson, readBody, sendAwsError, sendJson } from './protocol';
import type { LocalScheduler } from './scheduler';
import type { LocalSecretsManager } from './secrets-manager';

const AMZ_JSON = 'application/x-amz-json-1.1';

export const startAwsStandIns = async (services: {
  bus: LocalEventBus;
  scheduler: LocalScheduler;
  secrets: LocalSecretsManager;
}): Promise<{ server: Server; endpoint: string }> => {
  const server = createServer(async (req, res) => {
    const target = req.headers['x-amz-target'];
    const url = new URL(req.url ?? '/', 'http://local');
    try {
      const body = parseJson(await readBody(req));
      if (typeof target === 'string') {
        const [service, action = ''] = target.split('.');
        const result =
          service === 'AWSEvents'
            ? await services.bus.handle(action, body)
            : service === 'secretsmanager'
              ? services.secrets.handle(action, body)
              : undefined;
        if (result === undefined)
          throw new AwsError('UnknownOperationException', 400, `${target} is not served locally`);
        sendJson(res, 200, result, AMZ_JSON);
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
      sendAwsError(res, err, typeof target === 'string' ? AMZ_JSON : 'application/json');
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}` };
};
