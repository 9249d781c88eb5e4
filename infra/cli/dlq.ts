/**
 * `quotaflow dlq list|show|redrive --tenant <id>`: the dead letters of a tenant (deliveries that failed every
 * retry), one in full, and a redrive that puts each back where it failed and takes out what succeeded. One code
 * path (dlq-aws.ts) for the deployed stack and for a running `npm start`, whose SQS, Lambda and CloudFormation
 * stand-ins answer the same SDK calls.
 */
import type { Command } from 'commander';
import { tenantForCli, UsageError } from './common';
import { withAwsDlq } from './dlq-aws';
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

/** The running npm start, or else the deployed stack. */
const find = async (opts: DlqOptions): Promise<TenantTarget> => {
  const target = await resolveTenantTarget(tenantForCli(opts.tenant), opts);
  if (target.where === 'environment')
    throw new UsageError('dlq needs a running npm start (runtime.json or --url) or the deployed stack');
  return target;
};

const print = (json: boolean | undefined, value: unknown, text: () => string[]) =>
  console.log(json ? JSON.stringify(value, null, 2) : text().join('\n'));

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
      .option('--queue <name>', 'only this DLQ (a function id, or rule:<function id> for its rule)');
    return withTargetOptions(cmd.option('--json', 'print JSON'));
  };

  common(
    dlq.command('list').description('every dead letter: id, DLQ (target), origin, attempts, when, error'),
  )
    .addHelpText('after', '\nExample:\n  npm run quotaflow -- dlq list --tenant acme')
    .action((opts: DlqOptions) =>
      run(async () => {
        const items = await withAwsDlq(await find(opts), (d) => d.list(opts.queue));
        print(opts.json, items, () =>
          items.length === 0
            ? ['no dead letters']
            : items.map(
                (d) => `${d.id}  ${d.queue}  ${d.receives}×  ${d.sentAt ?? '-'}  ${d.error.slice(0, 80)}`,
              ),
        );
      }),
    );

  common(dlq.command('show').description('one dead letter in full, payload included').argument('<id>'))
    .addHelpText('after', '\nExample:\n  npm run quotaflow -- dlq show 0b6c5d1e-… --tenant acme')
    .action((id: string, opts: DlqOptions) =>
      run(async () => {
        const found = (await withAwsDlq(await find(opts), (d) => d.list(opts.queue))).filter(
          (d) => d.id === id,
        );
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
        const result = await withAwsDlq(await find(opts), (d) => d.redrive(opts.queue, ids));
        print(opts.json, result, () => [
          ...result.redriven.map((d) => `redriven  ${d.id}  ${d.target}`),
          ...result.failed.map((d) => `FAILED    ${d.id}  ${d.target}  ${d.error}`),
          `${result.redriven.length} redriven, ${result.failed.length} failed, ${result.remaining} left in the DLQ`,
        ]);
        if (result.failed.length) process.exitCode = 1;
      }),
    );
};
