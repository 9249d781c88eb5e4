import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailerPort, OutgoingEmail } from '../../ports';

// RFC 5322 field names are printable ASCII without ':'; values must not carry CR/LF (header injection).
const HEADER_NAME = /^[!-9;-~]+$/;
const hasLineBreak = (s: string): boolean => /[\r\n]/.test(s);

/**
 * SES wants a non-ASCII display name in RFC 2047 encoded-word form (`=?UTF-8?B?…?= <address>`); ASCII names are
 * passed as written (senderOf already quoted them).
 */
export const encodeDisplayName = (from: string): string => {
  const m = /^(.*\S)\s*<([^<>]+)>$/.exec(from);
  if (!m?.[1] || !m[2] || /^[\x20-\x7e]*$/.test(m[1])) return from;
  const name = m[1].startsWith('"') && m[1].endsWith('"') ? m[1].slice(1, -1).replace(/\\(.)/g, '$1') : m[1];
  return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${m[2]}>`;
};

export class SesMailer implements MailerPort {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    if (hasLineBreak(email.subject)) throw new Error('email subject contains a line break');
    // The kind is set here, where every message passes, so no sender can forget it.
    const all = { ...email.headers, ...(email.kind ? { 'X-Quotaflow-Kind': email.kind } : {}) };
    const headers = Object.entries(all).map(([Name, Value]) => {
      if (!HEADER_NAME.test(Name) || hasLineBreak(Value))
        throw new Error(`invalid email header ${JSON.stringify(Name)}`);
      return { Name, Value };
    });
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: encodeDisplayName(email.from),
        Destination: { ToAddresses: email.to, ...(email.cc?.length ? { CcAddresses: email.cc } : {}) },
        ...(email.replyTo?.length ? { ReplyToAddresses: email.replyTo } : {}),
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: {
              Html: { Data: email.html, Charset: 'UTF-8' },
              Text: { Data: email.text, Charset: 'UTF-8' },
            },
            ...(headers.length ? { Headers: headers } : {}),
          },
        },
      }),
    );
    if (!out.MessageId) throw new Error('SES accepted the message without a MessageId');
    return { messageId: out.MessageId };
  }
}
