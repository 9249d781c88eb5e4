/**
 * `npm start --workers N`: where the runtime's asynchronous invocations (the bus's and the scheduler's deliveries)
 * run. With N > 0 they go to a pool of function workers (workers/pool.ts) once one has loaded the functions, which
 * the pool does in the background after the runtime is ready; until then, and with no workers, they run on the main
 * thread's functions, as one process would. How many deliveries run at once scales with the workers.
 */
import type { LocalFunctions } from './functions';
import { WorkerPool } from './workers/pool';
import type { WorkerSetup } from './workers/protocol';

export class FunctionWorkers {
  private pool: WorkerPool | undefined;

  constructor(
    /** How many worker threads; 0 runs every invocation on the main thread. */
    readonly count: number,
    private readonly functions: LocalFunctions,
  ) {}

  /** Deliveries at once: `asked`, else 4 per worker (4 without workers). */
  concurrency(asked: number | undefined): number {
    return asked ?? 4 * Math.max(1, this.count);
  }

  /** Runs the function on a worker that has loaded the functions, else on the main thread. */
  readonly invoke = (target: string, event: unknown): Promise<unknown> =>
    this.pool?.available ? this.pool.invoke(target, event) : this.functions.invoke(target, event);

  /** Starts the workers (none with a count of 0); they load the functions in the background. */
  start(setup: WorkerSetup): void {
    if (this.count > 0) this.pool = new WorkerPool(this.count, setup);
  }

  /** Invocations run on workers so far. */
  get invocations(): number {
    return this.pool?.invocations ?? 0;
  }

  /** Workers that have loaded the functions. */
  get size(): number {
    return this.pool?.size ?? 0;
  }

  async stop(): Promise<void> {
    await this.pool?.stop();
  }
}
