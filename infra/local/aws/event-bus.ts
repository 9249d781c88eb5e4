/**
 * The local EventBridge bus: PutEvents over awsJson1_1 (so the real SDK client and the same adapter are used),
 * rules built from the manifest's event patterns, matched with EventBridge semantics, and asynchronous delivery to
 * the target function with retries and a DLQ, like a rule target on AWS.
 */
import { randomUUID } from 'node:crypto';
import {
  type AsyncPool,
  type DeadLetterQueue,
  deliverWithRetries,
  type InFlight,
  type RetryPolicy,
} from '../delivery';
import { type EventPattern, matches, validatePattern } from '../eventbridge/pattern';
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

export class LocalEventBus {
  private readonly rules: Rule[] = [];
  published = 0;

  constructor(
    readonly busName: string,
    private readonly deps: {
      invoke: (target: string, event: BusEvent) => Promise<unknown>;
      now: () => Date;
      dlq: DeadLetterQueue;
      inFlight: InFlight;
      pool: AsyncPool;
      retry: RetryPolicy;
      log: (msg: string, extra: Record<string, unknown>) => void;
    },
  ) {}

  addRule(rule: Rule): void {
    this.rules.push({ ...rule, pattern: validatePattern(rule.pattern) });
  }

  handle(action: string, body: Record<string, unknown>): unknown {
    if (action !== 'PutEvents')
      throw new AwsError('UnknownOperationException', 400, `${action} is not supported locally`);
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw new AwsError('ValidationException', 400, 'Entries must hold 1 to 10 entries');
    }
    let failed = 0;
    const results = entries.map((raw: Record<string, unknown>) => {
      const error = this.entryError(raw);
      if (error) {
        failed++;
        return { ErrorCode: 'InvalidArgument', ErrorMessage: error };
      }
      return { EventId: this.publish(raw) };
    });
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

  private publish(e: Record<string, unknown>): string {
    const event: BusEvent = {
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
    this.published++;
    for (const rule of this.rules) {
      if (!matches(rule.pattern, event as unknown as Record<string, unknown>)) continue;
      void this.deps.inFlight.track(
        deliverWithRetries(
          () => this.deps.pool.run(() => this.deps.invoke(rule.target, event)),
          this.deps.retry,
          (error, attempts) =>
            this.deps.dlq.push({
              id: event.id,
              origin: `rule:${rule.name}`,
              target: rule.target,
              payload: event,
              error,
              attempts,
              failedAt: this.deps.now().toISOString(),
            }),
          (error, attempt) =>
            this.deps.log('rule target failed; retrying', { rule: rule.name, attempt, error }),
        ),
      );
    }
    return event.id;
  }
}
