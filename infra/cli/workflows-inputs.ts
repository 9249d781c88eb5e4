/**
 * What the workflow commands share: their wiring over the CLI's root (tenant, workflow file, archive, ledger,
 * clock), their usage error (exit 2, or 1 for an invalid config where the command is a check), and reading configs
 * and event files with every problem named.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { anyDomainEvent, type DomainEventDetail } from '../../events';
import { tenantDocumentPath } from '../../functions/wiring/documents';
import { formatIssuePath, loadTenantConfig, TenantConfigError } from '../../shared/config/tenant';
import { EffectStates } from '../../shared/store/effect-states';
import {
  EVENT_ARCHIVE_RETENTION_DAYS,
  EventArchive,
  type EventArchiveReader,
} from '../../shared/store/event-archive';
import { SuppressionRepository } from '../../shared/store/suppression';
import type { PlanTenant, WorkflowConfig, WorkflowEvent } from '../../shared/workflows';
import { parseWorkflowConfig, WorkflowConfigError } from '../../shared/workflows';
import { resolveCountryCalendars } from '../../shared/workflows/country-holidays';
import type { EffectCheckPorts } from '../../shared/workflows/effect-checks';
import type { EffectStateReader } from '../../shared/workflows/explain-report';
import { TENANTS_DIR } from '../tenants';
import { type Terminal, UsageError } from './common';
import { explain as explainAwsError } from './import';
import type { TenantTarget } from './tenant-target';
import { cliRoot } from './wiring/root';

/** What the commands talk to; the CLI builds it from the environment, tests hand in local ones. */
export interface WorkflowsWiring {
  /** The tenant's zone and locale, from tenants/<id>.json. */
  tenant(id: string): PlanTenant;
  /** Where the tenant's current workflow config lives. */
  workflowsFile(id: string): string;
  archive(tenant: PlanTenant): EventArchiveReader;
  ledger(tenant: PlanTenant): EffectStateReader;
  /** The tenant's CRM (from tenants/<id>.json) and suppression list (the table), as the runner checks them. */
  checks(tenant: PlanTenant): EffectCheckPorts;
  now(): Date;
  /** For messages: the table the archive and ledger are read from. */
  tableName(id: string): string;
}

/**
 * The workflow commands' wiring over the CLI's root (wiring/root.ts) for `target`, the tenant found for `--tenant`;
 * without one, the SDK's settings and npm start's names. The table client is built on first use: validate and
 * --event-file need no table. "Now" is the root's clock: `--now`, else npm start's (which a demo may have moved),
 * else this machine's.
 */
export const workflowsWiring = async (
  opts: {
    table?: string;
    now?: string;
  },
  target?: TenantTarget,
): Promise<WorkflowsWiring & { destroy(): void }> => {
  const root = cliRoot(target, {
    ...(opts.table !== undefined ? { table: opts.table } : {}),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
  const now = await root.clock();
  const client = root.doc;
  const tableName = root.tableOf;
  const config = (id: string) => loadTenantConfig(join(TENANTS_DIR, `${id}.json`));
  return {
    tenant: (id) => {
      const t = config(id);
      return { id: t.id, timeZone: t.timeZone, locale: t.locale, name: t.displayName, currency: t.currency };
    },
    workflowsFile: (id) => tenantDocumentPath('workflows', id),
    archive: (t) => new EventArchive(client(), tableName(t.id), { timeZone: t.timeZone, now }),
    ledger: (t) => new EffectStates(client(), tableName(t.id)),
    checks: (t) => {
      const list = new SuppressionRepository(client(), tableName(t.id), now);
      return { crmProvider: config(t.id).crm.provider, isSuppressed: (a) => list.isSuppressed(a) };
    },
    now,
    tableName,
    destroy: root.destroy,
  };
};

export const shown = (file: string) => relative(process.cwd(), file) || file;

/** Reads and validates a workflow config file; every problem with its path, or a usage error if it is missing. */
export const readWorkflowConfig = (
  file: string,
  opts: { tenantId?: string; invalidCode?: 1 | 2; now?: Date } = {},
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
    // As a function packaged at `now` would get it: date-holidays calendars resolved into dates.
    const year = (opts.now ?? new Date()).getUTCFullYear();
    const config = parseWorkflowConfig(resolveCountryCalendars(json, year), shown(file));
    if (opts.tenantId !== undefined && config.tenantId !== opts.tenantId)
      throw new UsageError(
        `${shown(file)}: invalid workflow configuration\n  - tenantId: is "${config.tenantId}" but the tenant is "${opts.tenantId}"`,
        code,
      );
    return config;
  } catch (err) {
    if (err instanceof WorkflowConfigError) throw new UsageError(err.message, code, { cause: err });
    throw err;
  }
};

export const tenantOf = (w: WorkflowsWiring, id: string): PlanTenant => {
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

/** `--days`: 1 to the archive's retention. */
export const daysOption = (value: string | number): number => {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > EVENT_ARCHIVE_RETENTION_DAYS)
    throw new UsageError(
      `--days must be a whole number from 1 to ${EVENT_ARCHIVE_RETENTION_DAYS} (the archive's retention); got ${value}`,
    );
  return days;
};

export const failed = (err: unknown, term: Terminal, wiring: WorkflowsWiring, tenantId: string): number => {
  if (err instanceof UsageError) {
    term.err(`${err.message}\n`);
    return err.exitCode;
  }
  term.err(`failed: ${explainAwsError(err, { tableName: wiring.tableName(tenantId) })}\n`);
  return 1;
};
