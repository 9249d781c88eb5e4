/**
 * The local gateway's own endpoints answer only to requests addressed to its loopback host and port, and take a
 * POST only as JSON: a web page in the developer's browser (a cross-origin text/plain POST, a DNS-rebinding host)
 * must not move the clock. The gateway runs for real; the services behind it are a clock and a recorder.
 */

import type { Server } from 'node:http';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portOf, startGateway } from '../../infra/local/gateway';
import type { LocalRuntimeServices } from '../../infra/local/runtime';

const START = new Date('2026-03-02T01:00:00.000Z');
let now = START;
const moves: Date[] = [];
const services = {
  clock: { now: () => now },
  advanceClock: async (to: Date) => {
    moves.push(to);
    now = to;
    return [];
  },
  log: () => undefined,
  logRequest: () => undefined,
  ready: true,
} as unknown as LocalRuntimeServices;

let gateway: Server;
let port: number;

beforeAll(async () => {
  gateway = await startGateway(services, [], 0);
  port = portOf(gateway);
});
afterAll(async () => {
  await new Promise((r) => gateway.close(r));
});

/** node:http rather than fetch: fetch will not send a Host header of the caller's choosing. */
const send = (opts: { method: string; host?: string; type?: string; body?: string }) =>
  new Promise<{ status: number; body: { error?: { code: string; message: string }; now?: string } }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/_local/clock',
          method: opts.method,
          headers: {
            host: opts.host ?? `127.0.0.1:${port}`,
            ...(opts.type ? { 'content-type': opts.type } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
          );
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    },
  );

const later = JSON.stringify({ now: '2026-03-05T09:00:00+08:00' });

describe('/_local/* from outside the loopback origin', () => {
  it('refuses a cross-origin text/plain POST (a web form or fetch without preflight): 415, clock unmoved', async () => {
    const res = await send({ method: 'POST', type: 'text/plain;charset=UTF-8', body: later });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'unsupported_media_type' });
    expect(res.body.error?.message).toMatch(/application\/json/);
    const none = await send({ method: 'POST', body: later });
    expect(none.status).toBe(415);
    expect(moves).toEqual([]);
  });

  it('refuses a Host that is not the loopback address and port it serves (DNS rebinding): 403', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1']) {
      const res = await send({ method: 'POST', host, type: 'application/json', body: later });
      expect(res.status, host).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'forbidden_host' });
    }
    expect((await send({ method: 'GET', host: 'evil.example' })).status).toBe(403);
    expect(moves).toEqual([]);
  });

  it('answers 127.0.0.1:<port> and localhost:<port>, and a JSON POST moves the clock', async () => {
    expect(await send({ method: 'GET' })).toMatchObject({ status: 200, body: { now: START.toISOString() } });
    const res = await send({
      method: 'POST',
      host: `localhost:${port}`,
      type: 'application/json',
      body: later,
    });
    expect(res.status).toBe(200);
    expect(moves).toEqual([new Date('2026-03-05T01:00:00.000Z')]);
  });
});
