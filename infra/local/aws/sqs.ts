/**
 * The local SQS: the tenant's dead-letter queues, over the AWS JSON 1.0 protocol that @aws-sdk/client-sqs speaks
 * (X-Amz-Target `AmazonSQS.<Operation>`), so `quotaflow status` and `quotaflow dlq` use the same SDK calls here as
 * against a deployed stack. It serves exactly what the product and the CLI call: GetQueueUrl, ListQueues,
 * SendMessage, ReceiveMessage (with visibility timeouts), ChangeMessageVisibilityBatch, DeleteMessage,
 * DeleteMessageBatch, GetQueueAttributes;
 * anything else is an UnsupportedOperation error naming it. The queues are created by the runtime (named as the
 * stack names them), not over the API.
 *
 * Written by hand: the npm SQS emulators found (sqslite, local-aws-sqs) speak only the older query protocol (XML)
 * the installed client no longer uses, and keep messages in memory, while a dead letter must survive a crash.
 * With a data folder every accepted message and every delete is appended to a journal and synced before the
 * caller hears of it (persistence/journal.ts), so nothing acknowledged is lost across `kill -9` and a restart.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Journal } from '../persistence/journal';
import { AwsError, requireString } from './protocol';

export const LOCAL_ACCOUNT = '000000000000';

export interface SqsMessage {
  id: string;
  body: string;
  /** Epoch milliseconds on the runtime clock. */
  sentAt: number;
  attributes: Record<string, string>;
}

interface Stored extends SqsMessage {
  receives: number;
  /** Hidden until this real-time instant (visibility timeout); receipts are not kept across a restart. */
  invisibleUntil: number;
  receipt: string | undefined;
}

type JournalRecord =
  | { op: 'send'; queue: string; message: SqsMessage }
  | { op: 'delete'; queue: string; id: string };

const isRecord = (v: unknown): v is JournalRecord =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { queue?: unknown }).queue === 'string' &&
  (((v as { op?: unknown }).op === 'send' && typeof (v as { message?: unknown }).message === 'object') ||
    ((v as { op?: unknown }).op === 'delete' && typeof (v as { id?: unknown }).id === 'string'));

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

const noQueue = () => new AwsError('QueueDoesNotExist', 400, 'The specified queue does not exist.');

const numberIn = (
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  fallback: number,
) => {
  const v = body[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new AwsError('InvalidParameterValue', 400, `${field} must be an integer from ${min} to ${max}`);
  return v;
};

export class LocalSqs {
  private readonly queues = new Map<string, Map<string, Stored>>();
  private readonly journal: Journal<JournalRecord> | undefined;
  private endpoint = 'http://127.0.0.1';

  constructor(private readonly deps: { now: () => Date; file?: string }) {
    if (!deps.file) return;
    const { journal, records } = Journal.open(
      deps.file,
      'the dead letters waiting in the local SQS queues',
      isRecord,
    );
    for (const r of records) {
      const queue = this.queueOrNew(r.queue);
      if (r.op === 'send')
        queue.set(r.message.id, { ...r.message, receives: 0, invisibleUntil: 0, receipt: undefined });
      else queue.delete(r.id);
    }
    journal.rewrite(
      [...this.queues].flatMap(([queue, m]) => [...m.values()].map((s) => this.sendRecord(queue, s))),
    );
    this.journal = journal;
  }

  /** The stand-in's URL, for queue URLs (known once the server listens). */
  listen(endpoint: string): void {
    this.endpoint = endpoint;
  }

  createQueue(name: string): void {
    this.queueOrNew(name);
  }

  queueUrl(name: string): string {
    return `${this.endpoint}/${LOCAL_ACCOUNT}/${name}`;
  }

  /** Messages waiting in a queue (visible or not): what ApproximateNumberOfMessages* add up to. */
  depth(name: string): { visible: number; inFlight: number } {
    const now = Date.now();
    let visible = 0;
    let inFlight = 0;
    for (const m of this.queues.get(name)?.values() ?? []) {
      if (m.invisibleUntil > now) inFlight++;
      else visible++;
    }
    return { visible, inFlight };
  }

  /** Every message of every queue, for the runtime's /_local/dlq view. */
  all(): { queue: string; message: SqsMessage; receives: number }[] {
    return [...this.queues].flatMap(([queue, m]) =>
      [...m.values()].map(({ receives, invisibleUntil: _, receipt: __, ...message }) => ({
        queue,
        message,
        receives,
      })),
    );
  }

  /**
   * Puts a message in a queue from inside the runtime (a delivery given up on), durably before it returns: written
   * and synced at once rather than batched, as the caller carries on as if the message were safe.
   */
  sendNow(queue: string, body: string, attributes: Record<string, string>): SqsMessage {
    const message = this.newMessage(queue, body, attributes);
    this.journal?.appendNow(this.sendRecord(queue, message));
    return message;
  }

  close(): void {
    this.journal?.close();
  }

  async handle(action: string, body: Record<string, unknown>): Promise<unknown> {
    switch (action) {
      case 'GetQueueUrl': {
        const name = requireString(body, 'QueueName');
        if (!this.queues.has(name)) throw noQueue();
        return { QueueUrl: this.queueUrl(name) };
      }
      case 'ListQueues': {
        const prefix = typeof body.QueueNamePrefix === 'string' ? body.QueueNamePrefix : '';
        const names = [...this.queues.keys()].filter((n) => n.startsWith(prefix)).sort();
        return { QueueUrls: names.map((n) => this.queueUrl(n)) };
      }
      case 'SendMessage': {
        const queue = this.nameOf(body);
        const text = requireString(body, 'MessageBody');
        const attributes: Record<string, string> = {};
        const given = body.MessageAttributes;
        if (given !== undefined) {
          if (typeof given !== 'object' || given === null)
            throw new AwsError('InvalidParameterValue', 400, 'MessageAttributes must be a map');
          for (const [k, v] of Object.entries(given as Record<string, { StringValue?: unknown }>))
            if (typeof v?.StringValue === 'string') attributes[k] = v.StringValue;
            else
              throw new AwsError(
                'InvalidParameterValue',
                400,
                `MessageAttributes.${k}: only StringValue is supported locally`,
              );
        }
        const message = this.newMessage(queue, text, attributes);
        await this.journal?.append(this.sendRecord(queue, message));
        return { MessageId: message.id, MD5OfMessageBody: md5(text) };
      }
      case 'ReceiveMessage':
        return this.receive(body);
      case 'DeleteMessage': {
        const queue = this.nameOf(body);
        await this.remove(queue, requireString(body, 'ReceiptHandle'));
        return {};
      }
      case 'DeleteMessageBatch':
        return this.batch(body, (queue, e) => this.remove(queue, String(e.ReceiptHandle ?? '')));
      case 'ChangeMessageVisibilityBatch':
        return this.batch(body, async (queue, e) => {
          const receipt = String(e.ReceiptHandle ?? '');
          const m = this.queues.get(queue)?.get(receipt.split('#')[0] ?? '');
          const seconds = numberIn(e, 'VisibilityTimeout', 0, 43_200, 0);
          if (!m || m.receipt !== receipt)
            throw new AwsError('ReceiptHandleIsInvalid', 400, `The receipt handle "${receipt}" is not valid`);
          m.invisibleUntil = Date.now() + seconds * 1000;
        });
      case 'GetQueueAttributes': {
        const queue = this.nameOf(body);
        const { visible, inFlight } = this.depth(queue);
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(inFlight),
            ApproximateNumberOfMessagesDelayed: '0',
            QueueArn: `arn:aws:sqs:us-east-1:${LOCAL_ACCOUNT}:${queue}`,
          },
        };
      }
      default:
        throw new AwsError(
          'UnsupportedOperation',
          400,
          `${action} is not served by the local SQS (it serves GetQueueUrl, ListQueues, SendMessage, ReceiveMessage, ` +
            'ChangeMessageVisibilityBatch, DeleteMessage, DeleteMessageBatch, GetQueueAttributes)',
        );
    }
  }

  private receive(body: Record<string, unknown>): unknown {
    const queue = this.queues.get(this.nameOf(body)) as Map<string, Stored>;
    const max = numberIn(body, 'MaxNumberOfMessages', 1, 10, 1);
    const visibility = numberIn(body, 'VisibilityTimeout', 0, 43_200, 30);
    numberIn(body, 'WaitTimeSeconds', 0, 20, 0); // validated; a local queue answers at once (no long polling)
    const now = Date.now();
    const Messages = [];
    for (const m of queue.values()) {
      if (Messages.length >= max) break;
      if (m.invisibleUntil > now) continue;
      m.receives++;
      m.invisibleUntil = now + visibility * 1000;
      m.receipt = `${m.id}#${randomUUID()}`;
      Messages.push({
        MessageId: m.id,
        ReceiptHandle: m.receipt,
        MD5OfBody: md5(m.body),
        Body: m.body,
        Attributes: {
          ApproximateReceiveCount: String(m.receives),
          SentTimestamp: String(m.sentAt),
        },
        ...(Object.keys(m.attributes).length
          ? {
              MessageAttributes: Object.fromEntries(
                Object.entries(m.attributes).map(([k, v]) => [k, { StringValue: v, DataType: 'String' }]),
              ),
            }
          : {}),
      });
    }
    return Messages.length ? { Messages } : {};
  }

  /** A batch action: each entry on its own, answered in Successful or Failed as SQS does. */
  private async batch(
    body: Record<string, unknown>,
    each: (queue: string, entry: Record<string, unknown>) => Promise<void>,
  ): Promise<unknown> {
    const queue = this.nameOf(body);
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10)
      throw new AwsError('EmptyBatchRequest', 400, 'Entries must hold 1 to 10 entries');
    const Successful: { Id: string }[] = [];
    const Failed: { Id: string; Code: string; Message: string; SenderFault: boolean }[] = [];
    for (const e of entries as Record<string, unknown>[]) {
      const id = String(e.Id ?? '');
      try {
        await each(queue, e);
        Successful.push({ Id: id });
      } catch (err) {
        Failed.push({
          Id: id,
          Code: (err as AwsError).type,
          Message: (err as Error).message,
          SenderFault: true,
        });
      }
    }
    return { Successful, Failed };
  }

  private async remove(name: string, receipt: string): Promise<void> {
    const id = receipt.split('#')[0] ?? '';
    const m = this.queues.get(name)?.get(id);
    // As on SQS, deleting a message that is already gone succeeds; a handle from no receive at all does not.
    if (!m) return;
    if (m.receipt !== receipt)
      throw new AwsError(
        'ReceiptHandleIsInvalid',
        400,
        `The receipt handle "${receipt}" is not valid (received again since?)`,
      );
    await this.journal?.append({ op: 'delete', queue: name, id });
    this.queues.get(name)?.delete(id);
  }

  private nameOf(body: Record<string, unknown>): string {
    const url = requireString(body, 'QueueUrl');
    const name = url.split('/').pop() ?? '';
    if (!this.queues.has(name)) throw noQueue();
    return name;
  }

  private queueOrNew(name: string): Map<string, Stored> {
    let q = this.queues.get(name);
    if (!q) {
      q = new Map();
      this.queues.set(name, q);
    }
    return q;
  }

  private newMessage(queue: string, body: string, attributes: Record<string, string>): SqsMessage {
    const q = this.queues.get(queue);
    if (!q) throw noQueue();
    const message = { id: randomUUID(), body, sentAt: this.deps.now().getTime(), attributes };
    q.set(message.id, { ...message, receives: 0, invisibleUntil: 0, receipt: undefined });
    return message;
  }

  private sendRecord(queue: string, m: SqsMessage): JournalRecord {
    return {
      op: 'send',
      queue,
      message: { id: m.id, body: m.body, sentAt: m.sentAt, attributes: m.attributes },
    };
  }
}
