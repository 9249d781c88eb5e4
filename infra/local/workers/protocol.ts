/**
 * What the runtime's main thread and its function workers (workers/pool.ts, workers/worker.ts) say to each other.
 * Everything here crosses a thread by structured clone: plain data only.
 */
import type { FunctionSpec } from '../../../functions/manifest';
import type { LogFormat } from '../console-log';

export interface WorkerSetup {
  root: string;
  arnPrefix: string;
  specs: readonly FunctionSpec[];
  /** Each function's own environment (its access rights' variables), by function id, as functions.ts scopes it. */
  envs: Record<string, Record<string, string | undefined>>;
  /** The runtime clock's shared offset (clock.ts). */
  clock: SharedArrayBuffer;
  logFormat: LogFormat | undefined;
}

export type ToWorker = { kind: 'invoke'; id: number; target: string; event: unknown };

/** An error as it crossed the thread: its name decides retries (`RetryLaterError`) and what the DLQ shows. */
export interface WorkerError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'failed-to-load'; error: WorkerError }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: WorkerError };

export const toWorkerError = (err: unknown): WorkerError => {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    message: err.message,
    ...(err.stack ? { stack: err.stack } : {}),
    ...(typeof code === 'string' ? { code } : {}),
  };
};

export const fromWorkerError = (e: WorkerError): Error => {
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  if (e.code) (err as Error & { code?: string }).code = e.code;
  return err;
};
