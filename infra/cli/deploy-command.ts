/** The commander wiring of `quotaflow deploy` and `quotaflow destroy` (deploy.ts, with the real ports of deploy-aws.ts). */
import type { Command } from 'commander';
import { tenantForCli, UsageError } from './common';
import { type DeployOptions, type DestroyOptions, runDeploy, runDestroy } from './deploy';
import { awsDeployPorts } from './deploy-aws';

const terminal = () => ({
  out: (t: string) => process.stdout.write(t),
  err: (t: string) => process.stderr.write(t),
  isTTY: !!process.stderr.isTTY,
});

const guarded = async (run: () => Promise<number>) => {
  try {
    process.exitCode = await run();
  } catch (err) {
    const e = err as { name?: string; message?: string };
    console.error(
      e.name === 'CredentialsProviderError'
        ? 'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for the tenant account'
        : (e.message ?? String(err)),
    );
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
};

export const registerDeploy = (program: Command): void => {
  program
    .command('deploy')
    .description(
      "deploy a tenant's stack: preflight (config, credentials, CDK bootstrap, SES), synth with cdk-nag, diff, deploy, secrets, smoke test",
    )
    .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
    .option('--yes', 'deploy without asking after the diff (needed without a terminal)')
    .addHelpText(
      'after',
      '\nExit codes: 0 deployed and healthy, 1 a step failed, 2 preflight failed or not confirmed.\n' +
        'Example:\n  AWS_PROFILE=acme npm run quotaflow -- deploy --tenant acme',
    )
    .action((opts: { tenant: string } & DeployOptions) =>
      guarded(() => runDeploy(tenantForCli(opts.tenant), opts, awsDeployPorts(), terminal())),
    );
  program
    .command('destroy')
    .description(
      "delete a tenant's stack; its table, secret, schedule group and logs are kept unless --purge",
    )
    .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
    .option('--purge', 'also delete the table, the secret (7-day recovery window) and the schedule group')
    .option('--yes', 'do not ask first')
    .addHelpText('after', '\nExample:\n  AWS_PROFILE=acme npm run quotaflow -- destroy --tenant acme')
    .action((opts: { tenant: string } & DestroyOptions) =>
      guarded(() => runDestroy(tenantForCli(opts.tenant), opts, awsDeployPorts(), terminal())),
    );
};
