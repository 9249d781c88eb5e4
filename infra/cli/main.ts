/**
 * The admin CLI (`npm run quotaflow -- <command>`): `init` scaffolds a tenant (init.ts); `validate` checks tenant
 * configs before anything is deployed or started; `status` and `dlq` look at a running `npm start` (status.ts,
 * dlq.ts); `import` runs a tenant's initial CRM import (import.ts); `connect zoho` stores a Zoho tenant's refresh
 * token and enables its notification channels (connect.ts). `deploy` and `destroy` put a tenant's stack on AWS
 * and take it off (deploy.ts); every command finds its tenant by itself (tenant-target.ts). `npm run quotaflow` enters through start.ts, which checks the Node.js version first.
 */
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { TenantConfigError } from '../../shared/config/tenant';
import { deployProblems } from '../deployability';
import { calendarWarnings, loadTenant, stackName, tenantFiles } from '../tenants';
import { clockOption } from './common';
import { registerConnect } from './connect';
import { registerDeploy } from './deploy-command';
import { registerDigest } from './digest';
import { registerDlq } from './dlq';
import { registerGoals } from './goals';
import { registerImport } from './import';
import { registerIncentives } from './incentives';
import { registerInit } from './init';
import { registerStatus } from './status';
import { registerSuppression } from './suppression';
import { registerWorkflows } from './workflows';

/** How far ahead `validate` wants every calendar in use to know the public holidays. */
const COVERAGE_HORIZON_DAYS = 60;

const program = new Command()
  .name('quotaflow')
  .description('Operate Quotaflow tenants')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('validate')
  .description('check tenant configs (all of tenants/*.json when none are named); exit 1 if any is invalid')
  .argument('[files...]', 'tenant config files')
  .option('--json', 'print the result as JSON')
  .option(
    '--now <instant>',
    "check calendar coverage as of this ISO-8601 instant (the local runtime's clock) instead of now",
  )
  .action((files: string[], opts: { json?: boolean; now?: string }) => {
    let now: Date;
    try {
      now = (clockOption(opts.now) ?? (() => new Date()))();
    } catch (err) {
      console.error((err as Error).message);
      process.exit(2);
    }
    const targets = files.length ? files.map((f) => resolve(f)) : tenantFiles();
    const results = targets.map((file) => {
      try {
        const t = loadTenant(file);
        // Calendars about to run out of holiday data warn; they do not fail the config.
        const warnings = calendarWarnings(t, now, COVERAGE_HORIZON_DAYS, resolve(dirname(file), '..'));
        // A tenant meant for AWS must be deployable as it stands; a local-only one (a demo) is fine as it is.
        const undeployable = t.deployable ? deployProblems(t) : [];
        if (undeployable.length) return { file, ok: false as const, problems: undeployable };
        return {
          file,
          ok: true as const,
          tenant: t.id,
          stack: stackName(t.id),
          deployable: t.deployable,
          timeZone: t.timeZone,
          warnings: warnings.map((w) => ({ path: `calendars.${w.calendar}`, ...w })),
        };
      } catch (err) {
        const problems =
          err instanceof TenantConfigError ? err.problems : [{ path: '(file)', message: String(err) }];
        // A problem in the tenant's workflows or incentive plans names that file, not only the tenant's.
        const source =
          err instanceof TenantConfigError && resolve(err.source) !== file ? resolve(err.source) : undefined;
        return { file, ok: false as const, ...(source ? { source } : {}), problems };
      }
    });
    if (opts.json) console.log(JSON.stringify(results, null, 2));
    else {
      for (const r of results) {
        if (r.ok) {
          console.log(
            `ok   ${r.file}: tenant ${r.tenant} → ${r.deployable ? `stack ${r.stack}` : 'local only'} (${r.timeZone})`,
          );
          for (const w of r.warnings) console.log(`warn ${w.path}: ${w.message}`);
        } else {
          console.error(`FAIL ${r.file}${'source' in r && r.source ? ` (in ${r.source})` : ''}`);
          for (const p of r.problems) console.error(`     ${p.path}: ${p.message}`);
        }
      }
    }
    if (targets.length === 0) {
      console.error('no tenant configs found under tenants/');
      process.exitCode = 1;
    }
    if (results.some((r) => !r.ok)) process.exitCode = 1;
  });

registerInit(program);
registerDeploy(program);
registerDlq(program);
registerStatus(program);
registerImport(program);
registerConnect(program);
registerIncentives(program);
registerGoals(program);
registerDigest(program);
registerSuppression(program);
registerWorkflows(program);

await program.parseAsync();
