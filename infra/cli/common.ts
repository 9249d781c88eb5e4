/**
 * What every admin command shares: the terminal it writes to, the usage error (exit code 2), the tenant config
 * loaded and validated by id, and `--now`. Where the tenant's table, secret and bus are: tenant-target.ts.
 */
import { join } from 'node:path';
import { type TenantConfig, TenantConfigError } from '../../shared/config/tenant';
import { DomainError } from '../../shared/errors';
import { loadTenant, TENANTS_DIR } from '../tenants';

export interface Terminal {
  out: (text: string) => void;
  err: (text: string) => void;
  /** A single updating progress line only on a terminal; plain lines in logs and CI. */
  isTTY?: boolean;
}

/**
 * Bad arguments, a bad tenant config or a file that does not validate: the command did nothing. It exits 2, or 1
 * where the command's purpose is the check that failed (`workflows validate` on an invalid file prints FAIL).
 */
export class UsageError extends DomainError {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
    options?: ErrorOptions,
  ) {
    super('usage', message, undefined, options);
  }
}

/** tenants/<id>.json, validated (with its documents); any problem is a usage error naming the file and path. */
export const tenantForCli = (id: string): TenantConfig => {
  try {
    return loadTenant(join(TENANTS_DIR, `${id}.json`));
  } catch (err) {
    throw new UsageError(err instanceof TenantConfigError ? err.message : `tenant ${id}: ${String(err)}`, 2, {
      cause: err,
    });
  }
};

/** An ISO-8601 instant with a zone (Z or ±hh:mm), so it is unambiguous; undefined for anything else. */
export const parseInstant = (value: string): Date | undefined => {
  const at = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? new Date(value) : new Date(Number.NaN);
  return Number.isNaN(at.getTime()) ? undefined : at;
};

/**
 * `--now <ISO-8601>`: the instant a command acts at, instead of the machine's clock (an accrual as of yesterday, or
 * the local runtime's moved clock: `curl localhost:3000/_local/clock`). Needs an offset or Z, so it is unambiguous.
 */
export const clockOption = (value: string | undefined): (() => Date) | undefined => {
  if (value === undefined) return undefined;
  const at = parseInstant(value);
  if (!at)
    throw new UsageError(
      `--now must be an ISO-8601 instant with a zone, such as 2026-12-01T02:00:00+08:00; got ${JSON.stringify(value)}`,
    );
  return () => new Date(at);
};

export const NOW_OPTION = [
  '--now <instant>',
  "act as of this ISO-8601 instant (e.g. the local runtime's clock) instead of now",
] as const;

/** The process's own terminal: what a command prints goes to stdout, problems and progress to stderr. */
export const processTerminal = (): Terminal => ({
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: !!process.stderr.isTTY,
});

/**
 * A command's action over its wiring: builds the wiring (a bad tenant, document or target exits 2 as a usage
 * error, anything else 1), runs the command on the process's terminal, sets the exit code and releases the wiring.
 */
export const wiredAction =
  <O, W extends { destroy(): void }>(
    build: (opts: O) => W | Promise<W>,
    run: (opts: O, w: W, term: Terminal) => Promise<number>,
  ) =>
  async (opts: O): Promise<void> => {
    let wiring: W;
    try {
      wiring = await build(opts);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = err instanceof UsageError ? err.exitCode : 1;
      return;
    }
    try {
      process.exitCode = await run(opts, wiring, processTerminal());
    } finally {
      wiring.destroy();
    }
  };
