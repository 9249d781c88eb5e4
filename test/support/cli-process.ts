/**
 * The `quotaflow` CLI run as its own process from the repository, for the tests of what the process does (exit
 * codes, what it prints, finding a runtime by its data folder). One Node process per call: `node --import tsx
 * infra/cli/main.ts`, as the runtime process is started (runtime-process.ts), rather than `npx tsx`, which starts
 * npm and then tsx's launcher before the CLI's own Node process: two process starts more per call, about two
 * seconds each on a busy machine.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from './runtime-process';

const CLI = ['--import', 'tsx', 'infra/cli/main.ts'];

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to this process's environment (an undefined value: left out). */
  env?: Record<string, string | undefined>;
  /** Kills the CLI after this long (default: no limit). */
  timeoutMs?: number;
}

const environment = (env: CliOptions['env']) => (env ? { ...process.env, ...env } : process.env);

/** `quotaflow <args>`, waiting for it: blocks this process (a server in it cannot answer the CLI; use `cliAsync`). */
export const cli = (args: readonly string[], opts: CliOptions = {}): CliResult => {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: environment(opts.env),
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** `quotaflow <args>` without blocking this process: its exit code and output, whatever the code. */
export const cliAsync = async (args: readonly string[], opts: CliOptions = {}): Promise<CliResult> => {
  try {
    const r = await promisify(execFile)(process.execPath, [...CLI, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: environment(opts.env),
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { status: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};
