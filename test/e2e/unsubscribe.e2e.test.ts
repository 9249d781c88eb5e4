/**
 * Consent, as a recipient and an operator meet it against `npm start`'s runtime as its own process: the signed
 * one-click link (GET confirms, POST unsubscribes, a forged link is refused), and SES bounces and complaints
 * (played by the local SES stand-in) landing on the suppression list through the same function as on AWS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsubscribeUrl } from '../../shared/mail/unsubscribe';
import { SuppressionRepository } from '../../shared/store/suppression';
import { cli } from '../support/cli-process';
import { localClientConfig } from '../support/local-aws';
import { REPO_ROOT, type RuntimeProcess, settle, startRuntimeProcess } from '../support/runtime-process';

interface Status {
  inFlight: number;
  eventsPublished: number;
  deadLetters: number;
  endpoints: Record<string, string>;
}

let rt: RuntimeProcess;
let status: Status;
let repo: SuppressionRepository;
let doc: DynamoDBDocumentClient;
let ses: SESv2Client;
const secret = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'tenants', 'demo.dev-secrets.json'), 'utf8')) as {
    unsubscribeSigningSecret: string;
  }
).unsubscribeSigningSecret;

const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${rt.url}${path}`)).json()) as T;
const settled = () => settle(rt.url);
const link = (address: string) => unsubscribeUrl({ baseUrl: rt.url, tenantId: 'demo', address, secret });
const oneClick = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

/** A message through the local SES stand-in, as the product's mailer sends it; returns its id. */
const send = async (to: string[]): Promise<string> => {
  const out = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: 'quotaflow@demo.quotaflow.dev',
      Destination: { ToAddresses: to },
      ConfigurationSetName: 'quotaflow-demo',
      Content: {
        Simple: {
          Subject: { Data: `Follow-up ${to.join(', ')}` },
          Body: { Text: { Data: 'Hello' }, Html: { Data: '<p>Hello</p>' } },
        },
      },
    }),
  );
  if (!out.MessageId) throw new Error('no message id');
  return out.MessageId;
};
const feedback = (id: string, kind: 'bounce' | 'complaint', body?: unknown) =>
  fetch(`${rt.url}/_local/emails/${encodeURIComponent(id)}/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

beforeAll(async () => {
  rt = await startRuntimeProcess();
  status = await getJson<Status>('/_local/status');
  const e = status.endpoints;
  doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(e.AWS_ENDPOINT_URL_DYNAMODB ?? '')));
  repo = new SuppressionRepository(doc, e.TABLE_NAME ?? '', () => new Date());
  ses = new SESv2Client(localClientConfig(e.AWS_ENDPOINT_URL_SESV2 ?? ''));
}, 90_000);
afterAll(async () => {
  doc?.destroy();
  ses?.destroy();
  await rt?.stop();
});

describe('one-click unsubscribe', () => {
  it('GET shows the confirmation page in the tenant locale and unsubscribes nobody', async () => {
    const res = await fetch(link('Chen.Jing@Example.com'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('确认退订');
    expect(html).toContain('chen.jing@example.com');
    await settled();
    expect(await repo.isSuppressed('chen.jing@example.com')).toBeUndefined();
  });

  it('POST List-Unsubscribe=One-Click suppresses the address and announces it; a repeat is a 200 no-op', async () => {
    const before = (await getJson<Status>('/_local/status')).eventsPublished;
    const res = await oneClick(link('Chen.Jing@Example.com'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('已退订');
    await settled();
    expect(await repo.isSuppressed('chen.jing@example.com')).toMatchObject({ reason: 'unsubscribed' });
    const after = await getJson<Status>('/_local/status');
    expect(after.eventsPublished).toBe(before + 1); // contact.suppressed
    const again = await oneClick(link('chen.jing@example.com'));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('您已退订');
    await settled();
    expect((await getJson<Status>('/_local/status')).eventsPublished).toBe(before + 1);
  });

  it('refuses a forged or incomplete link (403/400) and stores nothing', async () => {
    const forged = link('victim@example.com').replace('victim%40', 'other%40');
    const res = await oneClick(forged);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('退订链接无效');
    const incomplete = await oneClick(`${rt.url}/unsubscribe?address=victim%40example.com`);
    expect(incomplete.status).toBe(400);
    await settled();
    expect(await repo.isSuppressed('victim@example.com')).toBeUndefined();
    expect(await repo.isSuppressed('other@example.com')).toBeUndefined();
  });
});

describe('SES bounces and complaints (simulated by the local SES stand-in)', () => {
  it('a permanent bounce suppresses the recipient; a transient one does not', async () => {
    const hard = await send(['gone@example.com']);
    const soft = await send(['full@example.com']);
    expect((await feedback(hard, 'bounce')).status).toBe(202);
    expect((await feedback(soft, 'bounce', { type: 'Transient' })).status).toBe(202);
    await settled();
    expect(await repo.isSuppressed('gone@example.com')).toMatchObject({ reason: 'bounced' });
    expect(await repo.isSuppressed('full@example.com')).toBeUndefined();
    expect((await getJson<Status>('/_local/status')).deadLetters).toBe(0);
  });

  it('a complaint suppresses only the recipient it names; unknown messages and recipients are refused', async () => {
    const id = await send(['angry@example.com', 'calm@example.com']);
    expect((await feedback(id, 'complaint', { recipients: ['angry@example.com'] })).status).toBe(202);
    await settled();
    expect(await repo.isSuppressed('angry@example.com')).toMatchObject({ reason: 'complained' });
    expect(await repo.isSuppressed('calm@example.com')).toBeUndefined();
    expect((await feedback('no-such-message', 'bounce')).status).toBe(404);
    expect((await feedback(id, 'bounce', { recipients: ['stranger@example.com'] })).status).toBe(400);
    expect((await feedback(id, 'bounce', { type: 'Soft' })).status).toBe(400);
  });

  it('the operator sees all of it with `quotaflow suppression list`', () => {
    const e = status.endpoints;
    const listing = cli(['suppression', 'list', '--tenant', 'demo', '--json'], {
      env: {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: e.AWS_ENDPOINT_URL_DYNAMODB,
      },
    });
    expect(listing.status, listing.stderr).toBe(0);
    const listed = JSON.parse(listing.stdout) as { entries: { address: string; reason: string }[] };
    expect(listed.entries.map((x) => [x.address, x.reason])).toEqual([
      ['angry@example.com', 'complained'],
      ['chen.jing@example.com', 'unsubscribed'],
      ['gone@example.com', 'bounced'],
    ]);
  });
});
