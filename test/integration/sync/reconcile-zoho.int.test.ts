/**
 * Import and reconcile against the Zoho simulator, into dynalite: what they cost in API calls (⌈N/200⌉ list calls
 * for a full import, one call per module when nothing changed), that an interrupted import resumes after its last
 * applied page, and that a change whose notification was lost arrives with the right domain events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCrmScanner } from '../../../functions/wiring/crm-scanner';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { ZohoApiError } from '../../../shared/crm/zoho/errors';
import type { CrmScanner } from '../../../shared/sync/crm-scanner';
import { domainEventId } from '../../../shared/sync/domain-events';
import { ImportInProgressError, reconcile } from '../../../shared/sync/reconcile';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { FlakyBus, reconcileDepsOn, storedRecords } from './reconcile-support';
import { RecordingBus, secretsOf, tenantOn } from './support';

const TENANT = 'acme';
const DEALS = 5_000;
let now = Date.parse('2026-03-02T01:00:00Z');
const clock = () => new Date(now);
let sim: ZohoSimulator;
const tables: LocalTable[] = [];

const scannerFor = async (table: LocalTable): Promise<CrmScanner> => {
  const s = await buildCrmScanner({
    tenant: tenantOn(TENANT, {
      provider: 'zoho',
      dataCenter: 'com.cn',
      accountsUrl: sim.url,
      modules: ['Deals'],
    }),
    secrets: secretsOf({
      zohoClientId: sim.clientId,
      zohoClientSecret: sim.clientSecret,
      zohoRefreshToken: sim.issueRefreshToken(),
    }),
    tokenTable: { doc: table.doc, tableName: table.tableName },
    now: clock,
    // Two attempts, short backoff: an injected outage fails the import quickly.
    http: { timeoutMs: 10_000, attempts: 2, maxBackoffMs: 5 },
  });
  if (!s) throw new Error('a Zoho tenant has a scanner');
  return s;
};
const newTable = async () => {
  const t = await startLocalTable('quotaflow-reconcile-zoho');
  tables.push(t);
  return t;
};
const mark = () => sim.requests.length;
const since = (from: number) => sim.requests.slice(from);
const listCalls = (from: number) => since(from).filter((r) => r.path === '/crm/v8/Deals');
const tokenCalls = (from: number) => since(from).filter((r) => r.path === '/oauth/v2/token').length;
/** CRM API calls only (a token refresh after the clock moved an hour is not the reconcile's cost). */
const apiCalls = (from: number) => since(from).filter((r) => r.path.startsWith('/crm/'));
/** Earlier tests delete a deal: later imports expect what the CRM holds now. */
const dealsInCrm = () => sim.store.all('Deals').length;

beforeAll(async () => {
  sim = await startZohoSimulator({ seed: { deals: DEALS, leads: 0, contacts: 0 }, now: () => now });
});
afterAll(async () => {
  await sim?.stop();
  for (const t of tables) await t.stop();
});

describe('a full import and the reconciles after it', () => {
  let table: LocalTable;
  let scanner: CrmScanner;
  const bus = new RecordingBus();
  const deps = () => reconcileDepsOn(table, TENANT, scanner, bus, clock);

  beforeAll(async () => {
    table = await newTable();
    scanner = await scannerFor(table);
  });

  it(`imports ${DEALS} deals with exactly ${DEALS / 200} list calls and one token call, quietly`, async () => {
    const from = mark();
    const result = await reconcile(deps(), { mode: 'import' });

    expect(result.complete).toBe(true);
    expect(result.modules[0]).toMatchObject({ status: 'complete', kind: 'full', pages: 25, records: DEALS });
    expect(result.modules[0]?.outcomes).toEqual({ applied: DEALS, republished: 0, stale: 0 });
    expect(listCalls(from)).toHaveLength(DEALS / 200);
    expect(tokenCalls(from)).toBe(1);
    expect(since(from).length).toBe(DEALS / 200 + 1);
    const stored = await storedRecords(table, 'deal');
    expect(new Set(stored.map((s) => s.record.id)).size).toBe(DEALS);
    // History is a baseline, not news: no deal.created or deal.won for last year's deals.
    expect(bus.domain()).toHaveLength(0);
    expect(await deps().state.get('Deals')).toEqual({
      module: 'Deals',
      watermark: new Date(now).toISOString(),
      deletedCheckedAt: new Date(now).toISOString(),
    });
  }, 120_000);

  it('a reconcile with nothing changed costs one call for the module', async () => {
    now += 15 * 60_000;
    const from = mark();
    const result = await reconcile(deps());
    expect(result.modules[0]).toMatchObject({
      status: 'complete',
      kind: 'incremental',
      pages: 0,
      records: 0,
    });
    expect(apiCalls(from)).toEqual([expect.objectContaining({ path: '/crm/v8/Deals', status: 204 })]);
  });

  it('a change whose notification was lost arrives with the next reconcile, with its domain events', async () => {
    const deal = sim.store.all('Deals').find((r) => r.fields.Stage === 'Qualification');
    if (!deal) throw new Error('the seed has open deals');
    now += 60_000;
    sim.store.update('Deals', deal.id, { Stage: 'Closed Won' }, now); // no channel, no notification
    now += 15 * 60_000;
    bus.clear();
    const from = mark();

    const result = await reconcile(deps());

    expect(listCalls(from)).toHaveLength(1);
    expect(result.modules[0]?.outcomes).toEqual({ applied: 1, republished: 0, stale: 0 });
    const stored = await deps().records.get('deal', deal.id);
    if (!stored) throw new Error('stored');
    expect(stored.record).toMatchObject({ stage: 'Closed Won', status: 'won' });
    expect(bus.domain().map((e) => e.detailType)).toEqual(['deal.stage_changed', 'deal.won']);
    expect(bus.domain()[0]?.detail).toMatchObject({
      eventId: domainEventId(TENANT, stored, 'dealStageChanged'),
      change: { from: 'Qualification', to: 'Closed Won' },
    });
  });

  it('a deletion whose notification was lost becomes a tombstone when the hourly recycle-bin read is due', async () => {
    const [victim] = sim.store.all('Deals');
    if (!victim) throw new Error('deals');
    now += 60_000;
    sim.store.remove('Deals', victim.id, now);
    now += 61 * 60_000;
    bus.clear();
    const from = mark();

    const result = await reconcile(deps());

    expect(apiCalls(from).map((r) => r.path)).toEqual(['/crm/v8/Deals', '/crm/v8/Deals/deleted']);
    expect(result.modules[0]?.deleted).toBe(1);
    expect(await deps().records.get('deal', victim.id)).toMatchObject({ deleted: true });
    expect(bus.domain().map((e) => e.detailType)).toEqual(['record.deleted']);
  });

  it('events lost to a crash before the publish are published by the next run, with the same ids', async () => {
    const deal = sim.store.all('Deals').find((r) => r.fields.Stage === 'Needs Analysis');
    if (!deal) throw new Error('the seed has open deals');
    now += 60_000;
    sim.store.update('Deals', deal.id, { Stage: 'Closed Lost' }, now);
    now += 15 * 60_000;
    const flaky = new FlakyBus(bus);
    flaky.failures = 1;
    bus.clear();
    const d = { ...deps(), bus: flaky };

    await expect(reconcile(d)).rejects.toThrow('bus unavailable');
    expect(bus.domain()).toHaveLength(0);
    const again = await reconcile(d);

    expect(again.modules[0]).toMatchObject({
      resumed: true,
      outcomes: { applied: 0, republished: 1, stale: 0 },
    });
    const stored = await deps().records.get('deal', deal.id);
    if (!stored) throw new Error('stored');
    expect(bus.domain().map((e) => e.detail.eventId)).toEqual([
      domainEventId(TENANT, stored, 'dealStageChanged'),
      domainEventId(TENANT, stored, 'dealLost'),
    ]);
  });
});

describe('an import interrupted mid-way', () => {
  let table: LocalTable;
  let scanner: CrmScanner;
  const bus = new RecordingBus();
  const deps = () => reconcileDepsOn(table, TENANT, scanner, bus, clock);
  let firstApplied = 0;

  beforeAll(async () => {
    table = await newTable();
    scanner = await scannerFor(table);
  });

  it('fails on a Zoho outage after page 12 with that page saved as its cursor', async () => {
    const onPage = (p: { pages: number }) => {
      if (p.pages === 12) sim.faults.serverErrors = 10;
    };
    const err = await reconcile(deps(), { mode: 'import', runner: 'cli:a', onPage }).catch((e: unknown) => e);
    sim.faults.serverErrors = 0;

    expect(err).toBeInstanceOf(ZohoApiError);
    const saved = (await deps().state.get('Deals')).scan;
    expect(saved).toMatchObject({ pages: 12, records: 2_400, runner: 'cli:a' });
    expect(JSON.parse(saved?.cursor ?? '{}')).toHaveProperty('token');
    firstApplied = (await storedRecords(table, 'deal')).length;
    expect(firstApplied).toBe(2_400);
  }, 60_000);

  it('is not started over by accident, and the scheduled reconcile leaves the live import alone', async () => {
    await expect(reconcile(deps(), { mode: 'import' })).rejects.toBeInstanceOf(ImportInProgressError);
    const from = mark();
    const r = await reconcile(deps(), { runner: 'lambda:1' });
    expect(r.modules[0]?.status).toBe('busy');
    expect(since(from)).toHaveLength(0);
  });

  it('--resume reads only the 13 pages left, from the saved page token, and applies each deal once', async () => {
    const from = mark();
    const result = await reconcile(deps(), { mode: 'import', resume: true, runner: 'cli:b' });

    const calls = listCalls(from);
    expect(calls).toHaveLength(13);
    expect(calls.every((c) => c.query.page_token && !c.query.page)).toBe(true);
    const total = dealsInCrm();
    expect(result.modules[0]).toMatchObject({
      status: 'complete',
      resumed: true,
      pages: 13,
      records: total - 2_400,
    });
    expect(result.modules[0]?.outcomes).toEqual({ applied: total - firstApplied, republished: 0, stale: 0 });
    const stored = await storedRecords(table, 'deal');
    expect(stored).toHaveLength(total);
    expect(new Set(stored.map((s) => s.record.id)).size).toBe(total);
    expect((await deps().state.get('Deals')).scan).toBeUndefined();
  }, 60_000);
});

describe('a saved page token that has expired', () => {
  it('restarts that scan from its beginning instead of failing or skipping', async () => {
    const table = await newTable();
    const scanner = await scannerFor(table);
    const deps = reconcileDepsOn(table, TENANT, scanner, new RecordingBus(), clock);
    let stop = false;
    await reconcile(deps, {
      mode: 'import',
      onPage: (p) => {
        stop = p.pages === 11;
      },
      shouldStop: () => stop,
    });
    now += 25 * 3_600_000; // page tokens live 24 h
    const from = mark();

    const result = await reconcile(deps, { mode: 'import', resume: true });

    expect(result.modules[0]).toMatchObject({ status: 'complete', restarted: true });
    expect(listCalls(from).filter((c) => c.status === 200)).toHaveLength(Math.ceil(dealsInCrm() / 200));
    expect(await storedRecords(table, 'deal')).toHaveLength(dealsInCrm());
  }, 120_000);
});
