/**
 * With a data folder the local mailbox is its journal on disk: messages are read back from the file when listed
 * (whole or a page at a time), found there by id, and still there after a restart, while the process keeps none of
 * them in memory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { afterEach, expect, it } from 'vitest';
import { LocalMail } from '../../infra/local/mail';
import { SesMailer } from '../../shared/adapters/aws/ses';
import { sesClientFor } from '../support/local-aws';

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
