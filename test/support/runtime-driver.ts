/**
 * Driving `npm start`'s runtime process as a person would in the acceptance tests: signed generic webhooks
 * timestamped with the runtime's clock, clock moves, the local mailbox and team chat, and the `quotaflow` CLI on the
 * same data folder (it finds the runtime through the runtime.json there and acts at the runtime's clock). Every
 * read waits until the runtime has settled (nothing in flight).
 */
import { expect } from 'vitest';
import { cli } from './cli-process';
import { settle } from './runtime-process';
import { signedHeaders } from './signer';

export interface Email {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export const runtimeDriver = (opts: {
  /** The runtime's URL (read when used, so the runtime can start in beforeAll). */
  url: () => string;
  dataDir: string;
  tenant: string;
  secret: string;
  /** Prefix of the webhook message ids. */
  idPrefix: string;
}) => {
  /**
   * fetch, tried again once when the runtime had closed the kept-alive connection: `quotaflow` runs with spawnSync,
   * which blocks this process's event loop for seconds, so the close of an idle connection may not be seen before
   * the next request reuses it. Every request here can be repeated (GETs, a clock set to an instant, a webhook id).
   */
  const call = async (path: string, init?: RequestInit): Promise<Response> => {
    try {
      return await fetch(`${opts.url()}${path}`, init);
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw err;
      return fetch(`${opts.url()}${path}`, init);
    }
  };
  const getJson = async <T>(path: string): Promise<T> => (await (await call(path)).json()) as T;
  const settled = () => settle(opts.url(), { get: call });
  const emails = async () => {
    await settled();
    return getJson<Email[]>('/_local/emails');
  };
  let sent = 0;
  return {
    getJson,
    settle: settled,
    emails,
    /** Mail of one kind (the X-Quotaflow-Kind header) to one address. */
    mailTo: async (kind: string, to: string) =>
      (await emails()).filter((m) => m.headers['x-quotaflow-kind'] === kind && m.to.includes(to)),
    chat: async () => {
      await settled();
      return getJson<{ body: { content: { text: string } } }[]>('/_local/chat');
    },
    moveClock: async (now: string) => {
      const res = await call('/_local/clock', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ now }),
      });
      expect(res.status).toBe(200);
      await settled();
    },
    /** One signed generic webhook, timestamped with the runtime's clock (the record modified then, unless it says). */
    send: async (object: string, action: string, record: Record<string, unknown>) => {
      const { now } = await getJson<{ now: string }>('/_local/clock');
      const body = JSON.stringify({ object, action, record: { modifiedAt: now, ...record } });
      const id = `${opts.idPrefix}_${++sent}`;
      const res = await call('/webhooks/generic', {
        method: 'POST',
        headers: signedHeaders(opts.secret, id, body, Math.floor(Date.parse(now) / 1000)),
        body,
      });
      expect(res.status, await res.text()).toBe(202);
    },
    /** `quotaflow <args> --tenant <tenant> --data-dir <dataDir>`, as `npm run quotaflow` runs it. */
    quotaflow: (...args: string[]) => cli([...args, '--tenant', opts.tenant, '--data-dir', opts.dataDir]),
  };
};
