/**
 * With a data folder the local mailbox is its journal on disk: messages are read back from the file when listed
 * (whole or a page at a time), found there by id, and still there after a restart, while the process keeps none of
 * them in memory; after a `kill -9` mid-write, the torn last line is dropped and the rest counted and listed.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { afterEach, expect, it } from 'vitest';
import { LocalMail } from '../../infra/local/mail';
import { SesMailer } from '../../shared/adapters/aws/ses';
import { sesClientFor } from '../support/local-aws';
import { REPO_ROOT } from '../support/runtime-process';

const sesStore = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as {
  getStoreReadonly(): { emails: unknown[] };
};

const now = new Date('2026-12-07T01:00:00.000Z');
let mail: LocalMail | undefined;
let ses: SESv2Client | undefined;

const start = async (file: string) => {
  mail = await LocalMail.start({ now: () => now, file });
  ses = sesClientFor(mail.endpoint);
  const mailer = new SesMailer(ses, 'quotaflow-acme');
  return (subject: string) =>
    mailer.send({
      kind: 'workflow',
      from: '销售部 <sales@acme.example>',
      to: ['li.lei@acme.example'],
      subject,
      html: `<p>${subject}</p>`,
      text: subject,
    });
};

const stop = async () => {
  ses?.destroy();
  await mail?.stop();
  ses = undefined;
  mail = undefined;
};

afterEach(stop);

it('serves the mailbox from its file, paged, by id and after a restart, holding none of it in memory', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'qf-mail-file-')), 'mail.jsonl');
  const send = await start(file);
  const ids: string[] = [];
  for (const subject of ['一', '二', '三']) ids.push((await send(subject)).messageId);

  expect(sesStore.getStoreReadonly().emails).toEqual([]);
  expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
  expect(mail?.count()).toBe(3);
  const all = (await mail?.list()) ?? [];
  expect(all.map((m) => [m.id, m.subject, m.from, m.sentAt])).toEqual(
    ids.map((id, i) => [
      id,
      ['一', '二', '三'][i],
      '销售部 <sales@acme.example>',
      '2026-12-07T01:00:00.000Z',
    ]),
  );
  expect(all[0]?.headers.to).toBe('li.lei@acme.example');
  expect((await mail?.list({ offset: 1, limit: 1 }))?.map((m) => m.subject)).toEqual(['二']);
  expect((await mail?.list({ offset: 2 }))?.map((m) => m.subject)).toEqual(['三']);
  expect((await mail?.list({ limit: 0 })) ?? []).toEqual([]);
  const eml = (await mail?.eml(ids[1] as string)) ?? '';
  expect((await simpleParser(eml)).subject).toBe('二');
  expect(await mail?.eml('no-such-message')).toBeUndefined();

  await stop();
  await start(file);
  expect(mail?.count()).toBe(3);
  expect((await mail?.list())?.map((m) => m.id)).toEqual(ids);
  expect(sesStore.getStoreReadonly().emails).toEqual([]);

  mail?.clear();
  expect(mail?.count()).toBe(0);
  expect(await mail?.list()).toEqual([]);
  expect(readFileSync(file, 'utf8')).toBe('');
});

/** A process that captures `count` messages into `file` through the SES stand-in, then waits to be killed. */
const SENDER = `
import { LocalMail } from '${REPO_ROOT}/infra/local/mail.ts';
import { SesMailer } from '${REPO_ROOT}/shared/adapters/aws/ses.ts';
import { sesClientFor } from '${REPO_ROOT}/test/support/local-aws.ts';
const mail = await LocalMail.start({ now: () => new Date('${now.toISOString()}'), file: process.env.MAIL_FILE });
const mailer = new SesMailer(sesClientFor(mail.endpoint), 'quotaflow-acme');
for (let i = 0; i < Number(process.env.COUNT); i++)
  await mailer.send({ kind: 'workflow', from: 'sales@acme.example', to: ['li.lei@acme.example'], subject: 'before ' + i, html: '<p>x</p>', text: 'x' });
process.stdout.write('sent\\n');
setInterval(() => {}, 60_000);
`;

const sendThenKill9 = async (file: string, count: number): Promise<void> => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SENDER], {
    cwd: REPO_ROOT,
    env: { ...process.env, MAIL_FILE: file, COUNT: String(count) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((sent, failed) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('sent') && sent());
    child.once('exit', (code) => failed(new Error(`the sender exited (${code}) before sending`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
};

it('after kill -9 mid-write: the torn last line is dropped, the rest counted and listed, and mail goes on', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'qf-mail-crash-')), 'mail.jsonl');
  const send = await start(file);
  await send('first run');
  await stop();
  await sendThenKill9(file, 5);
  // The write the kill cut short: never acknowledged (SES had not answered).
  appendFileSync(file, '{"messageId":"torn","destination":{"to":["li.lei@acm');

  const again = await start(file);
  expect(mail?.count()).toBe(6);
  expect((await mail?.list())?.map((m) => m.subject)).toEqual([
    'first run',
    ...[0, 1, 2, 3, 4].map((i) => `before ${i}`),
  ]);
  await again('after');
  expect(mail?.count()).toBe(7);
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  expect(
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).subject),
  ).toHaveLength(7);
  await stop();
  await start(file);
  expect(mail?.count()).toBe(7);
}, 60_000);
