/**
 * Zoho end to end through sync: the simulator posts a notification to the real receiver (receipt with ids only on
 * dynalite, crm.record.changed on a recording bus), then applyRecordChange reads the record from the simulator
 * through the tenant's CrmReader (built as the runtime builds it, tokens in the DynamoDB cache) and stores it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEventName } from '../../../events';
import { buildCrmReader } from '../../../functions/wiring/crm';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { createZohoConnector } from '../../../shared/crm/zoho/connector';
import { ZohoApiError } from '../../../shared/crm/zoho/errors';
import { receiveZohoNotification } from '../../../shared/crm/zoho/notifications';
import { channelMap, generateChannelToken } from '../../../shared/crm/zoho/watch';
import { DynamoTokenCache } from '../../../shared/store/token-cache';
import { applyRecordChange } from '../../../shared/sync/apply-change';
import { type CrmReader, CrmRecordNotFoundError } from '../../../shared/sync/crm-reader';
import { domainEventId } from '../../../shared/sync/domain-events';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import {
  forgetApplied,
  type Receiver,
  RecordingBus,
  secretsOf,
  startReceiver,
  syncDeps,
  tenantOn,
} from './support';

const TENANT = 'acme';
const MODULES = ['Deals', 'Leads'];
const CHANNEL_TOKEN = generateChannelToken();

let now = Date.parse('2026-03-02T01:00:00Z');
let sim: ZohoSimulator;
let table: LocalTable;
let receiver: Receiver;
let reader: CrmReader;
let refreshToken: string;
const bus = new RecordingBus();

const tenant = () =>
  tenantOn(TENANT, { provider: 'zoho', dataCenter: 'com.cn', accountsUrl: sim.url, modules: MODULES });
const secrets = () =>
  secretsOf({
    zohoClientId: sim.clientId,
    zohoClientSecret: sim.clientSecret,
    zohoRefreshToken: refreshToken,
  });
const readerFor = async (t: LocalTable) => {
  const r = await buildCrmReader({
    tenant: tenant(),
    secrets: secrets(),
    tokenTable: { doc: t.doc, tableName: t.tableName },
    now: () => new Date(now),
  });
  if (!r) throw new Error('a Zoho tenant has a reader');
  return r;
};
const deps = () => syncDeps(table, bus, reader, new Date(now));
const apiCalls = () => sim.requests.filter((r) => r.path.startsWith('/crm/') && !r.path.includes('watch'));
const tokenCalls = () => sim.requests.filter((r) => r.path === '/oauth/v2/token').length;

/** Changes a deal in the simulator (delivered to the receiver) and returns the change event it produced. */
const change = async (id: string, values: Record<string, unknown>) => {
  now += 60_000;
  bus.clear();
  const [delivery] = await sim.changeRecord('Deals', id, values);
  expect(delivery?.status).toBe(200);
  const [event] = bus.changes();
  if (!event) throw new Error('no crm.record.changed');
  bus.clear();
  return event;
};

/** Open deals picked once (their stages change as the tests go): one per test that needs a fresh record. */
let openDeals: string[] = [];
const openDeal = (i: number): string => {
  const id = openDeals[i];
  if (!id) throw new Error(`the seed has at least ${i + 1} open deals`);
  return id;
};

beforeAll(async () => {
  sim = await startZohoSimulator({ seed: { deals: 30, leads: 5 }, now: () => now });
  refreshToken = sim.issueRefreshToken();
  openDeals = sim.store
    .all('Deals')
    .filter((r) => !String(r.fields.Stage).startsWith('Closed'))
    .map((r) => r.id);
  table = await startLocalTable('quotaflow-sync-zoho');
  receiver = await startReceiver((req) =>
    receiveZohoNotification(req, {
      tenantId: TENANT,
      channels: channelMap(TENANT, MODULES),
      tokens: async () => [CHANNEL_TOKEN],
      receipts: syncDeps(table, bus, undefined, new Date(now)).receipts,
      bus,
      now: new Date(now),
    }),
  );
  // Channels are enabled with the same DynamoDB token cache the reader uses: one token for the whole test.
  await createZohoConnector({
    tenantId: TENANT,
    conn: { dataCenter: 'com.cn', accountsUrl: sim.url },
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    refreshToken: async () => refreshToken,
    cache: new DynamoTokenCache(table.doc, table.tableName),
    now: () => now,
  }).watch.enable({
    tenantId: TENANT,
    modules: MODULES,
    notifyUrl: `${receiver.url}/webhooks/zoho`,
    token: CHANNEL_TOKEN,
  });
  reader = await readerFor(table);
});
afterAll(async () => {
  await receiver?.close();
  await sim?.stop();
  await table?.stop();
});
beforeEach(() => {
  sim.faults.serverErrors = 0;
  sim.faults.tooManyRequests = 0;
});

type Change = Awaited<ReturnType<typeof change>>;

describe('sync of a Zoho change', () => {
  const id = () => openDeal(0);
  let firstChange: Change;
  let firstEvents: ReturnType<RecordingBus['domain']> = [];

  it('reads the record from Zoho, stores it canonical, publishes deal.created and deal.won with deterministic ids', async () => {
    const deal = id();
    firstChange = await change(deal, { Stage: 'Closed Won' });
    expect(firstChange).toMatchObject({ provider: 'zoho', action: 'upsert', object: 'deal', recordId: deal });
    const before = apiCalls().length;
    const d = deps();

    const result = await applyRecordChange(firstChange, d);

    expect(result).toEqual({ outcome: 'applied', events: ['record.created', 'deal.created', 'deal.won'] });
    const calls = apiCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'GET', path: '/crm/v8/Deals', query: { ids: deal } });
    const stored = await d.records.get('deal', deal);
    if (!stored) throw new Error('stored');
    // Zoho's Modified_Time has second precision: that is the version.
    const modified = sim.store.get('Deals', deal)?.modifiedMs ?? 0;
    expect(stored).toMatchObject({
      deleted: false,
      version: Math.floor(modified / 1000) * 1000,
      record: { id: deal, stage: 'Closed Won', status: 'won' },
    });
    firstEvents = bus.domain();
    const names: DomainEventName[] = ['recordCreated', 'dealCreated', 'dealWon'];
    expect(firstEvents.map((e) => e.detail.eventId)).toEqual(
      names.map((n) => domainEventId(TENANT, stored, n)),
    );
    expect(firstEvents.every((e) => e.detail.correlationId === firstChange.correlationId)).toBe(true);
  });

  it('the same change again reads nothing: it publishes the same events once more (sync cannot tell a crash before its publish), then nothing', async () => {
    bus.clear();
    const before = apiCalls().length;
    expect(await applyRecordChange(firstChange, deps())).toEqual({
      outcome: 'republished',
      events: ['record.created', 'deal.created', 'deal.won'],
    });
    expect(bus.domain()).toEqual(firstEvents);
    bus.clear();
    expect(await applyRecordChange(firstChange, deps())).toEqual({ outcome: 'already-applied', events: [] });
    expect(bus.entries).toHaveLength(0);
    expect(apiCalls().length).toBe(before);
  });

  it('after a crash before the receipt was marked applied, the change again writes nothing and republishes exactly the same events', async () => {
    await forgetApplied(table, 'zoho', firstChange.deliveryId);
    bus.clear();
    const d = deps();
    const before = await d.records.get('deal', id());

    const result = await applyRecordChange(firstChange, d);

    expect(result).toEqual({
      outcome: 'republished',
      events: ['record.created', 'deal.created', 'deal.won'],
    });
    expect(bus.domain()).toEqual(firstEvents);
    expect(await d.records.get('deal', id())).toEqual(before);
  });

  it('a later change of stage publishes deal.stage_changed and deal.lost, not deal.created', async () => {
    const event = await change(id(), { Stage: 'Closed Lost' });
    const result = await applyRecordChange(event, deps());
    expect(result).toEqual({ outcome: 'applied', events: ['deal.stage_changed', 'deal.lost'] });
    expect(bus.domain()[0]?.detail.change).toEqual({ from: 'Closed Won', to: 'Closed Lost' });
  });

  it('a deletion stores a tombstone at the notification time and publishes record.deleted, without reading Zoho', async () => {
    now += 60_000;
    bus.clear();
    const [delivery] = await sim.deleteRecord('Deals', id());
    expect(delivery?.status).toBe(200);
    const [event] = bus.changes();
    if (!event) throw new Error('no crm.record.changed');
    expect(event.action).toBe('delete');
    bus.clear();
    const before = apiCalls().length;
    const d = deps();

    const result = await applyRecordChange(event, d);

    expect(result).toEqual({ outcome: 'applied', events: ['record.deleted'] });
    expect(apiCalls().length).toBe(before);
    expect(await d.records.get('deal', id())).toMatchObject({ deleted: true, version: now });
  });
});

describe('records Zoho no longer has', () => {
  it('a record deleted after its change notification becomes a tombstone from the recycle bin', async () => {
    const deal = openDeal(2);
    const event = await change(deal, { Amount: 1234.5 });
    now += 60_000;
    sim.store.remove('Deals', deal, now);
    const d = deps();

    const result = await applyRecordChange(event, d);

    // Never synced before, so there is nothing to announce; the tombstone still guards against older data.
    expect(result).toEqual({ outcome: 'applied', events: [] });
    expect(sim.requests.at(-1)).toMatchObject({ path: '/crm/v8/Deals/deleted', status: 200 });
    expect(await d.records.get('deal', deal)).toMatchObject({ deleted: true, version: now });
  });

  it('a record Zoho neither has nor lists as deleted is an error for the bus to retry, and nothing is stored', async () => {
    const d = deps();
    const missing = '5725767000099999999';
    const receipt = {
      provider: 'zoho' as const,
      deliveryId: `test-${missing}`,
      object: 'deal' as const,
      action: 'upsert' as const,
      recordId: missing,
      correlationId: 'c-missing',
      receivedAt: new Date(now).toISOString(),
    };
    await d.receipts.storeOnce(receipt, new Date(now));

    await expect(applyRecordChange({ version: 1, tenantId: TENANT, ...receipt }, d)).rejects.toBeInstanceOf(
      CrmRecordNotFoundError,
    );
    expect(await d.records.get('deal', missing)).toBeUndefined();
  });
});

describe('wiring', () => {
  it('a generic tenant has no reader and reads no secrets', async () => {
    const s = secrets();
    const built = await buildCrmReader({
      tenant: tenantOn(TENANT, { provider: 'generic' }),
      secrets: s,
      tokenTable: { doc: table.doc, tableName: table.tableName },
    });
    expect(built).toBeUndefined();
    expect(s.reads).toBe(0);
  });

  it('a Zoho tenant that has not finished connecting fails naming the missing secret', async () => {
    await expect(
      buildCrmReader({
        tenant: tenant(),
        secrets: secretsOf({ zohoClientId: sim.clientId, zohoClientSecret: sim.clientSecret }),
        tokenTable: { doc: table.doc, tableName: table.tableName },
      }),
    ).rejects.toThrow('Zoho CRM is not connected: the tenant secret lacks zohoRefreshToken');
  });

  it('a receipt without a record and no reader to fetch it is an error, not a silent skip', async () => {
    const event = await change(openDeal(5), { Stage: 'Qualification' });
    await expect(applyRecordChange(event, syncDeps(table, bus, undefined, new Date(now)))).rejects.toThrow(
      /carries no record and no CRM reader is configured/,
    );
  });
});

describe('Zoho failing', () => {
  it.each([
    ['500', 'serverErrors', 500, 3],
    ['429', 'tooManyRequests', 429, 4],
  ] as const)(
    "answering %s after the client's retries: the change throws and nothing is stored",
    async (_, fault, status, n) => {
      const deal = openDeal(n);
      const event = await change(deal, { Stage: 'Negotiation/Review' });
      sim.faults[fault] = 10;
      const d = deps();

      const err = await applyRecordChange(event, d).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(ZohoApiError);
      expect((err as ZohoApiError).httpStatus).toBe(status);
      expect(await d.records.get('deal', deal)).toBeUndefined();
      expect(bus.domain()).toHaveLength(0);
      // The bus retries later, when Zoho answers again.
      sim.faults[fault] = 0;
      await expect(applyRecordChange(event, d)).resolves.toMatchObject({ outcome: 'applied' });
    },
  );
});

describe('the DynamoDB token cache across containers', () => {
  it('two readers (two containers) share one refresh', async () => {
    const shared = await startLocalTable('quotaflow-sync-zoho-tokens');
    try {
      const before = tokenCalls();
      const [a, b] = [await readerFor(shared), await readerFor(shared)];
      const ids = sim.store
        .all('Leads')
        .slice(0, 2)
        .map((l) => l.id);

      const [fromA, fromB] = [await a.read('lead', ids), await b.read('lead', ids)];

      expect(tokenCalls() - before).toBe(1);
      expect([...fromA.values()].every((r) => r && !r.deleted)).toBe(true);
      expect(fromB).toEqual(fromA);
    } finally {
      await shared.stop();
    }
  });
});
