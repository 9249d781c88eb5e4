/**
 * Reconcile and the initial import: per module, scan the CRM for what changed since the watermark (less an overlap)
 * and apply every record through the same versioned upsert and domain events as webhook sync (applyCanonical), so
 * a lost notification only delays data. Without a watermark the same scan is a full import.
 *
 * What a scan guarantees:
 * - The cursor is saved only after its page is applied and its events published; an interrupted scan resumes
 *   after the last saved page (never skipping one, re-reading at most the page that was under way, which then
 *   comes back 'unchanged' and republishes the same event ids).
 * - The watermark moves only when a scan completes, to the instant that scan began: a scan in the CRM's own order
 *   (Zoho by id, Fxiaoke by _id) is not in modification order, so no record read mid-scan bounds what is left.
 *   Anything changed after the scan began is newer than the watermark and is read by the next run.
 * - A full import stores history quietly (see ApplyContext.historyBefore) and still announces records changed
 *   after it began.
 * - Residual gap, Zoho only: positional paging can shift one unread record back a page when another record is
 *   deleted mid-scan; that record is unchanged, so only a later full import or a webhook brings it back.
 */

import { DomainError } from '../errors';
import type { BusEntry, EventBusPort } from '../ports';
import type { RecordRepository } from '../store/records';
import type { ScanInProgress, SyncState, SyncStateRepository } from '../store/sync-state';
import type { UserRepository } from '../store/users';
import { type PreparedApply, upsertCanonical } from './apply-change';
import { type CrmScanner, ScanCursorLostError, type ScanPage } from './crm-scanner';
import type { CrmUserSource } from './crm-users';

/** Covers clock skew between us and the CRM, and Zoho's second-precision If-Modified-Since. */
export const DEFAULT_OVERLAP_MS = 2 * 60_000;
/** Zoho's recycle bin costs a call per module; hourly keeps a quiet 15-minute reconcile at one call per module. */
export const DEFAULT_DELETED_EVERY_MS = 60 * 60_000;
/** A scan whose runner saved a page this recently is left to it by the scheduled reconcile. */
export const DEFAULT_LEASE_MS = 2 * 60_000;
const DEFAULT_CONCURRENCY = 16;
/** Users change rarely: hourly keeps a quiet reconcile at one call per module most runs. */
export const DEFAULT_USERS_EVERY_MS = 60 * 60_000;
/** The sync-state item that remembers the last users refresh (no CRM module has this name). */
const USERS_STATE = '#users';

/** The CRM's users and where they are kept: refreshed at the start of every reconcile (a call or two). */
export interface UserRefresh {
  source: CrmUserSource;
  store: Pick<UserRepository, 'putChanged'>;
}

export interface ReconcileDeps {
  tenantId: string;
  scanner: CrmScanner;
  users?: UserRefresh;
  state: SyncStateRepository;
  records: RecordRepository;
  bus: EventBusPort;
  now: () => Date;
}

export interface PageProgress {
  module: string;
  kind: 'full' | 'incremental';
  /** Totals for the scan, across resumed runs. */
  pages: number;
  records: number;
  /** This run only. */
  applied: number;
}

export interface ReconcileOptions {
  modules?: readonly string[];
  /**
   * 'reconcile' (the schedule): continue a saved scan, else scan since the watermark, or import in full if there is
   * none. 'import' (the CLI): a full scan; a saved scan is continued only with `resume`, discarded with `restart`.
   */
  mode?: 'reconcile' | 'import';
  resume?: boolean;
  restart?: boolean;
  /** Who runs this scan (for the lease); the CLI passes its own. */
  runner?: string;
  overlapMs?: number;
  deletedEveryMs?: number;
  /** How often reconcile refreshes the CRM users (0: every run). */
  usersEveryMs?: number;
  leaseMs?: number;
  concurrency?: number;
  /** Checked between pages: a Lambda's remaining time, or Ctrl+C. The cursor is saved, so stopping is safe. */
  shouldStop?: () => boolean;
  onPage?: (p: PageProgress) => void;
}

export interface ModuleResult {
  module: string;
  status: 'complete' | 'stopped' | 'busy' | 'already-imported';
  kind?: 'full' | 'incremental';
  resumed: boolean;
  /** A saved Zoho page token had expired: the scan began again from its `since`. */
  restarted: boolean;
  pages: number;
  records: number;
  outcomes: Record<PreparedApply['outcome'], number>;
  deleted: number;
  events: number;
  rejected: { id: string; message: string }[];
  watermark?: string;
}

/** An import was interrupted and the operator neither resumed nor restarted it. */
export class ImportInProgressError extends DomainError {
  override readonly name = 'ImportInProgressError';
  constructor(
    readonly module: string,
    readonly scan: ScanInProgress,
  ) {
    super(
      'import_in_progress',
      `an interrupted import of ${module} is saved (${scan.pages} pages, ${scan.records} records, begun ` +
        `${scan.startedAt}); run with --resume to continue it or --restart to begin again`,
    );
  }
}

const emptyResult = (module: string, status: ModuleResult['status']): ModuleResult => ({
  module,
  status,
  resumed: false,
  restarted: false,
  pages: 0,
  records: 0,
  outcomes: { applied: 0, republished: 0, stale: 0 },
  deleted: 0,
  events: 0,
  rejected: [],
});

/** The scan to run for a module now, or why there is none. */
const planScan = (
  state: SyncState,
  opts: ReconcileOptions,
  now: number,
): { scan: ScanInProgress; resumed: boolean } | ModuleResult['status'] => {
  const overlap = opts.overlapMs ?? DEFAULT_OVERLAP_MS;
  const saved = state.scan;
  const fresh = (since?: number, deletedSince?: number): ScanInProgress => ({
    startedAt: new Date(now).toISOString(),
    ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
    ...(deletedSince !== undefined ? { deletedSince: new Date(deletedSince).toISOString() } : {}),
    pages: 0,
    records: 0,
  });
  if (opts.mode === 'import') {
    if (saved && opts.resume) return { scan: saved, resumed: true };
    if (saved && !opts.restart) throw new ImportInProgressError(state.module, saved);
    if (!saved && opts.resume && state.watermark) return 'already-imported';
    return { scan: fresh(), resumed: false };
  }
  if (saved) {
    const beat = saved.heartbeatAt ? Date.parse(saved.heartbeatAt) : 0;
    const mine = saved.runner === opts.runner;
    if (!mine && now - beat < (opts.leaseMs ?? DEFAULT_LEASE_MS)) return 'busy';
    return { scan: saved, resumed: true };
  }
  if (!state.watermark) return { scan: fresh(), resumed: false };
  const lastDeleted = Date.parse(state.deletedCheckedAt ?? state.watermark);
  const due = now - lastDeleted >= (opts.deletedEveryMs ?? DEFAULT_DELETED_EVERY_MS);
  return {
    scan: fresh(Date.parse(state.watermark) - overlap, due ? lastDeleted - overlap : undefined),
    resumed: false,
  };
};

/** Runs `fn` over `items` with at most `limit` in flight (a page's upserts are independent records). */
const pool = async <T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

const reconcileModule = async (
  module: string,
  deps: ReconcileDeps,
  opts: ReconcileOptions,
): Promise<ModuleResult> => {
  const state = await deps.state.get(module);
  const plan = planScan(state, opts, deps.now().getTime());
  if (typeof plan === 'string')
    return { ...emptyResult(module, plan), ...(state.watermark ? { watermark: state.watermark } : {}) };
  let scan = plan.scan;
  const kind = scan.since ? 'incremental' : 'full';
  const result: ModuleResult = { ...emptyResult(module, 'complete'), kind, resumed: plan.resumed };
  const save = (s: ScanInProgress) => {
    const heartbeat = {
      ...s,
      heartbeatAt: deps.now().toISOString(),
      ...(opts.runner ? { runner: opts.runner } : {}),
    };
    return deps.state.put({ ...state, scan: heartbeat });
  };
  // Saved before the first page, so a scan interrupted at once resumes with the same `since` and start time.
  await save(scan);
  const ctx = {
    tenantId: deps.tenantId,
    correlationId: `reconcile:${module}:${scan.startedAt}`,
    ...(kind === 'full' ? { historyBefore: Date.parse(scan.startedAt) } : {}),
  };

  const applyPage = async (page: ScanPage) => {
    const entries: BusEntry[] = [];
    await pool(page.records, opts.concurrency ?? DEFAULT_CONCURRENCY, async (r) => {
      const prepared = await upsertCanonical(
        { object: r.object, record: r.record, version: Date.parse(r.record.modifiedAt), deleted: r.deleted },
        ctx,
        deps.records,
      );
      result.outcomes[prepared.outcome]++;
      if (r.deleted && prepared.outcome === 'applied') result.deleted++;
      entries.push(...prepared.entries);
    });
    // Events before the cursor: a crash in between re-reads the page, and 'unchanged' republishes them.
    await deps.bus.publish(entries);
    result.events += entries.length;
    result.rejected.push(...page.rejected);
    scan = {
      ...scan,
      cursor: page.cursor,
      pages: scan.pages + 1,
      records: scan.records + page.records.length,
    };
    await save(scan);
    result.pages++;
    result.records += page.records.length;
    opts.onPage?.({
      module,
      kind,
      pages: scan.pages,
      records: scan.records,
      applied: result.outcomes.applied,
    });
  };

  const pages = (cursor: string | undefined) =>
    deps.scanner.scan(module, {
      ...(scan.since ? { since: new Date(scan.since) } : {}),
      ...(scan.deletedSince ? { deletedSince: new Date(scan.deletedSince) } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
  try {
    for await (const page of pages(scan.cursor)) {
      await applyPage(page);
      if (opts.shouldStop?.()) return { ...result, status: 'stopped' };
    }
  } catch (err) {
    if (!(err instanceof ScanCursorLostError) || scan.cursor === undefined) throw err;
    // The position is gone (a 24 h page token) but nothing after it was applied: begin this scan again.
    result.restarted = true;
    const { cursor: _lost, ...rest } = scan;
    scan = rest;
    for await (const page of pages(undefined)) {
      await applyPage(page);
      if (opts.shouldStop?.()) return { ...result, status: 'stopped' };
    }
  }

  const previous = state.watermark ? Date.parse(state.watermark) : Number.NEGATIVE_INFINITY;
  const watermark = new Date(Math.max(previous, Date.parse(scan.startedAt))).toISOString();
  const readDeletions = scan.deletedSince !== undefined || kind === 'full';
  const deletedCheckedAt = readDeletions ? scan.startedAt : state.deletedCheckedAt;
  await deps.state.put({ module, watermark, ...(deletedCheckedAt ? { deletedCheckedAt } : {}) });
  return { ...result, watermark };
};

/** Lists and stores the CRM users when the last refresh is older than `everyMs`; undefined when not due. */
const refreshUsers = async (
  users: UserRefresh,
  deps: ReconcileDeps,
  everyMs: number,
): Promise<{ listed: number; written: number } | undefined> => {
  const state = await deps.state.get(USERS_STATE);
  const now = deps.now();
  if (state.watermark && now.getTime() - Date.parse(state.watermark) < everyMs) return undefined;
  const listed = await users.source.listUsers();
  const written = await users.store.putChanged(listed, now);
  await deps.state.put({ module: USERS_STATE, watermark: now.toISOString() });
  return { listed: listed.length, written };
};

/**
 * Every module of the tenant's CRM in turn; stops between pages when asked, with every cursor saved. A module that
 * fails does not hold up the others (one module's permissions or outage is not everyone's); its error is thrown
 * once they have run, so the scheduler retries and finally dead-letters the run.
 */
export const reconcile = async (
  deps: ReconcileDeps,
  opts: ReconcileOptions = {},
): Promise<{ complete: boolean; modules: ModuleResult[]; users?: { listed: number; written: number } }> => {
  const modules: ModuleResult[] = [];
  const failures: unknown[] = [];
  let users: { listed: number; written: number } | undefined;
  // Users first, so records applied below already find their owners' managers; a failure holds nothing up.
  if (deps.users && !opts.shouldStop?.()) {
    try {
      users = await refreshUsers(deps.users, deps, opts.usersEveryMs ?? DEFAULT_USERS_EVERY_MS);
    } catch (err) {
      failures.push(err);
    }
  }
  for (const module of opts.modules ?? deps.scanner.modules) {
    if (opts.shouldStop?.()) break;
    try {
      modules.push(await reconcileModule(module, deps, opts));
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const messages = failures.map((f) => (f instanceof Error ? f.message : String(f)));
    throw new AggregateError(failures, `${failures.length} modules failed: ${messages.join('; ')}`);
  }
  const all = opts.modules ?? deps.scanner.modules;
  const complete =
    modules.length === all.length &&
    modules.every((m) => m.status === 'complete' || m.status === 'already-imported');
  return { complete, modules, ...(users ? { users } : {}) };
};
