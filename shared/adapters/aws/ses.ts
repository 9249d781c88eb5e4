import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailerPort, OutgoingEmail } from '../../ports';

// RFC 5322 field names are printable ASCII without ':'; values must not carry CR/LF (header injection).
const HEADER_NAME = /^[!-9;-~]+$/;
const hasLineBreak = (s: string): boolean => /[\r\n]/.test(s);

export class SesMailer implements MailerPort {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    if (hasLineBreak(email.subject)) throw new Error('email subject contains a line break');
    const headers = Object.entries(email.headers ?? {}).map(([Name, Value]) => {
      if (!HEADER_NAME.test(Name) || hasLineBreak(Value))
        throw new Error(`invalid email header ${JSON.stringify(Name)}`);
      return { Name, Value };
    });
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
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
