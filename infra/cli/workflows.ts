/**
 * `quotaflow workflows validate | explain | dry-run`: check a workflow config, explain what one domain event did
 * (matched and unmatched workflows with reasons, planned effects with due times, their state in the effect ledger),
 * and replay the archived events of the last N days through a draft or the current config without doing anything.
 * The logic is shared/workflows/explain-report.ts and dry-run.ts; this file reads files, wires the table and prints.
 * AWS clients come from the environment, as for `import` (AWS_ENDPOINT_URL_DYNAMODB for `npm start`'s dynalite).
 * Exit codes: 0 done, 1 invalid config (validate) or the event/table could not be read, 2 bad arguments or config.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { anyDomainEvent, type DomainEventDetail } from '../../events';
import { formatIssuePath, loadTenantConfig, TenantConfigError } from '../../shared/config/tenant';
import { tenantDocumentPath } from '../../shared/runtime/documents';
import { EffectStates } from '../../shared/store/effect-states';
import {
  EVENT_ARCHIVE_RETENTION_DAYS,
  EventArchive,
  type EventArchiveReader,
} from '../../shared/store/event-archive';
import type { PlanTenant, WorkflowConfig, WorkflowEvent } from '../../shared/workflows';
import { parseWorkflowConfig, WorkflowConfigError } from '../../shared/workflows';
import { type DryRunProgress, dryRun } from '../../shared/workflows/dry-run';
import { type EffectStateReader, explainEvent } from '../../shared/workflows/explain-report';
import { TENANTS_DIR } from '../tenants';
import { clockOption, documentClientFromEnvironment, NOW_OPTION, type Terminal } from './common';
import { explain as explainAwsError } from './import';
import { formatDryRun, formatExplain } from './workflows-format';

/** What the commands talk to; the CLI builds it from the environment, tests hand in local ones. */
export interface WorkflowsWiring {
  /** The tenant's zone and locale, from tenants/<id>.json. */
  tenant(id: string): PlanTenant;
  /** Where the tenant's current workflow config lives. */
  workflowsFile(id: string): string;
  archive(tenant: PlanTenant): EventArchiveReader;
  ledger(tenant: PlanTenant): EffectStateReader;
  now(): Date;
  /** For messages: the table the archive and ledger are read from. */
  tableName(id: string): string;
}

export const wiringFromEnvironment = (opts: {
  table?: string;
  now?: string;
}): WorkflowsWiring & { close(): void } => {
  let fixed: (() => Date) | undefined;
  try {
    fixed = clockOption(opts.now);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const now = fixed ?? (() => new Date());
  let doc: DynamoDBDocumentClient | undefined;
  // Created on first use: validate and --event-file need no table.
  const client = () => {
    doc ??= documentClientFromEnvironment();
    return doc;
  };
  const tableName = (id: string) => opts.table ?? `quotaflow-${id}`;
  return {
    tenant: (id) => {
      const t = loadTenantConfig(join(TENANTS_DIR, `${id}.json`));
      return { id: t.id, timeZone: t.timeZone, locale: t.locale };
    },
    workflowsFile: (id) => tenantDocumentPath('workflows', id),
    archive: (t) => new EventArchive(client(), tableName(t.id), { timeZone: t.timeZone, now }),
    ledger: (t) => new EffectStates(client(), tableName(t.id)),
    now,
    tableName,
    close: () => doc?.destroy(),
  };
};

export class UsageError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 2,
  ) {
    super(message);
  }
}

const shown = (file: string) => relative(process.cwd(), file) || file;

/** Reads and validates a workflow config file; every problem with its path, or a usage error if it is missing. */
export const readWorkflowConfig = (
  file: string,
  opts: { tenantId?: string; invalidCode?: 1 | 2 } = {},
): WorkflowConfig => {
  const code = opts.invalidCode ?? 2;
  if (!existsSync(file)) throw new UsageError(`${shown(file)}: no such file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(
      `${shown(file)}: invalid workflow configuration\n  - (file): is not valid JSON: ${(err as Error).message}`,
      code,
    );
  }
  try {
    const config = parseWorkflowConfig(json, shown(file));
    if (opts.tenantId !== undefined && config.tenantId !== opts.tenantId)
      throw new UsageError(
        `${shown(file)}: invalid workflow configuration\n  - tenantId: is "${config.tenantId}" but the tenant is "${opts.tenantId}"`,
        code,
      );
    return config;
  } catch (err) {
    if (err instanceof WorkflowConfigError) throw new UsageError(err.message, code);
    throw err;
  }
};

const tenantOf = (w: WorkflowsWiring, id: string): PlanTenant => {
  try {
    return w.tenant(id);
  } catch (err) {
    throw new UsageError(
      err instanceof TenantConfigError ? err.message : `tenant ${id}: ${(err as Error).message}`,
    );
  }
};

/** An event as a file: an EventBridge event ({"detail-type", "detail"}) or as archived ({"type", "detail"}). */
export const readEventFile = (file: string): WorkflowEvent => {
  if (!existsSync(file)) throw new UsageError(`${shown(file)}: no such file`);
  let json: { 'detail-type'?: unknown; type?: unknown; detail?: unknown };
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${shown(file)}: is not valid JSON: ${(err as Error).message}`);
  }
  const type = json?.['detail-type'] ?? json?.type;
  const contract = typeof type === 'string' ? anyDomainEvent.contractOf(type) : undefined;
  if (!contract)
    throw new UsageError(
      `${shown(file)}: "detail-type" (or "type") must be one of ${anyDomainEvent.detailTypes.join(', ')}; got ${JSON.stringify(type)}`,
    );
  try {
    return { type: type as string, detail: contract.parse(json.detail) as DomainEventDetail };
  } catch (err) {
    const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
    const lines = issues.map((i) =>
      `  - detail.${formatIssuePath(i.path)}: ${i.message}`.replace('detail.(root)', 'detail'),
    );
    throw new UsageError(`${shown(file)}: not a valid ${type as string} event\n${lines.join('\n')}`);
  }
};

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
    if (err.code === 1 && opts.json) {
      const problems = err.message
        .split('\n')
        .slice(1)
        .map((l) => {
          const m = /^\s+- ([^:]+): (.*)$/.exec(l);
          return m ? { path: m[1], message: m[2] } : { path: '(file)', message: l.trim() };
        });
      term.out(`${JSON.stringify({ file: shown(file), ok: false, problems }, null, 2)}\n`);
    } else term.err(`${err.code === 1 ? 'FAIL ' : ''}${err.message}\n`);
    return err.code;
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
    const config = readWorkflowConfig(wiring.workflowsFile(tenant.id), { tenantId: tenant.id });
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

const failed = (err: unknown, term: Terminal, wiring: WorkflowsWiring, tenantId: string): number => {
  if (err instanceof UsageError) {
    term.err(`${err.message}\n`);
    return err.code;
  }
  term.err(`failed: ${explainAwsError(err, { tableName: wiring.tableName(tenantId) })}\n`);
  return 1;
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
    const days = Number(opts.days);
    if (!Number.isInteger(days) || days < 1 || days > EVENT_ARCHIVE_RETENTION_DAYS)
      throw new UsageError(
        `--days must be a whole number from 1 to ${EVENT_ARCHIVE_RETENTION_DAYS} (the archive's retention); got ${opts.days}`,
      );
    const tenant = tenantOf(wiring, opts.tenant);
    const file = opts.config !== undefined ? resolve(opts.config) : wiring.workflowsFile(tenant.id);
    const config = readWorkflowConfig(file, { tenantId: tenant.id });
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

// ---- commander -----------------------------------------------------------------------------------------------

const processTerminal = (): Terminal => ({
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: !!process.stderr.isTTY,
});

export const registerWorkflows = (program: Command): void => {
  const wf = program
    .command('workflows')
    .description('check workflow configs, explain what an event did, dry-run a config over recent events');
  wf.command('validate')
    .description("check a workflow config (the tenant's, or a file); exit 1 with path and reason if invalid")
    .argument('[file]', 'a workflow config file (e.g. a draft)')
    .option('--tenant <id>', "the tenant's current config, tenants/workflows/<id>.json")
    .option('--json', 'print the result as JSON')
    .action((file: string | undefined, opts: { tenant?: string; json?: boolean }) => {
      process.exitCode = runValidate(
        { ...opts, ...(file !== undefined ? { file } : {}) },
        wiringFromEnvironment({}),
        processTerminal(),
      );
    });
  wf.command('explain')
    .description('which workflows an event matched and why not, what they planned, and what the ledger holds')
    .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
    .option('--event <eventId>', 'a domain event id from the archive (kept 90 days)')
    .option('--event-file <json>', 'an event given as a file (EventBridge or archived form); no table needed')
    .option('--table <name>', "the tenant's DynamoDB table (default quotaflow-<id>, as npm start names it)")
    .option('--json', 'print the report as JSON')
    .action(async (opts: ExplainOptions & { table?: string }) => {
      const wiring = wiringFromEnvironment(opts);
      process.exitCode = await runExplain(opts, wiring, processTerminal());
      wiring.close();
    });
  wf.command('dry-run')
    .description('replay the archived events of the last N days through a config and list what it would do')
    .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
    .requiredOption('--days <n>', 'how many days back (1-90)')
    .option('--config <file>', "a draft workflow config (default: the tenant's current one)")
    .option(...NOW_OPTION)
    .option('--table <name>', "the tenant's DynamoDB table (default quotaflow-<id>, as npm start names it)")
    .option('--json', 'print the report as JSON')
    .action(async (opts: DryRunOptions & { table?: string; now?: string }) => {
      let wiring: ReturnType<typeof wiringFromEnvironment>;
      try {
        wiring = wiringFromEnvironment(opts);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        processTerminal().err(err.message);
        process.exitCode = err.code;
        return;
      }
      process.exitCode = await runDryRun(opts, wiring, processTerminal());
      wiring.close();
    });
};
