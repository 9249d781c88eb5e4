/**
 * Asynchronous delivery with retries, shared by the local event bus and the local scheduler (as on AWS, both retry a
 * failing target and then park the event in a DLQ: dead-letters.ts puts it in the SQS stand-in's queue).
 */

export interface DeadLetter {
  id: string;
  /** `rule:<name>` or `schedule:<name>`. */
  origin: string;
  target: string;
  payload: unknown;
  error: string;
  attempts: number;
  failedAt: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay before attempt n+1 is backoffMs * 2^(n-1), plus jitter. */
  backoffMs: number;
}

/**
 * A transient "come back later" failure (an effect another invocation holds a lease on, a record the CRM does not
 * show yet): on AWS, Lambda retries such an asynchronous event after about one and then two more minutes, by when
 * the lease has run out. Locally the fast retries are spent in a second, so such a delivery is parked on the runtime
 * clock for that long instead of going to the DLQ at once.
 */
export const RETRY_LATER_AFTER_MS = 3 * 60_000;
export const isRetryLater = (err: unknown): boolean => err instanceof Error && err.name === 'RetryLaterError';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * First in, first out, O(1) at both ends: a burst queues tens of thousands of deliveries, and `Array.shift()` moves
 * every remaining element each time (it showed in profiles). A singly linked list of a dozen lines rather than a
 * dependency: the pool needs nothing but push and shift.
 */
interface FifoNode<T> {
  value: T;
  next: FifoNode<T> | undefined;
}

export class Fifo<T> {
  private head: FifoNode<T> | undefined;
  private tail: FifoNode<T> | undefined;
  private count = 0;

  push(value: T): void {
    const node: FifoNode<T> = { value, next: undefined };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
  }

  shift(): T | undefined {
    const node = this.head;
    if (!node) return undefined;
    this.head = node.next;
    if (!this.head) this.tail = undefined;
    this.count--;
    return node.value;
  }

  get length(): number {
    return this.count;
  }
}

/**
 * A bounded pool for asynchronous targets, like Lambda's queue in front of async invocations: work beyond the
 * limit waits its turn instead of competing with the HTTP gateway for the one event loop.
 */
export class AsyncPool {
  private running = 0;
  private readonly waiting = new Fifo<() => void>();

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** Tracks in-flight work so tests and the clock endpoint can wait until everything triggered has settled. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  track<T>(work: Promise<T>): Promise<T> {
    this.count++;
    return work.finally(() => {
      this.count--;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    });
  }

  get size(): number {
    return this.count;
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

export const deliverWithRetries = async (
  attempt: () => Promise<unknown>,
  policy: RetryPolicy,
  onDead: (error: string, attempts: number, cause: unknown) => void,
  onRetry?: (error: string, attempt: number) => void,
): Promise<boolean> => {
  for (let n = 1; ; n++) {
    try {
      await attempt();
      return true;
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (n >= policy.maxAttempts) {
        onDead(message, n, err);
        return false;
      }
      onRetry?.(message, n);
      await sleep(policy.backoffMs * 2 ** (n - 1) * (0.8 + Math.random() * 0.4));
    }
  }
};
