/**
 * The local EventBridge bus: PutEvents over awsJson1_1 (so the real SDK client and the same adapter are used),
 * rules built from the manifest's event patterns, matched with EventBridge semantics, and asynchronous delivery to
 * the target function with retries and a DLQ, like a rule target on AWS.
 *
 * As on AWS, an event PutEvents accepted is delivered even if the runtime dies right after: with a data folder,
 * each (event, rule) delivery is written to an outbox journal, and synced to disk, before PutEvents answers; it is
 * marked done once the target accepted it or it went to the DLQ, and whatever is not done is delivered again when
 * the runtime starts (at least once, as EventBridge is; the targets are idempotent).
 */
import { randomUUID } from 'node:crypto';
import type { DeadLetters } from '../dead-letters';
import {
  type AsyncPool,
  deliverWithRetries,
  type InFlight,
  isRetryLater,
  type RetryPolicy,
} from '../delivery';
import { type EventPattern, matches, validatePattern } from '../eventbridge/pattern';
import { Journal } from '../persistence/journal';
import { AwsError } from './protocol';

export interface Rule {
  name: string;
  pattern: EventPattern;
  target: string;
}

export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

const MAX_ENTRY_BYTES = 256 * 1024;

type OutboxRecord =
  | { op: 'put'; key: string; rule: string; target: string; event: BusEvent }
  | { op: 'done'; key: string };
type Delivery = Extract<OutboxRecord, { op: 'put' }>;

const isOutboxRecord = (v: unknown): v is OutboxRecord =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { key?: unknown }).key === 'string' &&
  ((v as { op?: unknown }).op === 'done' ||
    ((v as { op?: unknown }).op === 'put' && typeof (v as { event?: unknown }).event === 'object'));

/** Compact the outbox once it holds this many lines more than it has pending deliveries. */
const COMPACT_AFTER_LINES = 20_000;

export class LocalEventBus {
  private readonly rules: Rule[] = [];
  private readonly outbox: Journal<OutboxRecord> | undefined;
  /** Deliveries accepted and not yet done, by key; only kept with an outbox. */
  private readonly pending = new Map<string, Delivery>();
  published = 0;
  redelivered = 0;

  constructor(
    readonly busName: string,
    private readonly deps: {
      invoke: (target: string, event: BusEvent) => Promise<unknown>;
      now: () => Date;
      dlq: DeadLetters;
      inFlight: InFlight;
      pool: AsyncPool;
      retry: RetryPolicy;
      log: (msg: string, extra: Record<string, unknown>) => void;
      /** Parks a delivery that failed with a "retry later" error, to be invoked again later on the runtime clock. */
      retryLater?: (target: string, event: BusEvent, origin: string) => void;
      /** The outbox journal's file; without it deliveries live in memory only (`--in-memory`). */
      outboxFile?: string;
    },
  ) {
    if (deps.outboxFile) {
      const { journal, records } = Journal.open(
        deps.outboxFile,
        'events the bus accepted and has not delivered yet',
        isOutboxRecord,
      );
      for (const r of records) {
        if (r.op === 'put') this.pending.set(r.key, r);
        else this.pending.delete(r.key);
      }
      journal.rewrite([...this.pending.values()]);
      this.outbox = journal;
    }
  }

  /** Deliveries accepted before a restart and not done: delivered again, once the targets are loaded. */
  redeliverPending(): number {
    const again = [...this.pending.values()];
    for (const d of again) this.deliver(d);
    this.redelivered += again.length;
    if (again.length) this.deps.log('delivering events accepted before the restart', { count: again.length });
    return again.length;
  }

  private closed = false;

  close(): void {
    this.closed = true;
    this.outbox?.close();
  }

  addRule(rule: Rule): void {
    this.rules.push({ ...rule, pattern: validatePattern(rule.pattern) });
  }

  async handle(action: string, body: Record<string, unknown>): Promise<unknown> {
    if (action !== 'PutEvents')
      throw new AwsError('UnknownOperationException', 400, `${action} is not supported locally`);
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw new AwsError('ValidationException', 400, 'Entries must hold 1 to 10 entries');
    }
    let failed = 0;
    const deliveries: Delivery[] = [];
    const results = entries.map((raw: Record<string, unknown>) => {
      const error = this.entryError(raw);
      if (error) {
        failed++;
        return { ErrorCode: 'InvalidArgument', ErrorMessage: error };
      }
      const event = this.toEvent(raw);
      for (const rule of this.rules) {
        if (matches(rule.pattern, event as unknown as Record<string, unknown>))
          deliveries.push({
            op: 'put',
            key: `${event.id}#${rule.name}`,
            rule: rule.name,
            target: rule.target,
            event,
          });
      }
      return { EventId: event.id };
    });
    // Durable before the caller hears "accepted".
    if (this.outbox) {
      await Promise.all(deliveries.map((d) => this.outbox?.append(d)));
      for (const d of deliveries) this.pending.set(d.key, d);
    }
    this.published += entries.length - failed;
    for (const d of deliveries) this.deliver(d);
    return { FailedEntryCount: failed, Entries: results };
  }

  private entryError(e: Record<string, unknown>): string | undefined {
    if (
      e.EventBusName !== undefined &&
      e.EventBusName !== this.busName &&
      !String(e.EventBusName).endsWith(`/${this.busName}`)
    ) {
      return `event bus ${String(e.EventBusName)} does not exist locally (this runtime's bus is ${this.busName})`;
    }
    if (typeof e.Source !== 'string' || !e.Source) return 'Source is required';
    if (typeof e.DetailType !== 'string' || !e.DetailType) return 'DetailType is required';
    if (typeof e.Detail !== 'string') return 'Detail is required';
    if (Buffer.byteLength(JSON.stringify(e)) > MAX_ENTRY_BYTES) return 'entry exceeds 256 KB';
    try {
      const d = JSON.parse(e.Detail) as unknown;
      if (typeof d !== 'object' || d === null || Array.isArray(d)) return 'Detail must be a JSON object';
    } catch {
      return 'Detail is not valid JSON';
    }
    return undefined;
  }

  private toEvent(e: Record<string, unknown>): BusEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': String(e.DetailType),
      source: String(e.Source),
      account: '000000000000',
      time: this.deps
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      region: 'us-east-1',
      resources: Array.isArray(e.Resources) ? e.Resources.map(String) : [],
      detail: JSON.parse(String(e.Detail)),
    };
  }

  private deliver(d: Delivery): void {
    const { event, rule, target } = d;
    void this.deps.inFlight.track(
      deliverWithRetries(
        () => this.deps.pool.run(() => this.deps.invoke(target, event)),
        this.deps.retry,
        (error, attempts, cause) => {
          if (isRetryLater(cause) && this.deps.retryLater) {
            this.deps.log('rule target asked to retry later; parked', { rule, error });
            this.deps.retryLater(target, event, `rule:${rule}`);
            return;
          }
          this.deps.dlq.push({
            id: event.id,
            origin: `rule:${rule}`,
            target,
            payload: event,
            error,
            attempts,
            failedAt: this.deps.now().toISOString(),
          });
        },
        (error, attempt) => this.deps.log('rule target failed; retrying', { rule, attempt, error }),
      ).finally(() => this.done(d.key)),
    );
  }

  private done(key: string): void {
    if (!this.outbox || this.closed) return;
    this.pending.delete(key);
    this.outbox.note({ op: 'done', key });
    if (this.outbox.lines > COMPACT_AFTER_LINES + this.pending.size * 2)
      this.outbox.rewrite([...this.pending.values()]);
  }
}
