/**
 * Import and reconcile against the Fxiaoke simulator, into dynalite: keyset pages of 100 by `_id`, one query per
 * object when nothing changed, resume after the last applied page, and a change (or an invalidation) whose callback
 * was never sent arriving with the right domain events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmObject } from '../../../events';
import { buildCrmScanner } from '../../../functions/wiring/crm-scanner';
import { type FxiaokeSimulator, startFxiaokeSimulator } from '../../../infra/local/simulators/fxiaoke';
import { FxiaokeApiError } from '../../../shared/crm/fxiaoke/errors';
import { canonicalObjectFor } from '../../../shared/crm/fxiaoke/objects';
import type { CrmScanner } from '../../../shared/sync/crm-scanner';
import { reconcile } from '../../../shared/sync/reconcile';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { reconcileDepsOn, storedRecords } from './reconcile-support';
import { RecordingBus, secretsOf, tenantOn } from './support';

const TENANT = 'acme-fx';
const OPPORTUNITY = 'NewOpportunityObj';
const QUERY = '/cgi/crm/v2/data/query';
let now = Date.parse('2026-03-02T01:00:00Z');
const clock = () => new Date(now);
let sim: FxiaokeSimulator;
const tables: LocalTable[] = [];

const scannerFor = async (table: LocalTable): Promise<CrmScanner> => {
  const s = await buildCrmScanner({
    tenant: tenantOn(TENANT, {
      provider: 'fxiaoke',
      apiBaseUrl: sim.url,
      enterpriseAccount: sim.app.ea,
      apiUserId: sim.app.userId,
    }),
    secrets: secretsOf({
      fxiaokeAppId: sim.app.appId,
      fxiaokeAppSecret: sim.app.appSecret,
      fxiaokePermanentCode: sim.app.permanentCode,
    }),
    tokenTable: { doc: table.doc, tableName: table.tableName },
    now: clock,
    http: { timeoutMs: 10_000, attempts: 2, maxBackoffMs: 5 },
  });
  if (!s) throw new Error('an Fxiaoke tenant has a scanner');
  return s;
};
const newTable = async () => {
  const t = await startLocalTable('quotaflow-reconcile-fxiaoke');
  tables.push(t);
  return t;
};
const queries = () => sim.stats.callsByPath[QUERY] ?? 0;
/** Keyset paging costs one query per 100 records, plus the query that finds the last page short or empty. */
const fullScanCost = (objects: readonly string[]) =>
  objects.reduce((n, o) => n + Math.floor(sim.records.count(o) / 100) + 1, 0);
const objectOf = (apiName: string): CrmObject => {
  const o = canonicalObjectFor(apiName, OPPORTUNITY);
  if (!o) throw new Error(apiName);
  return o;
};

beforeAll(async () => {
  sim = await startFxiaokeSimulator({
    seed: { bulkOpportunities: 250 },
    now: () => now,
    faults: { apiRateLimit: false },
  });
});
afterAll(async () => {
  await sim?.stop();
  for (const t of tables) await t.stop();
});

describe('an Fxiaoke import and the reconciles after it', () => {
  let table: LocalTable;
  let scanner: CrmScanner;
  const bus = new RecordingBus();
  const deps = () => reconcileDepsOn(table, TENANT, scanner, bus, clock);

  beforeAll(async () => {
    table = await newTable();
    scanner = await scannerFor(table);
  });

  it('imports every object with one query per 100 records, quietly', async () => {
    const before = queries();
    const result = await reconcile(deps(), { mode: 'import' });

    expect(result.complete).toBe(true);
    // Plus the employee directory: one PersonnelObj query for the owners on the first page and one for their
    // leaders; the seed's few people are then cached for the rest of the import.
    expect(queries() - before).toBe(fullScanCost(scanner.modules) + 2);
    for (const apiName of scanner.modules) {
      const stored = await storedRecords(table, objectOf(apiName));
      expect(stored.length, apiName).toBe(sim.records.count(apiName));
    }
    expect(result.modules.flatMap((m) => m.rejected)).toEqual([]);
    expect(bus.domain()).toHaveLength(0);
    // Imported deals carry their owner's email from the directory, as webhook-synced ones do.
    const deals = (await storedRecords(table, 'deal')).filter((r) => !r.deleted);
    expect(deals.length).toBeGreaterThan(0);
    expect(deals.every((d) => d.record.owner?.email?.includes('@'))).toBe(true);
  }, 60_000);

  it('a reconcile with nothing changed costs one query per object', async () => {
    now += 15 * 60_000;
    const before = queries();
    const result = await reconcile(deps());
    expect(queries() - before).toBe(scanner.modules.length);
    expect(result.modules.every((m) => m.status === 'complete' && m.records === 0)).toBe(true);
  });

  it('a won deal whose callback was never sent arrives with deal.stage_changed and deal.won', async () => {
    const deal = sim.records
      .list(OPPORTUNITY)
      .find((r) => r.sales_stage === '4' && r.life_status === 'normal');
    if (!deal) throw new Error('the seed has open opportunities');
    now += 60_000;
    sim.records.put(OPPORTUNITY, { ...deal, sales_stage: '5', last_modified_time: now }); // no callback
    now += 15 * 60_000;
    bus.clear();

    const result = await reconcile(deps());

    expect(result.modules.find((m) => m.module === OPPORTUNITY)?.outcomes.applied).toBe(1);
    expect(bus.domain().map((e) => e.detailType)).toEqual(['deal.stage_changed', 'deal.won']);
    expect(await deps().records.get('deal', deal._id)).toMatchObject({ record: { status: 'won' } });
  });

  it('an invalidation whose callback was never sent becomes a tombstone with record.deleted', async () => {
    const deal = sim.records
      .list(OPPORTUNITY)
      .find((r) => r.sales_stage === '3' && r.life_status === 'normal');
    if (!deal) throw new Error('the seed has open opportunities');
    now += 60_000;
    sim.records.put(OPPORTUNITY, { ...deal, life_status: 'invalid', last_modified_time: now });
    now += 15 * 60_000;
    bus.clear();

    await reconcile(deps());

    expect(bus.domain().map((e) => e.detailType)).toEqual(['record.deleted']);
    expect(await deps().records.get('deal', deal._id)).toMatchObject({ deleted: true });
  });
});

describe('an Fxiaoke import interrupted mid-way', () => {
  it('resumes after the last applied keyset page: no page read twice, every record applied once', async () => {
    const table = await newTable();
    const scanner = await scannerFor(table);
    const deps = reconcileDepsOn(table, TENANT, scanner, new RecordingBus(), clock);
    const onPage = (p: { module: string; pages: number }) => {
      if (p.module === OPPORTUNITY && p.pages === 1)
        sim.inject({ kind: 'http', status: 502, times: 2, path: QUERY });
    };
    await expect(reconcile(deps, { mode: 'import', onPage })).rejects.toBeInstanceOf(FxiaokeApiError);
    expect((await deps.state.get(OPPORTUNITY)).scan).toMatchObject({ pages: 1, records: 100 });

    const before = queries();
    const result = await reconcile(deps, { mode: 'import', resume: true });

    // The other objects were imported while the opportunities failed: only the opportunities' rest is read.
    const opportunities = sim.records.count(OPPORTUNITY);
    expect(queries() - before).toBe(Math.floor((opportunities - 100) / 100) + 1);
    const others = result.modules.filter((m) => m.module !== OPPORTUNITY);
    expect(others.map((m) => m.status)).toEqual(Array(scanner.modules.length - 1).fill('already-imported'));
    const opp = result.modules.find((m) => m.module === OPPORTUNITY);
    expect(opp).toMatchObject({ status: 'complete', resumed: true, records: opportunities - 100 });
    expect(opp?.outcomes).toEqual({ applied: opportunities - 100, republished: 0, stale: 0 });
    const stored = await storedRecords(table, 'deal');
    expect(new Set(stored.map((s) => s.record.id)).size).toBe(opportunities);
  }, 60_000);
});
