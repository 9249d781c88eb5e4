/**
 * The platform side of data-change callbacks (crm-protocols.md §2.4(b)): a signed, AES-encrypted POST to the
 * subscriber, which must answer within 3 s with the encrypted, signed "success"; otherwise one redelivery with
 * `retryTimes`. Written independently of shared/crm/fxiaoke/callback-crypto.ts (on purpose: a shared bug would
 * otherwise pass both sides); the vendor's test vector pins both.
 * Faults: duplicate deliveries (same messageId, no retryTimes) and out-of-order delivery (held, then reversed).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface Subscriber {
  url: string;
  /** The base64 "解析密钥" (44 chars, 32 bytes decoded). */
  aesKey: string;
}

export interface CallbackEvent {
  eventType: string;
  apiName: string;
  dataId: string;
}

export interface DeliveryAttempt {
  messageId: string;
  retryTimes?: number;
  status: number;
  /** The answer decrypted to "success" with a valid signature. */
  acknowledged: boolean;
  body: string;
}

const keyOf = (aesKey: string) => {
  const key = Buffer.from(aesKey, 'base64');
  if (key.length !== 32) throw new Error('the subscriber aesKey must decode to 32 bytes');
  return key;
};
const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');

const encrypt = (plain: string, aesKey: string) => {
  const key = keyOf(aesKey);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
};

const isSuccessReply = (text: string, aesKey: string): boolean => {
  try {
    const r = JSON.parse(text) as Record<string, unknown>;
    if (r.signature !== sha1(`${r.timestamp}${r.nonce}${r.encryptedResult}${aesKey}`)) return false;
    const key = keyOf(aesKey);
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    const plain = Buffer.concat([d.update(Buffer.from(String(r.encryptedResult), 'base64')), d.final()]);
    return plain.toString('utf8') === 'success';
  } catch {
    return false;
  }
};

/** Like the vendor's ids: 33 upper-case hex characters. */
export const newMessageId = () => randomBytes(17).toString('hex').toUpperCase().slice(0, 33);

export class CallbackSender {
  readonly attempts: DeliveryAttempt[] = [];
  private readonly held: (() => Promise<DeliveryAttempt[]>)[] = [];

  constructor(
    private readonly opts: {
      ea: string;
      tenantId: number;
      now: () => number;
      faults: () => { duplicate?: boolean; outOfOrder?: boolean };
    },
  ) {}

  /** Sends (or, with the out-of-order fault, holds) one event; resolves with the attempts made now. */
  async send(subscriber: Subscriber, event: CallbackEvent): Promise<DeliveryAttempt[]> {
    const messageId = newMessageId();
    const plaintext = JSON.stringify({
      tenantId: this.opts.tenantId,
      eventType: event.eventType,
      apiName: event.apiName,
      dataId: event.dataId,
      timestamp: this.opts.now(),
      messageId,
    });
    const deliver = async () => {
      const out = await this.deliverWithRetry(subscriber, messageId, plaintext);
      if (this.opts.faults().duplicate)
        out.push(await this.post(subscriber, messageId, plaintext, undefined));
      return out;
    };
    if (this.opts.faults().outOfOrder) {
      this.held.push(deliver);
      return [];
    }
    return deliver();
  }

  /** Delivers held events, newest first. */
  async flush(): Promise<DeliveryAttempt[]> {
    const out: DeliveryAttempt[] = [];
    for (const deliver of this.held.splice(0).reverse()) out.push(...(await deliver()));
    return out;
  }

  get pending(): number {
    return this.held.length;
  }

  private async deliverWithRetry(subscriber: Subscriber, messageId: string, plaintext: string) {
    const first = await this.post(subscriber, messageId, plaintext, undefined);
    if (first.acknowledged) return [first];
    return [first, await this.post(subscriber, messageId, plaintext, 1)];
  }

  private async post(
    subscriber: Subscriber,
    messageId: string,
    plaintext: string,
    retryTimes: number | undefined,
  ): Promise<DeliveryAttempt> {
    const timestamp = this.opts.now();
    const nonce = randomBytes(8).toString('base64url');
    const encryptedContent = encrypt(plaintext, subscriber.aesKey);
    const signature = sha1(
      `${timestamp}${nonce}${messageId}${retryTimes ?? ''}${this.opts.ea}${encryptedContent}${subscriber.aesKey}`,
    );
    const body = {
      signature,
      timestamp,
      nonce,
      messageId,
      ...(retryTimes === undefined ? {} : { retryTimes }),
      enterpriseAccount: this.opts.ea,
      encryptedContent,
    };
    let attempt: DeliveryAttempt;
    try {
      const res = await fetch(subscriber.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(3_000),
      });
      const text = await res.text();
      const acknowledged = res.status === 200 && isSuccessReply(text, subscriber.aesKey);
      attempt = { messageId, status: res.status, acknowledged, body: text };
    } catch (err) {
      attempt = { messageId, status: 0, acknowledged: false, body: String((err as Error).message) };
    }
    if (retryTimes !== undefined) attempt.retryTimes = retryTimes;
    this.attempts.push(attempt);
    return attempt;
  }
}
