/**
 * `quotaflow dlq list|show|redrive --tenant <id>`: the dead letters of a tenant (deliveries that failed every
 * retry), one in full, and a redrive that puts each back where it failed and takes out what succeeded. Against a
 * running `npm start` through its /_local/dlq; against the deployed stack through SQS (dlq-aws.ts).
 */
import type { Command } from 'commander';
import type { DeadLetter } from '../local/delivery';
import { tenantForCli, UsageError } from './common';
import { withAwsDlq } from './dlq-aws';
import { localRequest } from './local-runtime';
import {
  resolveTenantTarget,
  type TargetOptions,
  type TenantTarget,
  withTargetOptions,
} from './tenant-target';

interface DlqOptions extends TargetOptions {
  tenant: string;
  queue?: string;
  json?: boolean;
}

/** The running npm start (`local`), or else the deployed stack (`aws`). */
const find = async (
  opts: DlqOptions,
): Promise<{ local?: { tenant: string; url: string }; aws?: TenantTarget }> => {
  const target = await resolveTenantTarget(tenantForCli(opts.tenant), opts);
  if (target.where === 'aws') return { aws: target };
  if (target.where !== 'local' || !target.apiUrl)
    throw new UsageError('dlq needs a running npm start (runtime.json or --url) or the deployed stack');
  return { local: { tenant: opts.tenant, url: target.apiUrl } };
};

interface RedriveResult {
  redriven: { id: string; origin: string; target: string }[];
  failed: { id: string; origin: string; target: string; error: string }[];
  remaining: number;
}

const print = (json: boolean | undefined, value: unknown, text: () => string[]) =>
  console.log(json ? JSON.stringify(value, null, 2) : text().join('\n'));

/** The DLQ a dead letter is in: on AWS one per target function, so the target's name. */
const inQueue = (queue: string | undefined) => (d: { target: string }) => !queue || d.target === queue;

const run = async (action: () => Promise<void>) => {
  try {
    await action();
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
};

export const registerDlq = (program: Command): void => {
  const dlq = program
    .command('dlq')
    .description(
      "a tenant's dead letters: list them, show one, redrive them (npm start or the deployed stack)",
    );
  const common = (cmd: Command) => {
    cmd
      .requiredOption('--tenant <id>', 'tenant id')
      .option('--queue <name>', 'only this DLQ (a target function)');
    return withTargetOptions(cmd.option('--json', 'print JSON'));
  };

  common(
    dlq.command('list').description('every dead letter: id, DLQ (target), origin, attempts, when, error'),
  )
    .addHelpText('after', '\nExample:\n  npm run quotaflow -- dlq list --tenant acme')
    .action((opts: DlqOptions) =>
      run(async () => {
        const { local: rt, aws } = await find(opts);
        if (!rt) {
          const items = await withAwsDlq(aws, (d) => d.list(opts.queue));
          return print(opts.json, items, () =>
            items.length === 0
              ? ['no dead letters']
              : items.map(
                  (d) => `${d.id}  ${d.queue}  ${d.receives}×  ${d.sentAt ?? '-'}  ${d.error.slice(0, 80)}`,
                ),
          );
        }
        const items = (await localRequest<DeadLetter[]>(rt, '/_local/dlq')).filter(inQueue(opts.queue));
        print(opts.json, items, () =>
          items.length === 0
            ? ['no dead letters']
            : items.map(
                (d) =>
                  `${d.id}  ${d.target}  ${d.origin}  ${d.attempts}×  ${d.failedAt}  ${d.error.slice(0, 80)}`,
              ),
        );
      }),
    );

  common(dlq.command('show').description('one dead letter in full, payload included').argument('<id>'))
    .addHelpText('after', '\nExample:\n  npm run quotaflow -- dlq show 0b6c5d1e-… --tenant acme')
    .action((id: string, opts: DlqOptions) =>
      run(async () => {
        const { local: rt, aws } = await find(opts);
        const found = rt
          ? (await localRequest<DeadLetter[]>(rt, '/_local/dlq')).filter(
              (d) => d.id === id && inQueue(opts.queue)(d),
            )
          : (await withAwsDlq(aws, (d) => d.list(opts.queue))).filter((d) => d.id === id);
        if (found.length === 0) throw new UsageError(`no dead letter ${id}`);
        console.log(JSON.stringify(found.length === 1 ? found[0] : found, null, 2));
      }),
    );

  common(
    dlq
      .command('redrive')
      .description('invoke each dead letter’s target again; what succeeds leaves the DLQ, what fails stays')
      .argument('[ids...]', 'only these dead letters (default: all, or all of --queue)'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  npm run quotaflow -- dlq redrive --tenant acme --queue workflow-runner',
    )
    .action((ids: string[], opts: DlqOptions) =>
      run(async () => {
        const { local: rt, aws } = await find(opts);
        const result = rt
          ? await localRequest<RedriveResult>(rt, '/_local/dlq/redrive', {
              ...(ids.length ? { ids } : {}),
              ...(opts.queue ? { target: opts.queue } : {}),
            })
          : await withAwsDlq(aws, (d) => d.redrive(opts.queue, ids));
        print(opts.json, result, () => [
          ...result.redriven.map((d) => `redriven  ${d.id}  ${d.target}`),
          ...result.failed.map((d) => `FAILED    ${d.id}  ${d.target}  ${d.error}`),
          `${result.redriven.length} redriven, ${result.failed.length} failed, ${result.remaining} left in the DLQ`,
        ]);
        if (result.failed.length) process.exitCode = 1;
      }),
    );
};
