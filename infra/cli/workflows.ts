/**
 * `quotaflow workflows validate | explain | events | dry-run`: check a workflow config before deploy; show which
 * workflows a domain event matched (and why the others did not), what they planned and what the effect ledger holds
 * for each step; list the archived events (the ids explain takes); replay the archived events of the last N days
 * through a draft config without doing anything (with the runner's suppression and CRM write-back checks, so what
 * it lists is what would go out). AWS clients come from the CLI's root (wiring/root.ts) for the tenant found, as
 * for `import`. Exit codes: 0 done, 1 invalid config (validate) or a failed read,
 * 2 bad arguments or config (explain, dry-run, events). Shared wiring and inputs: workflows-inputs.ts.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EVENT_ARCHIVE_RETENTION_DAYS, localDaysBetween } from '../../shared/store/event-archive';
import type { WorkflowEvent } from '../../shared/workflows';
import { type DryRunProgress, dryRun } from '../../shared/workflows/dry-run';
import { dueIn, type EffectStateReader, explainEvent } from '../../shared/workflows/explain-report';
import { NOW_OPTION, processTerminal, type Terminal, UsageError, wiredAction } from './common';
import { pad } from './table';
import { type TargetOptions, targetForCli, withTargetOptions } from './tenant-target';
import { formatDryRun, formatExplain } from './workflows-format';
import {
  daysOption,
  failed,
  readEventFile,
  readWorkflowConfig,
  shown,
  tenantOf,
  type WorkflowsWiring,
  workflowsWiring,
} from './workflows-inputs';

export { readEventFile, readWorkflowConfig, UsageError, type WorkflowsWiring, workflowsWiring };

// ---- validate ------------------------------------------------------------------------------------------------

export const runValidate = (
  opts: { tenant?: string; file?: string; json?: boolean },
  wiring: Pick<WorkflowsWiring, 'workflowsFile'>,
  term: Terminal,
): number => {
  if ((opts.tenant === undefined) === (opts.file === undefined)) {
    term.err('name either --tenant <id> or a workflow config file\n');
    return 2;
  }
  const file = opts.file !== undefined ? resolve(opts.file) : wiring.workflowsFile(opts.tenant as string);
  try {
    const config = readWorkflowConfig(file, {
      invalidCode: 1,
      ...(opts.tenant ? { tenantId: opts.tenant } : {}),
    });
    const summary = {
      file: shown(file),
      ok: true,
      tenant: config.tenantId,
      workflows: config.workflows.length,
      sequences: config.sequences.length,
    };
    if (opts.json) term.out(`${JSON.stringify(summary, null, 2)}\n`);
    else
      term.out(
        `ok   ${summary.file}: tenant ${summary.tenant}, ${summary.workflows} workflows, ${summary.sequences} sequences\n`,
      );
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.exitCode === 1 && opts.json) {
      const problems = err.message
        .split('\n')
        .slice(1)
        .map((l) => {
          const m = /^\s+- ([^:]+): (.*)$/.exec(l);
          return m ? { path: m[1], message: m[2] } : { path: '(file)', message: l.trim() };
        });
      term.out(`${JSON.stringify({ file: shown(file), ok: false, problems }, null, 2)}\n`);
    } else term.err(`${err.exitCode === 1 ? 'FAIL ' : ''}${err.message}\n`);
    return err.exitCode;
  }
};

// ---- explain -------------------------------------------------------------------------------------------------

export interface ExplainOptions {
  tenant: string;
  event?: string;
  eventFile?: string;
  json?: boolean;
}

export const runExplain = async (
  opts: ExplainOptions,
  wiring: WorkflowsWiring,
  term: Terminal,
): Promise<number> => {
  try {
    if ((opts.event === undefined) === (opts.eventFile === undefined))
      throw new UsageError('name either --event <eventId> (from the archive) or --event-file <json>');
    const tenant = tenantOf(wiring, opts.tenant);
    const config = readWorkflowConfig(wiring.workflowsFile(tenant.id), {
      tenantId: tenant.id,
      now: wiring.now(),
    });
    let event: WorkflowEvent;
    let ledger: EffectStateReader | undefined;
    if (opts.eventFile !== undefined) event = readEventFile(opts.eventFile);
    else {
      const found = await wiring.archive(tenant).get(opts.event as string);
      if (!found) {
        term.err(
          `event ${opts.event} is not in the archive of ${tenant.id} (table ${wiring.tableName(tenant.id)}; events are kept ${EVENT_ARCHIVE_RETENTION_DAYS} days)\n`,
        );
        return 1;
      }
      event = found;
      ledger = wiring.ledger(tenant);
    }
    const report = await explainEvent({ config, tenant, event }, ledger);
    term.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatExplain(report));
    return 0;
  } catch (err) {
    return failed(err, term, wiring, opts.tenant);
  }
};

// ---- dry-run -------------------------------------------------------------------------------------------------

export interface DryRunOptions {
  tenant: string;
  config?: string;
  days: string | number;
  json?: boolean;
}

const PLAIN_EVERY_MS = 5_000;

export const runDryRun = async (
  opts: DryRunOptions,
  wiring: WorkflowsWiring,
  term: Terminal,
): Promise<number> => {
  try {
    const days = daysOption(opts.days);
    const tenant = tenantOf(wiring, opts.tenant);
    const file = opts.config !== undefined ? resolve(opts.config) : wiring.workflowsFile(tenant.id);
    const config = readWorkflowConfig(file, { tenantId: tenant.id, now: wiring.now() });
    const until = wiring.now();
    const since = new Date(until.getTime() - days * 86_400_000);
    const started = Date.now();
    let lastPlain = 0;
    let open = false;
    const progress = (p: DryRunProgress) => {
      const line = `replaying ${p.day} (day ${p.index}/${p.days}): ${p.events.toLocaleString('en-US')} events so far`;
      if (term.isTTY) {
        term.err(`\r\x1b[2K${line}`);
        open = true;
      } else if (Date.now() - lastPlain >= PLAIN_EVERY_MS || p.index === p.days) {
        term.err(`${line}\n`);
        lastPlain = Date.now();
      }
    };
    const report = await dryRun({
      config,
      tenant,
      archive: wiring.archive(tenant),
      since,
      until,
      checks: wiring.checks(tenant),
      onProgress: progress,
    });
    if (open) term.err('\n');
    term.err(
      `replayed ${report.totals.events.toLocaleString('en-US')} events of ${report.totals.days} days in ${((Date.now() - started) / 1000).toFixed(1)} s; nothing was sent or written\n`,
    );
    term.out(
      opts.json
        ? `${JSON.stringify({ config: shown(file), ...report }, null, 2)}\n`
        : formatDryRun(report, shown(file)),
    );
    return 0;
  } catch (err) {
    return failed(err, term, wiring, opts.tenant);
  }
};

export interface EventsOptions {
  tenant: string;
  days: string | number;
  record?: string;
  type?: string;
  json?: boolean;
}

/** The archived events of the last N days, newest first: the ids `explain --event` takes. */
export const runEvents = async (
  opts: EventsOptions,
  wiring: WorkflowsWiring,
  term: Terminal,
): Promise<number> => {
  try {
    const days = daysOption(opts.days);
    const tenant = tenantOf(wiring, opts.tenant);
    const until = wiring.now();
    const since = new Date(until.getTime() - days * 86_400_000);
    const archive = wiring.archive(tenant);
    const found = [];
    for (const day of localDaysBetween(since, until, tenant.timeZone).reverse())
      for (const e of (await archive.eventsOfDay(day, since, until)).reverse())
        if ((!opts.record || e.detail.recordId === opts.record) && (!opts.type || e.type === opts.type))
          found.push(e);
    if (opts.json) {
      term.out(
        `${JSON.stringify(
          found.map((e) => ({ type: e.type, ...e.detail })),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    if (!found.length) term.err(`no archived events in the last ${days} day(s) matching the filters\n`);
    for (const e of found) {
      const d = e.detail;
      const when = dueIn(d.occurredAt, tenant.timeZone).local;
      term.out(
        `${when}  ${pad(e.type, 20)} ${d.object} ${d.recordId}${d.record.name ? ` "${d.record.name}"` : ''}  ${d.eventId}\n`,
      );
    }
    return 0;
  } catch (err) {
    return failed(err, term, wiring, opts.tenant);
  }
};

// ---- commander -----------------------------------------------------------------------------------------------

/** A command's action: the wiring over the CLI's root (a bad --now is exit 2), the run, then the clients closed. */
const withWiring = <O>(run: (o: O, w: WorkflowsWiring, t: Terminal) => Promise<number>) =>
  wiredAction(
    async (opts: O & { tenant: string; table?: string; now?: string } & TargetOptions) =>
      // An event given as a file needs no table, so no tenant to find either.
      workflowsWiring(
        opts,
        (opts as { eventFile?: string }).eventFile ? undefined : await targetForCli(opts),
      ),
    run,
  );

export const registerWorkflows = (program: Command): void => {
  const wf = program
    .command('workflows')
    .description('check workflow configs, explain what an event did, dry-run a config over recent events');
  wf.command('validate')
    .description("check a workflow config (the tenant's, or a file); exit 1 with path and reason if invalid")
    .argument('[file]', 'a workflow config file (e.g. a draft)')
    .option('--tenant <id>', "the tenant's current config, tenants/workflows/<id>.json")
    .option('--json', 'print the result as JSON')
    .action(async (file: string | undefined, opts: { tenant?: string; json?: boolean }) => {
      const wiring = await workflowsWiring({});
      try {
        process.exitCode = runValidate(
          { ...opts, ...(file !== undefined ? { file } : {}) },
          wiring,
          processTerminal(),
        );
      } finally {
        wiring.destroy();
      }
    });
  withTargetOptions(
    wf
      .command('explain')
      .description(
        'which workflows an event matched and why not, what they planned, and what the ledger holds',
      )
      .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
      .option('--event <eventId>', 'a domain event id from the archive (kept 90 days)')
      .option(
        '--event-file <json>',
        'an event given as a file (EventBridge or archived form); no table needed',
      )
      .option('--table <name>', "the tenant's DynamoDB table (default: the table of the tenant found)")
      .option('--json', 'print the report as JSON')
      .addHelpText(
        'after',
        '\nExample:\n  npm run quotaflow -- workflows explain --tenant acme --event 01JF…',
      ),
  ).action(withWiring(runExplain));

  withTargetOptions(
    wf
      .command('events')
      .description(
        'list the archived domain events of the last N days, newest first (their ids are what explain takes)',
      )
      .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
      .requiredOption('--days <n>', 'how many days back (1-90)')
      .option('--record <id>', 'only the events of this record')
      .option('--type <type>', 'only events of this type, such as deal.won')
      .option(...NOW_OPTION)
      .option('--table <name>', "the tenant's DynamoDB table (default: the table of the tenant found)")
      .option('--json', 'print the events as JSON')
      .addHelpText(
        'after',
        '\nExample:\n  npm run quotaflow -- workflows events --tenant acme --days 7 --type deal.won',
      ),
  ).action(withWiring(runEvents));

  withTargetOptions(
    wf
      .command('dry-run')
      .description(
        'replay the archived events of the last N days through a config and list what it would do; mail to suppressed addresses and write-backs the CRM does not take are listed as skipped, with the reason',
      )
      .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
      .requiredOption('--days <n>', 'how many days back (1-90)')
      .option('--config <file>', "a draft workflow config (default: the tenant's current one)")
      .option(...NOW_OPTION)
      .option('--table <name>', "the tenant's DynamoDB table (default: the table of the tenant found)")
      .option('--json', 'print the report as JSON')
      .addHelpText(
        'after',
        '\nExample:\n  npm run quotaflow -- workflows dry-run --tenant acme --days 14 --config draft.json',
      ),
  ).action(withWiring(runDryRun));
};
