import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalChat } from '../../../infra/local/chat';
import { ChatWebhookClient, ChatWebhookError } from '../../../shared/adapters/chat/webhook';
import { RejectedInputError } from '../../../shared/errors';
import { chatPayload } from '../../../shared/workflows/chat';

/** A provider stand-in answering each path as the real providers do; the local runtime's chat sink on /sink. */
let server: Server;
let base = '';
const chat = new LocalChat(() => new Date('2026-03-02T08:00:00Z'));
const received: { path: string; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ path: req.url ?? '', body: JSON.parse(raw.toString() || 'null') });
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, {
          'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (req.url === '/sink') {
        const out = chat.receive(req.headers['x-quotaflow-chat-url'] as string | undefined, raw);
        return reply(out.status, out.body);
      }
      if (req.url === '/feishu-ok') return reply(200, { code: 0, msg: 'success' });
      if (req.url === '/feishu-refused')
        return reply(200, {
          code: 19021,
          msg: 'sign match fail or timestamp is not within one hour from current time',
        });
      if (req.url === '/dingtalk-refused')
        return reply(200, { errcode: 310000, errmsg: 'keywords not in content' });
      if (req.url === '/slack-ok') return reply(200, 'ok');
      if (req.url === '/gone') return reply(404, 'no_service');
      return reply(503, 'busy');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('chat webhooks', () => {
  const client = new ChatWebhookClient();

  it('posts the provider-shaped body and treats code 0 / "ok" as delivered', async () => {
    await expect(client.post(`${base}/feishu-ok`, chatPayload('feishu', '赢单：华东区'))).resolves.toBe(
      'chat 200',
    );
    await expect(client.post(`${base}/slack-ok`, chatPayload('slack', 'Won <b>'))).resolves.toBe('chat 200');
    expect(received.at(-2)?.body).toEqual({ msg_type: 'text', content: { text: '赢单：华东区' } });
    expect(received.at(-1)?.body).toEqual({ text: 'Won &lt;b&gt;' });
  });

  it('never takes an HTTP 200 refusal for success', async () => {
    await expect(client.post(`${base}/feishu-refused`, chatPayload('feishu', 'x'))).rejects.toThrow(/19021/);
    await expect(
      client.post(`${base}/dingtalk-refused`, chatPayload('dingtalk', 'x')),
    ).rejects.toBeInstanceOf(ChatWebhookError);
  });

  it('retries 5xx (throws a retryable error) and refuses a 4xx for good', async () => {
    await expect(client.post(`${base}/busy`, {})).rejects.toBeInstanceOf(ChatWebhookError);
    await expect(client.post(`${base}/gone`, {})).rejects.toBeInstanceOf(RejectedInputError);
  });

  it('locally, sends everything to the chat stand-in with the intended URL, which answers like the provider', async () => {
    const local = new ChatWebhookClient({ redirectTo: `${base}/sink` });
    const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/demo';
    await expect(local.post(url, chatPayload('feishu', '新线索'))).resolves.toBe('chat 200');
    expect(await chat.list()).toEqual([
      expect.objectContaining({
        url,
        provider: 'feishu',
        body: { msg_type: 'text', content: { text: '新线索' } },
      }),
    ]);
  });
});
