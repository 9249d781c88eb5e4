/**
 * The first vertical slice, driven over HTTP against `npm start`'s runtime as its own process:
 * signed webhook → receipt → bus → sync → the demo's won-deal workflow → email in the local mailbox and a chat
 * message in the local chat stand-in, exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RuntimeProcess, settle, startRuntimeProcess } from '../support/runtime-process';
import { demoSigningSecret, signedHeaders } from '../support/signer';

let rt: RuntimeProcess;
const secret = demoSigningSecret(REPO_ROOT);

interface Email {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${rt.url}${path}`)).json()) as T;
const clockNow = async () => new Date((await getJson<{ now: string }>('/_local/clock')).now);
const status = () =>
  getJson<{ inFlight: number; eventsPublished: number; deadLetters: number }>('/_local/status');
const settled = () => settle(rt.url);
const emails = async () => {
  await settled();
  return getJson<Email[]>('/_local/emails');
};

const deal = (over: Record<string, unknown> = {}) => ({
  object: 'deal',
  action: 'updated',
  record: {
    id: 'D-1001',
    modifiedAt: '2026-11-27T10:00:00+08:00',
    name: '华东区年度框架协议 <b>VIP</b>',
    owner: { id: 'u1', name: '王芳', email: 'wang.fang@demo.example', managerEmail: 'li.ming@demo.example' },
    stage: 'Closed Won',
    status: 'won',
    amount: '128000.00',
    currency: 'CNY',
    ...over,
  },
});

const post = async (
  id: string,
  body: string,
  opts: { ts?: number; headers?: Record<string, string> } = {},
) => {
  const ts = opts.ts ?? Math.floor((await clockNow()).getTime() / 1000);
  const res = await fetch(`${rt.url}/webhooks/generic`, {
    method: 'POST',
    headers: { ...signedHeaders(secret, id, body, ts), ...opts.headers },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } },
  };
};

type PostResult = Awaited<ReturnType<typeof post>>;

beforeAll(async () => {
  rt = await startRuntimeProcess();
}, 90_000);
afterAll(async () => {
  await rt?.stop();
});

describe('local runtime: generic webhook to mailbox', () => {
  it('answers /health', async () => {
    const res = await fetch(`${rt.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', tenant: 'demo' });
  });

  let correlationId = '';
  it('turns a signed won-deal webhook into exactly one email to the owner and one team chat message', async () => {
    const res = await post('msg_e2e_1', JSON.stringify(deal()));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', deliveryId: 'msg_e2e_1' });
    correlationId = String(res.body.correlationId);
    const mail = await emails();
    expect(mail).toHaveLength(1);
    const [m] = mail as [Email];
    expect(m.to).toEqual(['wang.fang@demo.example']);
    expect(m.cc ?? []).toEqual([]);
    expect(m.from).toBe('Quotaflow Demo <quotaflow@demo.quotaflow.dev>');
    expect(m.subject).toBe('恭喜赢单：华东区年度框架协议 <b>VIP</b>（¥128,000.00）');
    expect(m.html).toContain('华东区年度框架协议 &lt;b&gt;VIP&lt;/b&gt;');
    expect(m.html).not.toContain('<b>VIP</b>');
    expect(m.text).toContain('¥128,000.00');
    expect(m.headers['x-quotaflow-correlation-id']).toBe(correlationId);
    expect(m.headers['mime-version']).toBe('1.0');
    // Internal mail carries no unsubscribe link; the team hears about it in its Feishu group.
    expect(m.headers['list-unsubscribe']).toBeUndefined();
    const chat = await getJson<{ provider: string; body: { content: { text: string } } }[]>('/_local/chat');
    expect(chat).toHaveLength(1);
    expect(chat[0]?.provider).toBe('feishu');
    expect(chat[0]?.body.content.text).toContain('华东区年度框架协议 <b>VIP</b>');
  });

  it('treats a replay of the same delivery as a duplicate and sends nothing more', async () => {
    const body = JSON.stringify(deal());
    const again = await post('msg_e2e_1', body);
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', correlationId } });
    const other = await post('msg_e2e_2', body);
    expect(other.status).toBe(202);
    expect(await emails()).toHaveLength(1);
    expect((await status()).deadLetters).toBe(0);
  });

  it('rejects bad deliveries with a 4xx naming the problem, storing nothing', async () => {
    const before = (await status()).eventsPublished;
    const body = JSON.stringify(deal({ id: 'D-2002', status: 'open', stage: 'Negotiation' }));
    const now = Math.floor((await clockNow()).getTime() / 1000);
    const cases: [string, Promise<PostResult>, number, string, RegExp][] = [
      ['tampered body', tamper(body), 401, 'invalid_signature', /no webhook-signature entry matches/],
      ['stale timestamp', post('msg_bad_2', body, { ts: now - 301 }), 401, 'stale_timestamp', /in the past/],
      [
        'future timestamp',
        // The runtime's clock runs on while the ten requests are answered, so a timestamp one second past the
        // window could fall inside it on a slow machine; a minute past stays outside. The exact edge is pinned in
        // test/unit/standard-webhooks.test.ts.
        post('msg_bad_3', body, { ts: now + 360 }),
        401,
        'future_timestamp',
        /in the future/,
      ],
      ['malformed JSON', post('msg_bad_4', `${body.slice(0, -1)},`), 400, 'invalid_json', /not valid JSON/],
      [
        'wrong content type',
        post('msg_bad_5', body, { headers: { 'content-type': 'text/plain' } }),
        415,
        'unsupported_media_type',
        /application\/json/,
      ],
      [
        'body over 256 KB',
        post('msg_bad_6', JSON.stringify(deal({ name: 'x'.repeat(300 * 1024) }))),
        413,
        'payload_too_large',
        /limit is 262144/,
      ],
      [
        'amount of the wrong type',
        post('msg_bad_7', JSON.stringify(deal({ amount: 128000 }))),
        422,
        'invalid_payload',
        /record\.amount/,
      ],
      [
        'unknown field',
        post('msg_bad_8', JSON.stringify({ ...deal(), extra: 1 })),
        422,
        'invalid_payload',
        /extra/,
      ],
      [
        'missing signature',
        fetch(`${rt.url}/webhooks/generic`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as PostResult['body'] })),
        400,
        'missing_header',
        /webhook-id/,
      ],
    ];
    for (const [name, pending, code, errorCode, message] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(code);
      expect(res.body.error?.code, name).toBe(errorCode);
      expect(res.body.error?.message, name).toMatch(message);
    }
    expect((await status()).eventsPublished).toBe(before);
    // Nothing was stored: the same delivery id, now correctly signed, is a first delivery.
    expect((await post('msg_bad_2', body)).body.status).toBe('accepted');
  });

  it('plays the check-in reminder when the clock moves past the wait, once', async () => {
    const target = new Date((await clockNow()).getTime() + 8 * 86_400_000);
    const res = await fetch(`${rt.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: target.toISOString() }),
    });
    expect(res.status).toBe(200);
    const moved = (await res.json()) as { fired: { name: string }[] };
    expect(moved.fired.map((f) => f.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^qf-wf-/)]),
    );
    const subjects = (await emails()).map((m) => m.subject);
    expect(subjects.filter((s) => s.startsWith('客户回访提醒'))).toHaveLength(1);
    const back = await fetch(`${rt.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: '2020-01-01T00:00:00Z' }),
    });
    expect(back.status).toBe(409);
  });

  it('logs one correlation id from the webhook to the email, and never the secret or the body', async () => {
    await settled();
    const lines = rt
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => 'level' in l);
    const correlated = lines.filter((l) => l.correlation_id === correlationId).map((l) => l.message);
    expect(correlated).toEqual(
      expect.arrayContaining(['webhook accepted', 'record change processed', 'workflows ran']),
    );
    expect(lines.every((l) => l.tenantId === 'demo' || l.service === 'quotaflow-local')).toBe(true);
    const all = rt.stdout();
    expect(all).not.toContain(secret.replace(/^whsec_/, ''));
    expect(all).not.toContain('华东区年度框架协议');
  });

  it('serves the mailbox page, whose script parses (it lists mail and chat messages)', async () => {
    const res = await fetch(`${rt.url}/_local/mailbox`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Quotaflow local mailbox');
    const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1] ?? '';
    expect(script).toContain("fetch('/_local/chat')");
    // Compiling is enough to catch an escaping slip in the page template; nothing is run.
    expect(() => new Function(script)).not.toThrow();
  });
});

async function tamper(body: string) {
  const ts = Math.floor((await clockNow()).getTime() / 1000);
  const headers = signedHeaders(secret, 'msg_bad_1', body, ts);
  const res = await fetch(`${rt.url}/webhooks/generic`, {
    method: 'POST',
    headers,
    body: body.replace('128000.00', '999999.00'),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } },
  };
}
