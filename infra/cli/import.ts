/**
 * `quotaflow import --tenant <id> [--resume | --restart] [--json]`: the initial full import of a tenant's CRM into
 * its table, with progress on the terminal. It is shared/sync/reconcile.ts in 'import' mode, so every page's cursor
 * is saved once the page is applied: after Ctrl+C, a crash or a CRM outage, `--resume` continues after the last
 * applied page. AWS clients come from the CLI's root (wiring/root.ts) for the tenant found.
 * Exit codes: 0 imported, 1 failed or interrupted (resumable), 2 bad arguments or tenant config.
 */

import { hostname } from 'node:os';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { buildCrmScanner } from '../../functions/wiring/crm-scanner';
import type { TenantConfig } from '../../shared/config/tenant';
import { requireCrmSettings } from '../../shared/crm/registry';
import type { EventBusPort, SecretsPort } from '../../shared/ports';
import { EventArchive } from '../../shared/store/event-archive';
import { RecordRepository } from '../../shared/store/records';
import { SyncStateRepository } from '../../shared/store/sync-state';
import { ArchivingBus } from '../../shared/sync/archiving-bus';
import {
  ImportInProgressError,
  type ModuleResult,
  type PageProgress,
  reconcile,
} from '../../shared/sync/reconcile';
import { type Terminal, UsageError, wiredAction } from './common';
import { withTargetOptions } from './tenant-target';
import { rootForCli } from './wiring/root';

export interface ImportOptions {
  tenant: string;
  resume?: boolean;
  restart?: boolean;
  json?: boolean;
  /** The tenant's table; default: the table of the tenant found (tenant-target.ts). */
  table?: string;
  local?: boolean;
  aws?: boolean;
  refresh?: boolean;
  /** Points the tenant's CRM at another base URL (a simulator, e.g. the one `npm start` prints). */
  crmUrl?: string;
  module?: string[];
}

/** What the import talks to; the CLI builds it from the environment, tests hand in local ones. */
export interface ImportWiring {
  tenant: TenantConfig;
  secrets: SecretsPort;
  doc: DynamoDBDocumentClient;
  tableName: string;
  bus: EventBusPort;
  now?: () => Date;
}

export { type Terminal, UsageError };

/** An operator's import can wait out a burst of 429s and slow answers instead of stopping. */
const CLI_HTTP = { timeoutMs: 30_000, attempts: 6, maxBackoffMs: 30_000 };
const PLAIN_EVERY_MS = 5_000;

const withCrmUrl = (tenant: TenantConfig, url: string): TenantConfig => {
  const withBaseUrl = requireCrmSettings(tenant.crm.provider).withBaseUrl;
  return withBaseUrl ? { ...tenant, crm: withBaseUrl(tenant.crm, url) } : tenant;
};

/** The import's wiring over the CLI's root (wiring/root.ts) for the tenant found. */
export const importWiring = async (opts: ImportOptions): Promise<ImportWiring & { destroy(): void }> => {
  const found = await rootForCli(opts);
  const { root } = found;
  try {
    return {
      tenant: opts.crmUrl ? withCrmUrl(found.tenant, opts.crmUrl) : found.tenant,
      secrets: root.secrets(),
      doc: root.doc(),
      tableName: root.tableName,
      bus: root.bus(),
      destroy: root.destroy,
    };
  } catch (err) {
    root.destroy();
    throw err;
  }
};

const fmt = (n: number) => n.toLocaleString('en-US');

/** Progress per module: records/s over this run, pages and records over the whole (possibly resumed) scan. */
export class ProgressPrinter {
  private started = Date.now();
  private runRecords = 0;
  private lastPlain = 0;
  private open = false;

  constructor(private readonly term: Terminal) {}

  moduleStart(module: string): void {
    this.started = Date.now();
    this.runRecords = 0;
    this.lastPlain = 0;
    if (!this.term.isTTY) this.term.err(`${module}: scanning…\n`);
  }

  page(p: PageProgress, pageRecords: number): void {
    this.runRecords += pageRecords;
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const line = `${p.module} (${p.kind}): ${fmt(p.pages)} pages, ${fmt(p.records)} records, ${fmt(Math.round(this.runRecords / seconds))} records/s`;
    if (this.term.isTTY) {
      this.term.err(`\r\x1b[2K${line}`);
      this.open = true;
    } else if (Date.now() - this.lastPlain >= PLAIN_EVERY_MS) {
      this.term.err(`${line}\n`);
      this.lastPlain = Date.now();
    }
  }

  /** Ends the updating line so that what follows starts on its own. */
  closeLine(): void {
    if (this.open) this.term.err('\n');
    this.open = false;
  }

  moduleEnd(r: ModuleResult): void {
    this.closeLine();
    const seconds = (Date.now() - this.started) / 1000;
    const what =
      r.status === 'already-imported'
        ? 'already imported (the scheduled reconcile keeps it current)'
        : `${r.status}: ${fmt(r.pages)} pages, ${fmt(r.records)} records (${fmt(r.outcomes.applied)} new or newer) in ${seconds.toFixed(1)} s`;
    this.term.err(
      `${r.module}: ${what}${r.resumed ? ', resumed' : ''}${r.restarted ? ', page token expired: rescanned' : ''}\n`,
    );
    for (const x of r.rejected.slice(0, 5))
      this.term.err(`  not imported: ${r.module} ${x.id}: ${x.message}\n`);
    if (r.rejected.length > 5) this.term.err(`  … and ${r.rejected.length - 5} more not imported\n`);
  }
}

/** A failure in words an operator can act on (the SDK's own messages name neither the table nor the endpoint). */
export const explain = (err: unknown, w: Pick<ImportWiring, 'tableName'>): string => {
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'ResourceNotFoundException') {
    return `table ${w.tableName} not found: if the stack was deployed again, pass --refresh (its outputs are cached); or name it with --table`;
  }
  if (e?.name === 'CredentialsProviderError')
    return 'no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';
  if (e?.code === 'ECONNREFUSED' || e?.cause?.code === 'ECONNREFUSED') {
    return `connection refused: ${e.message ?? ''} (is npm start running, and are AWS_ENDPOINT_URL_* and --crm-url its endpoints?)`;
  }
  return e?.message ?? String(err);
};

export const runImport = async (
  opts: ImportOptions,
  wiring: ImportWiring,
  term: Terminal,
  shouldStop: () => boolean = () => false,
): Promise<number> => {
  if (opts.resume && opts.restart) {
    term.err('--resume and --restart exclude each other\n');
    return 2;
  }
  const progress = new ProgressPrinter(term);
  const now = wiring.now ?? (() => new Date());
  try {
    const scanner = await buildCrmScanner({
      tenant: wiring.tenant,
      secrets: wiring.secrets,
      tokenTable: { doc: wiring.doc, tableName: wiring.tableName },
      now,
      http: CLI_HTTP,
    });
    if (!scanner) {
      term.err(`tenant ${wiring.tenant.id} uses the generic webhook: there is no CRM to import from\n`);
      return 2;
    }
    const unknown = (opts.module ?? []).filter((m) => !scanner.modules.includes(m));
    if (unknown.length > 0) {
      term.err(`unknown module ${unknown.join(', ')}; this tenant syncs ${scanner.modules.join(', ')}\n`);
      return 2;
    }
    const results: ModuleResult[] = [];
    for (const module of opts.module?.length ? opts.module : scanner.modules) {
      progress.moduleStart(module);
      let seen = 0;
      const r = await reconcile(
        {
          tenantId: wiring.tenant.id,
          scanner,
          state: new SyncStateRepository(wiring.doc, wiring.tableName),
          records: new RecordRepository(wiring.doc, wiring.tableName),
          // As in the Lambdas: the domain events of records changed during the import are archived, then published.
          bus: new ArchivingBus(
            wiring.bus,
            new EventArchive(wiring.doc, wiring.tableName, { timeZone: wiring.tenant.timeZone, now }),
          ),
          now,
        },
        {
          mode: 'import',
          modules: [module],
          resume: !!opts.resume,
          restart: !!opts.restart,
          runner: `cli:${hostname()}:${process.pid}`,
          shouldStop,
          onPage: (p) => {
            progress.page(p, p.records - seen);
            seen = p.records;
          },
        },
      );
      const m = r.modules[0];
      if (!m) break;
      progress.moduleEnd(m);
      results.push(m);
      if (m.status === 'stopped') break;
    }
    const complete = results.every((m) => m.status === 'complete' || m.status === 'already-imported');
    const all = complete && results.length === (opts.module?.length || scanner.modules.length);
    if (opts.json)
      term.out(`${JSON.stringify({ tenant: wiring.tenant.id, complete: all, modules: results }, null, 2)}\n`);
    if (!all)
      term.err(
        'import stopped before the end; run again with --resume to continue after the last saved page\n',
      );
    return all ? 0 : 1;
  } catch (err) {
    progress.closeLine();
    term.err(`import failed: ${err instanceof ImportInProgressError ? err.message : explain(err, wiring)}\n`);
    if (!(err instanceof ImportInProgressError)) {
      term.err('pages applied so far are saved; run again with --resume to continue\n');
    }
    return 1;
  }
};

export const registerImport = (program: Command): void => {
  const cmd = program
    .command('import')
    .description("full import of the tenant's CRM into its table, resumable; exit 1 if it did not finish")
    .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
    .option('--resume', 'continue an interrupted import after its last saved page')
    .option('--restart', 'discard an interrupted import and begin again')
    .option('--module <name...>', 'only these Zoho modules or Fxiaoke objects')
    .option('--table <name>', "the tenant's DynamoDB table (default: the table of the tenant found)")
    .option(
      '--crm-url <url>',
      "use this CRM base URL instead of the tenant's (e.g. the simulator npm start prints)",
    )
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', '\nExample:\n  npm run quotaflow -- import --tenant acme --resume');
  withTargetOptions(cmd).action(
    wiredAction(importWiring, (opts, wiring, term) => {
      let stopping = false;
      process.on('SIGINT', () => {
        if (stopping) process.exit(130);
        stopping = true;
        process.stderr.write('\nstopping after this page (Ctrl+C again to quit at once)…\n');
      });
      return runImport(opts, wiring, term, () => stopping);
    }),
  );
};
