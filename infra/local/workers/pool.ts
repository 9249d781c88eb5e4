/**
 * Function workers: the event bus's and the scheduler's deliveries (asynchronous invocations, as on Lambda) run on
 * worker threads, off the event loop of the gateway, the stand-ins and the journals, so the runtime uses more than
 * one core. The main thread keeps everything that makes a delivery durable and exactly-once-safe (the bus outbox,
 * the schedules file, the DLQ, the in-flight count): a worker only runs the handler, and a delivery is done once
 * its worker answered. A kill -9 stops the workers with the process, so nothing changes for crash recovery.
 *
 * Each invocation goes to the worker with the fewest running; how many run at once is the callers' to bound (the
 * bus's AsyncPool). A worker that dies fails what it was running (the delivery is retried, then dead-lettered, as
 * before) and a new one takes its place.
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
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private stopping = false;
  invocations = 0;

  private constructor(private readonly setup: WorkerSetup) {}

  /** Starts `count` workers and resolves once each has loaded every function. */
  static async start(count: number, setup: WorkerSetup): Promise<WorkerPool> {
    const pool = new WorkerPool(setup);
    await Promise.all(Array.from({ length: count }, () => pool.spawn()));
    return pool;
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
    // Only while a worker that died is being replaced: the delivery fails and is retried, as any failure is.
    if (!slot) return Promise.reject(new Error('no function worker is running (one is restarting)'));
    const id = this.nextId++;
    this.invocations++;
    return new Promise((resolve, reject) => {
      slot.running.set(id, { resolve, reject });
      slot.worker.postMessage({ kind: 'invoke', id, target, event } satisfies ToWorker);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Promise<void> {
    const worker = new Worker(BOOT, { workerData: this.setup });
    const slot: Slot = { worker, running: new Map() };
    return new Promise((ready, failed) => {
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'ready') {
          this.slots.push(slot);
          ready();
        } else if (m.kind === 'failed-to-load') failed(fromWorkerError(m.error));
        else {
          const running = slot.running.get(m.id);
          slot.running.delete(m.id);
          if (m.ok) running?.resolve(m.value);
          else running?.reject(fromWorkerError(m.error));
        }
      });
      worker.on('error', (err) => failed(err));
      worker.on('exit', (code) => {
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
        const lost = new Error(`the function worker stopped (exit code ${code}) while this invocation ran`);
        for (const r of slot.running.values()) r.reject(lost);
        slot.running.clear();
        failed(lost);
        if (!this.stopping && at >= 0)
          this.spawn().catch((err: Error) =>
            process.stderr.write(`a function worker could not be restarted: ${err.message}\n`),
          );
      });
    });
  }
}
