/**
 * Starts `npm start`'s runtime as a separate process on a free port and reads its URL from the banner, so e2e
 * tests and the benchmark drive exactly what a person runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Where e2e runtimes start their clock unless a test says otherwise: a fixed instant, so that no test depends on
 * the day it runs (a Friday morning in Shanghai, a working day before a weekend).
 */
export const TEST_CLOCK = '2026-11-27T10:05:00+08:00';

export interface RuntimeProcess {
  url: string;
  stdout: () => string;
  stop: () => Promise<void>;
  /** `kill -9` of the runtime's whole process group (the runtime and its database process), as a crash would. */
  kill9: () => Promise<void>;
}

export const startRuntimeProcess = async (
  args: string[] = [],
  opts: {
    timeoutMs?: number;
    env?: Record<string, string>;
    dataDir?: string;
    /** The runtime's start instant (default TEST_CLOCK); null: the machine's time, or where the data folder stopped. */
    clock?: string | null;
  } = {},
): Promise<RuntimeProcess> => {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'infra/local/main.ts',
      ...(opts.dataDir ? ['--data-dir', opts.dataDir] : ['--in-memory']),
      '--port',
      '0',
      ...(opts.clock === null ? [] : ['--clock', opts.clock ?? TEST_CLOCK]),
      // Tests read the JSON lines; a later --log-format in args wins.
      '--log-format',
      'json',
      ...args,
    ],
    // Its own process group, so that kill9 reaches the database process it starts too.
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`runtime did not start in time:\n${err}`)),
      opts.timeoutMs ?? 60_000,
    );
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with ${code} before starting:\n${err}`));
    });
  });
  return {
    url,
    stdout: () => out,
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
    kill9: () =>
      new Promise((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        process.kill(-(child.pid as number), 'SIGKILL');
      }),
  };
};

/**
 * Waits until the runtime at `url` has nothing in flight (GET /_local/status reports `inFlight: 0`), asking every
 * 25 ms. After `timeoutMs` (default 10 s) it fails, saying what it waited for and the last status it read, so a
 * test never goes on to read a half-done state. The status read last is the result. `get` replaces fetch
 * (runtime-driver.ts's fetch tries again).
 */
export const settle = async <Status extends { inFlight: number } = { inFlight: number }>(
  url: string,
  opts: { timeoutMs?: number; get?: (path: string) => Promise<Response> } = {},
): Promise<Status> => {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const get = opts.get ?? ((path: string) => fetch(`${url}${path}`));
  // Monotonic time: `npm run test:later` moves the wall clock.
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const status = (await (await get('/_local/status')).json()) as Status;
    if (status.inFlight === 0) return status;
    if (performance.now() >= deadline)
      throw new Error(
        `the runtime at ${url} did not settle within ${timeoutMs / 1000} s: waited for GET /_local/status to ` +
          `report inFlight 0, last read ${JSON.stringify(status)}`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
};
