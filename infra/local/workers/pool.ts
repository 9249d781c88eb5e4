/**
 * Function workers: the event bus's and the scheduler's deliveries (asynchronous invocations, as on Lambda) run on
 * worker threads, off the event loop of the gateway, the stand-ins and the journals, so the runtime uses more than
 * one core. The main thread keeps everything that makes a delivery durable and exactly-once-safe (the bus outbox,
 * the schedules file, the DLQ, the in-flight count): a worker only runs the handler, and a delivery is done once
 * its worker answered. A kill -9 stops the workers with the process, so nothing changes for crash recovery.
 *
 * Each invocation goes to the worker with the fewest running; how many run at once is the callers' to bound (the
 * bus's AsyncPool). Workers load the functions in the background, after the runtime is ready: until one has, the
 * runtime runs deliveries on the main thread as it would without workers, so neither the start nor the first
 * deliveries wait for them. A worker that dies fails what it was running (the delivery is retried, then
 * dead-lettered, as before) and a new one takes its place.
 */
import { Worker } from 'node:worker_threads';
import { type FromWorker, fromWorkerError, type ToWorker, type WorkerSetup } from './protocol';

interface Running {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  running: Map<number, Running>;
}

const BOOT = new URL('./boot.mjs', import.meta.url);

export class WorkerPool {
  /** Workers that have loaded every function, in the order they became ready. */
  private readonly slots: Slot[] = [];
  private readonly all = new Set<Worker>();
  private nextId = 1;
  private stopping = false;
  invocations = 0;
  /** Resolves once every worker started here has loaded every function; rejects if one could not. */
  readonly ready: Promise<void>;

  /** Starts `count` workers; they load the functions in the background (see `available`). */
  constructor(
    count: number,
    private readonly setup: WorkerSetup,
  ) {
    this.ready = Promise.all(Array.from({ length: count }, () => this.spawn())).then(() => undefined);
    // A worker that cannot load is reported by `ready` (and on stderr); deliveries then stay on the main thread.
    this.ready.catch(() => undefined);
  }

  /**
   * Whether a worker has loaded the functions. Until then (while the runtime has just started, or a worker that
   * died is being replaced) the caller runs the invocation itself, so no delivery waits for a worker to load.
   */
  get available(): boolean {
    return this.slots.length > 0;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs the function on the least busy worker; resolves with what it returned, or rejects with its error. */
  invoke(target: string, event: unknown): Promise<unknown> {
    const slot = this.slots.reduce<Slot | undefined>(
      (best, s) => (!best || s.running.size < best.running.size ? s : best),
      undefined,
    );
    if (!slot) return Promise.reject(new Error('no function worker is ready (see WorkerPool.available)'));
    const id = this.nextId++;
    this.invocations++;
    return new Promise((resolve, reject) => {
      slot.running.set(id, { resolve, reject });
      slot.worker.postMessage({ kind: 'invoke', id, target, event } satisfies ToWorker);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.all].map((w) => w.terminate()));
  }

  private spawn(): Promise<void> {
    const worker = new Worker(BOOT, { workerData: this.setup });
    this.all.add(worker);
    const slot: Slot = { worker, running: new Map() };
    return new Promise((ready, failed) => {
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'ready') {
          this.slots.push(slot);
          ready();
        } else if (m.kind === 'failed-to-load') {
          const err = fromWorkerError(m.error);
          process.stderr.write(`a function worker could not load the functions: ${err.message}\n`);
          failed(err);
          void worker.terminate();
        } else {
          const running = slot.running.get(m.id);
          slot.running.delete(m.id);
          if (m.ok) running?.resolve(m.value);
          else running?.reject(fromWorkerError(m.error));
        }
      });
      worker.on('error', (err) => failed(err));
      worker.on('exit', (code) => {
        this.all.delete(worker);
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
        const lost = new Error(`the function worker stopped (exit code ${code}) while this invocation ran`);
        for (const r of slot.running.values()) r.reject(lost);
        slot.running.clear();
        failed(lost);
        // One that had loaded is replaced; one that could not load would fail the same way again.
        if (!this.stopping && at >= 0) this.spawn().catch(() => undefined);
      });
    });
  }
}
