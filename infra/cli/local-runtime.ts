/**
 * Finding a running `npm start` for a tenant: the runtime writes runtime.json into its data folder while it runs
 * (infra/local/runtime.ts); `--url` names one directly (an in-memory runtime writes no file).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './common';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface LocalRuntimeRef {
  tenant: string;
  url: string;
  /** The stand-ins' endpoints and the table and bus names, as the runtime wrote them (none for --url). */
  endpoints?: Record<string, string>;
}

export const findLocalRuntime = (
  tenantId: string,
  opts: { url?: string; dataDir?: string } = {},
): LocalRuntimeRef => {
  if (opts.url) return { tenant: tenantId, url: opts.url.replace(/\/$/, '') };
  const file = join(resolve(opts.dataDir ?? join(REPO_ROOT, '.local', tenantId)), 'runtime.json');
  const state = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as {
        tenant?: unknown;
        url?: unknown;
        pid?: unknown;
        endpoints?: Record<string, string>;
      })
    : undefined;
  const alive = (pid: unknown) => {
    try {
      return typeof pid === 'number' && process.kill(pid, 0);
    } catch {
      return false;
    }
  };
  if (!state || typeof state.url !== 'string' || !alive(state.pid))
    throw new UsageError(
      `no local runtime of tenant ${tenantId} is running (no live ${file}); start one with ` +
        `\`npm start -- --tenant ${tenantId}\`, or name one with --url`,
    );
  if (state.tenant !== tenantId)
    throw new UsageError(`${file} belongs to tenant ${String(state.tenant)}, not ${tenantId}`);
  return { tenant: tenantId, url: state.url, ...(state.endpoints ? { endpoints: state.endpoints } : {}) };
};

/** A JSON request to the runtime's /_local endpoints; a refusal becomes an error with its message. */
export const localRequest = async <T>(rt: LocalRuntimeRef, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${rt.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const json = (await res.json()) as T & { error?: { message?: string } };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${json.error?.message ?? ''}`);
  return json;
};

export const LOCAL_OPTIONS = [
  ['--url <url>', 'the local runtime to use (default: the one running for the tenant, found in .local/<id>)'],
  ['--data-dir <dir>', 'the data folder of the local runtime (as given to npm start --data-dir)'],
] as const;

/**
 * The runtime's clock as a function of this machine's: what `GET /_local/clock` reads now, moving on in real time
 * as the runtime's does. Commands acting on a running `npm start` (whose clock a demo or test has moved) act at
 * its time rather than the machine's.
 */
export const runtimeClock = async (url: string): Promise<() => Date> => {
  const { now } = await localRequest<{ now: string }>({ tenant: '', url }, '/_local/clock');
  const offset = Date.parse(now) - Date.now();
  return () => new Date(Date.now() + offset);
};
