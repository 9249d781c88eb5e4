/**
 * The local SES stand-in stamps captured mail with the runtime's clock: after `POST /_local/clock` moves it on, a
 * sequence email sent "on Monday 09:00" must show Monday 09:00 in the mailbox, its Date header and SES feedback.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalMail } from '../../infra/local/mail';
import { SesMailer } from '../../shared/adapters/aws/ses';
import { sesClientFor } from '../support/local-aws';

let now = new Date('2026-12-07T01:00:00.000Z');
let mail: LocalMail;
let ses: SESv2Client;

beforeAll(async () => {
  mail = await LocalMail.start({ now: () => now });
  ses = sesClientFor(mail.endpoint);
});

afterAll(async () => {
  ses?.destroy();
  await mail?.stop();
});

it('stamps each message with the clock it was sent on, not the machine time', async () => {
  const mailer = new SesMailer(ses, 'quotaflow-acme');
  const send = (subject: string) =>
    mailer.send({
      kind: 'workflow',
      from: 'sales@acme.example',
      to: ['li.lei@acme.example'],
      subject,
      html: `<p>${subject}</p>`,
      text: subject,
    });
  const first = await send('Monday');
  now = new Date('2026-12-09T01:00:00.000Z');
  const second = await send('Wednesday');

  const captured = await mail.list();
  expect(captured.map((m) => [m.id, m.sentAt])).toEqual([
    [first.messageId, '2026-12-07T01:00:00.000Z'],
    [second.messageId, '2026-12-09T01:00:00.000Z'],
  ]);
  const eml = await mail.eml(first.messageId);
  expect((await simpleParser(eml ?? '')).date?.toISOString()).toBe('2026-12-07T01:00:00.000Z');
});
