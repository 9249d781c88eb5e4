/**
 * The local HTTP gateway: the manifest's HTTP routes served as API Gateway HTTP API would (payload 2.0 events,
 * 10 MB body limit), plus the /_local endpoints for people and tests: mailbox, emails (and their simulated bounces
 * and complaints), chat messages workflows posted, clock, schedules, DLQ.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionSpec } from '../../functions/manifest';
import { toApiEvent, writeApiResult } from './api-event';
import { CHAT_TARGET_HEADER } from './chat';
import { localFaultsSchema } from './crm-simulators';
import { deadLetterView } from './dead-letters';
import { refuseForeignLocalRequest } from './local-guard';
import { FeedbackError, type MailPage } from './mail';
import { mailboxPage } from './mailbox-page';
import type { LocalRuntimeServices } from './runtime-types';

const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
};
const problem = (res: ServerResponse, status: number, code: string, message: string) =>
  sendJson(res, status, { error: { code, message } });

/** A JSON array written as its elements come (a mailbox read from disk is never whole in memory). */
const sendJsonArray = async (res: ServerResponse, items: AsyncIterable<unknown>): Promise<void> => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  let first = true;
  for await (const item of items) {
    if (!res.write(`${first ? '[' : ','}${JSON.stringify(item)}`)) await once(res, 'drain');
    first = false;
  }
  res.end(first ? '[]' : ']');
};

/** `?offset=<n>&limit=<n>` of GET /_local/emails (both optional: the whole mailbox, oldest first), or what is wrong. */
const mailPage = (url: URL): MailPage | string => {
  const page: MailPage = {};
  for (const key of ['offset', 'limit'] as const) {
    const raw = url.searchParams.get(key);
    if (raw === null) continue;
    if (!/^\d{1,9}$/.test(raw))
      return `${key} must be a whole number of messages, not ${JSON.stringify(raw)}`;
    page[key] = Number(raw);
  }
  return page;
};

const readBody = (req: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= API_GATEWAY_MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > API_GATEWAY_MAX_BODY ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * `POST /_local/emails/<id>/bounce|complaint` with an optional JSON body: SES's part, publishing the bounce or
 * complaint event for a captured message to the local bus (as SES does to EventBridge).
 *   bounce:    {"recipients": ["a@b.example"], "type": "Permanent" | "Transient"}
 *   complaint: {"recipients": ["a@b.example"], "feedbackType": "abuse"}
 */
const simulateFeedback = async (
  res: ServerResponse,
  services: LocalRuntimeServices,
  id: string,
  kind: 'bounce' | 'complaint',
  body: Buffer,
): Promise<void> => {
  let options: { recipients?: unknown; type?: unknown; feedbackType?: unknown } = {};
  if (body.length) {
    try {
      options = JSON.parse(body.toString('utf8')) as typeof options;
    } catch {
      problem(res, 400, 'invalid_json', 'the body is not valid JSON');
      return;
    }
  }
  const { recipients, type, feedbackType } = options;
  if (
    (recipients !== undefined &&
      (!Array.isArray(recipients) || !recipients.every((r) => typeof r === 'string'))) ||
    (type !== undefined && type !== 'Permanent' && type !== 'Transient') ||
    (feedbackType !== undefined && typeof feedbackType !== 'string')
  ) {
    problem(
      res,
      400,
      'invalid_payload',
      'expected {"recipients": ["<address>"], "type": "Permanent" | "Transient"} for a bounce, ' +
        '{"recipients": [...], "feedbackType": "abuse"} for a complaint (every field optional)',
    );
    return;
  }
  try {
    const published = await services.mail.simulateFeedback(id, {
      kind,
      ...(recipients ? { recipients: recipients as string[] } : {}),
      ...(type ? { bounceType: type as 'Permanent' | 'Transient' } : {}),
      ...(typeof feedbackType === 'string' ? { feedbackType } : {}),
    });
    sendJson(res, 202, { published });
  } catch (err) {
    if (err instanceof FeedbackError) {
      const code = { 400: 'invalid_payload', 404: 'not_found', 409: 'conflict' }[err.status];
      problem(res, err.status, code, err.message);
      return;
    }
    throw err;
  }
};

export const startGateway = async (
  services: LocalRuntimeServices,
  routes: { method: string; path: string; fn: FunctionSpec }[],
  port: number,
): Promise<Server> => {
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));

  const local = async (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> => {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /_local/emails') {
      const page = mailPage(url);
      if (typeof page === 'string') return problem(res, 400, 'invalid_query', page);
      return sendJsonArray(res, services.mail.captured(page));
    }
    if (route === 'GET /_local/chat') return sendJson(res, 200, await services.chat.list());
    if (route === 'POST /_local/chat') {
      const header = req.headers[CHAT_TARGET_HEADER];
      const out = services.chat.receive(typeof header === 'string' ? header : undefined, body);
      if (typeof out.body !== 'string') return sendJson(res, out.status, out.body);
      res.writeHead(out.status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(out.body);
      return;
    }
    if (route === 'DELETE /_local/emails') {
      services.mail.clear();
      return sendJson(res, 200, { cleared: true });
    }
    const feedback = /^\/_local\/emails\/([^/]+)\/(bounce|complaint)$/.exec(url.pathname);
    if (req.method === 'POST' && feedback?.[1] && feedback[2])
      return simulateFeedback(
        res,
        services,
        decodeURIComponent(feedback[1]),
        feedback[2] as 'bounce' | 'complaint',
        body,
      );
    const eml = /^\/_local\/emails\/(.+)\.eml$/.exec(url.pathname);
    if (req.method === 'GET' && eml?.[1]) {
      const content = await services.mail.eml(decodeURIComponent(eml[1]));
      if (!content) return problem(res, 404, 'not_found', 'no such message');
      res.writeHead(200, { 'content-type': 'message/rfc822' });
      res.end(content);
      return;
    }
    if (route === 'GET /_local/mailbox' || route === 'GET /') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(mailboxPage(services.tenant.displayName));
      return;
    }
    if (route === 'GET /_local/clock') return sendJson(res, 200, { now: services.clock.now().toISOString() });
    if (route === 'POST /_local/clock') {
      let now: Date;
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { now?: unknown };
        if (
          typeof parsed.now !== 'string' ||
          Number.isNaN(Date.parse(parsed.now)) ||
          !/T.*(Z|[+-]\d\d:\d\d)$/.test(parsed.now)
        ) {
          return problem(
            res,
            400,
            'invalid_payload',
            'expected {"now": "<ISO-8601 date-time with zone, e.g. 2026-12-01T09:00:00+08:00>"}',
          );
        }
        now = new Date(parsed.now);
      } catch {
        return problem(res, 400, 'invalid_json', 'the body is not valid JSON');
      }
      if (now < services.clock.now()) {
        return problem(
          res,
          409,
          'conflict',
          `the clock only moves forward; it is already ${services.clock.now().toISOString()}`,
        );
      }
      const fired = await services.advanceClock(now);
      return sendJson(res, 200, { now: services.clock.now().toISOString(), fired });
    }
    if (route === 'GET /_local/crm') {
      const crm = services.crm;
      return sendJson(
        res,
        200,
        crm ? { provider: crm.provider, simulator: crm.url, records: crm.sample() } : { provider: 'generic' },
      );
    }
    if (route === 'POST /_local/crm/faults' || route === 'POST /_local/crm/flush') {
      if (!services.crm)
        return problem(res, 404, 'not_found', 'this tenant uses the generic webhook: no CRM simulator');
      if (route === 'POST /_local/crm/flush')
        return sendJson(res, 200, { delivered: await services.crm.flush() });
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        return problem(res, 400, 'invalid_json', 'the body is not valid JSON');
      }
      const parsed = localFaultsSchema.safeParse(input);
      if (!parsed.success)
        return problem(
          res,
          400,
          'invalid_payload',
          `${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}; expected ` +
            '{"tooManyRequests": n, "serverErrors": n, "slowMs": ms, "expireTokens": true, ' +
            '"duplicateNotifications": bool, "outOfOrderNotifications": bool}',
        );
      services.crm.faults(parsed.data);
      return sendJson(res, 200, { faults: parsed.data });
    }
    if (route === 'POST /_local/crm/change') {
      if (!services.crm)
        return problem(res, 404, 'not_found', 'this tenant uses the generic webhook: no CRM simulator');
      let change: { target?: unknown; id?: unknown; values?: unknown };
      try {
        change = JSON.parse(body.toString('utf8')) as typeof change;
      } catch {
        return problem(res, 400, 'invalid_json', 'the body is not valid JSON');
      }
      const { target, id, values } = change;
      if (
        typeof target !== 'string' ||
        typeof id !== 'string' ||
        typeof values !== 'object' ||
        values === null
      ) {
        return problem(
          res,
          400,
          'invalid_payload',
          'expected {"target": "<Zoho module or Fxiaoke object>", "id": "<record id>", "values": {<field>: <value>}}',
        );
      }
      try {
        const delivered = await services.crm.change(target, id, values as Record<string, unknown>);
        // Report how many notifications went out, not their bodies (they carry the channel token).
        return sendJson(res, 200, { notifications: Array.isArray(delivered) ? delivered.length : 0 });
      } catch (err) {
        return problem(res, 404, 'not_found', (err as Error).message);
      }
    }
    if (route === 'GET /_local/schedules') return sendJson(res, 200, services.scheduler.snapshot());
    // Read-only: `quotaflow dlq` lists and redrives through the SQS stand-in, as on AWS.
    if (route === 'GET /_local/dlq') return sendJson(res, 200, deadLetterView(services.sqs, services.stack));
    if (route === 'GET /_local/status') return sendJson(res, 200, services.status());
    return problem(res, 404, 'not_found', `no local route ${route}`);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const started = performance.now();
    // The mailbox page and tests poll the /_local read endpoints: only the rest is worth a line.
    if (req.method !== 'GET' || !url.pathname.startsWith('/_local/'))
      res.once('finish', () =>
        services.logRequest(req.method ?? '?', url.pathname, res.statusCode, performance.now() - started),
      );
    try {
      const body = await readBody(req);
      if (!body)
        return problem(res, 413, 'payload_too_large', `the body exceeds ${API_GATEWAY_MAX_BODY} bytes`);
      const route = byKey.get(`${req.method} ${url.pathname}`);
      if (route && !services.ready) {
        // Functions are still loading: a CRM retries a 503 (as it would a cold API Gateway), never a 500.
        res.setHeader('retry-after', '1');
        return problem(res, 503, 'starting', 'the runtime is still starting; retry in a moment');
      }
      if (route) {
        const routeKey = `${route.method} ${route.path}`;
        const result = await services.functions.invoke(
          route.fn.id,
          toApiEvent(req, url, routeKey, body, services.clock.now()),
        );
        return writeApiResult(res, result);
      }
      if (url.pathname === '/' || url.pathname.startsWith('/_local/')) {
        const refused = refuseForeignLocalRequest(req);
        if (refused) return problem(res, refused.status, refused.code, refused.message);
        return await local(req, res, url, body);
      }
      return problem(res, 404, 'not_found', `no route ${req.method} ${url.pathname}`);
    } catch (err) {
      services.log('gateway error', { error: (err as Error).message });
      if (!res.headersSent) problem(res, 500, 'internal', 'internal error');
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
};

export const portOf = (server: Server): number => (server.address() as AddressInfo).port;
