/**
 * Channels and notifications end to end: the connector enables watch channels on the simulator, the simulator
 * posts notifications to a local receiver that runs the real use case against dynalite receipts and a recording bus.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { InMemoryTokenCache } from '../../../shared/crm/token-cache';
import { createZohoConnector } from '../../../shared/crm/zoho/connector';
import { notificationId, receiveZohoNotification } from '../../../shared/crm/zoho/notifications';
import { channelMap, generateChannelToken } from '../../../shared/crm/zoho/watch';
import { AuthenticationError, RejectedInputError } from '../../../shared/errors';
import type { BusEntry, EventBusPort } from '../../../shared/ports';
import { ReceiptRepository } from '../../../shared/store/receipts';
import { type LocalTable, startLocalTable } from '../../support/local-aws';

const TENANT = 'acme';
const MODULES = ['Deals', 'Leads'];
const TOKEN = generateChannelToken();

class RecordingBus implements EventBusPort {
  readonly entries: BusEntry[] = [];
  async publish(entries: readonly BusEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}

let sim: ZohoSimulator;
let table: LocalTable;
let receiver: Server;
let notifyUrl: string;
let bus: RecordingBus;
let receipts: ReceiptRepository;
let now = Date.now();

const zoho = () =>
  createZohoConnector({
    tenantId: TENANT,
    conn: { dataCenter: 'com.cn', accountsUrl: sim.url },
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    refreshToken: async () => refreshToken,
    cache,
    now: () => now,
  });
let refreshToken: string;
const cache = new InMemoryTokenCache();

/** The HTTP edge in miniature: domain errors to 401/4xx, success to 200. */
const startReceiver = async (): Promise<void> => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiveZohoNotification(
        {
          headers: { 'content-type': req.headers['content-type'] },
          rawBody: Buffer.concat(chunks).toString('utf8'),
        },
        {
          tenantId: TENANT,
          channels: channelMap(TENANT, MODULES),
          tokens: async () => [TOKEN],
          receipts,
          bus,
          now: new Date(now),
        },
      )
        .then((r) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r)))
        .catch((err: unknown) => {
          const status =
            err instanceof AuthenticationError ? 401 : err instanceof RejectedInputError ? 422 : 500;
          res.writeHead(status).end(String((err as Error).message));
        });
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/zoho`;
};

beforeAll(async () => {
  sim = await startZohoSimulator({ seed: { deals: 40, leads: 10 }, now: () => now });
  refreshToken = sim.issueRefreshToken();
  table = await startLocalTable('quotaflow-zoho');
  receipts = new ReceiptRepository(table.doc, table.tableName);
  await startReceiver();
});
afterAll(async () => {
  await sim.stop();
  await table.stop();
  await new Promise((r) => receiver.close(r));
});
beforeEach(async () => {
  bus = new RecordingBus();
  sim.faults.duplicateNotifications = false;
  sim.faults.outOfOrderNotifications = false;
  await zoho().watch.enable({ tenantId: TENANT, modules: MODULES, notifyUrl, token: TOKEN });
});

describe('watch channels', () => {
  it('are granted for (almost) a week on v8 and reported healthy', async () => {
    const z = zoho();
    const status = await z.watch.enable({ tenantId: TENANT, modules: MODULES, notifyUrl, token: TOKEN });
    expect(status.map((s) => s.module)).toEqual(MODULES);
    expect(status.every((s) => !s.shortened && s.expiresAt.getTime() - now > 6.9 * 86_400_000)).toBe(true);
    const health = await z.watch.health({ tenantId: TENANT, modules: MODULES, notifyUrl, token: TOKEN });
    expect(health.map((h) => h.state)).toEqual(['ok', 'ok']);
  });

  it('go missing after expiry and come back on renewal', async () => {
    const z = zoho();
    const cfg = { tenantId: TENANT, modules: MODULES, notifyUrl, token: TOKEN };
    now += 7 * 86_400_000;
    expect((await z.watch.health(cfg)).map((h) => h.state)).toEqual(['missing', 'missing']);
    const renewed = await z.watch.renew(cfg);
    expect(renewed.every((s) => s.expiresAt.getTime() > now + 6 * 86_400_000)).toBe(true);
    expect((await z.watch.health(cfg)).map((h) => h.state)).toEqual(['ok', 'ok']);
  });

  it('on v3 are capped at a day, never silently cut to the 1-hour default', async () => {
    const v3 = createZohoConnector({
      tenantId: TENANT,
      conn: { dataCenter: 'com.cn', accountsUrl: sim.url },
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      refreshToken: async () => refreshToken,
      cache,
      now: () => now,
      client: { apiVersion: 'v3' },
    });
    const [s] = await v3.watch.enable({
      tenantId: TENANT,
      modules: ['Deals'],
      notifyUrl,
      token: TOKEN,
      lifetimeMs: 30 * 86_400_000,
    });
    expect(s?.shortened).toBe(false);
    expect((s?.expiresAt.getTime() ?? 0) - now).toBeGreaterThan(22 * 3_600_000);
  });

  it('reject a token longer than Zoho allows', async () => {
    await expect(
      zoho().watch.enable({ tenantId: TENANT, modules: MODULES, notifyUrl, token: 'x'.repeat(51) }),
    ).rejects.toThrow(/50/);
  });
});

describe('POST /webhooks/zoho', () => {
  it('stores a batched notification per record and publishes crm.record.changed for each id', async () => {
    const deals = sim.store.all('Deals').slice(0, 3);
    const [delivery] = await sim.changeRecords(
      'Deals',
      deals.map((d) => ({ id: d.id, values: { Stage: 'Closed Won' } })),
    );
    expect(delivery?.status).toBe(200);
    expect(delivery?.body.affected_values).toHaveLength(3);
    expect(bus.entries.map((e) => e.detail.recordId)).toEqual(deals.map((d) => d.id));
    expect(
      bus.entries.every((e) => e.detailType === 'crm.record.changed' && e.detail.provider === 'zoho'),
    ).toBe(true);
    const id = notificationId(delivery?.body as { channel_id: string; ids: string[]; server_time: number });
    const stored = await receipts.get('zoho', `${id}-${deals[0]?.id}`, new Date(now));
    expect(stored).toMatchObject({ object: 'deal', action: 'upsert', recordId: deals[0]?.id });
  });

  it('answers a duplicate notification; published again only while its receipt is unapplied', async () => {
    sim.faults.duplicateNotifications = true;
    const lead = sim.store.all('Leads')[0];
    const deliveries = await sim.changeRecord('Leads', lead?.id ?? '', { Lead_Status: 'Contacted' });
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    // Nothing has applied it between the two: the same change (same delivery, same correlation) goes out twice.
    expect(bus.entries).toHaveLength(2);
    expect(bus.entries[1]?.detail).toEqual(bus.entries[0]?.detail);
    const deliveryId = String(bus.entries[0]?.detail.deliveryId);
    await receipts.markApplied('zoho', deliveryId, new Date(now));
    bus.entries.length = 0;
    const again = await fetch(notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(deliveries[0]?.body),
    });
    expect(((await again.json()) as { status: string }).status).toBe('duplicate');
    expect(bus.entries).toHaveLength(0);
  });

  it('accepts out-of-order notifications, each once', async () => {
    sim.faults.outOfOrderNotifications = true;
    const lead = sim.store.all('Leads')[1]?.id ?? '';
    now += 1000;
    await sim.changeRecord('Leads', lead, { Lead_Status: 'Junk Lead' });
    now += 1000;
    await sim.changeRecord('Leads', lead, { Lead_Status: 'Pre-Qualified' });
    const flushed = await sim.flushNotifications();
    expect(
      flushed.map(
        (d) => (d.body.affected_values as { values: { Lead_Status: string } }[])[0]?.values.Lead_Status,
      ),
    ).toEqual(['Pre-Qualified', 'Junk Lead']);
    expect(bus.entries).toHaveLength(2);
  });

  it('rejects a wrong token with 401 and stores nothing', async () => {
    const deal = sim.store.all('Deals')[5]?.id ?? '';
    const body = {
      server_time: now,
      query_params: {},
      module: 'Deals',
      resource_uri: `${sim.url}/crm/v2/Deals`,
      ids: [deal],
      affected_fields: [],
      operation: 'update',
      channel_id: channelMap(TENANT, MODULES).keys().next().value,
      token: generateChannelToken(),
    };
    const res = await fetch(notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(401);
    expect(
      await receipts.get('zoho', `${notificationId(body as never)}-${deal}`, new Date(now)),
    ).toBeUndefined();
    expect(bus.entries).toHaveLength(0);
  });

  it('rejects a channel this tenant does not own with 401', async () => {
    const res = await fetch(notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        server_time: now,
        module: 'Deals',
        ids: ['1'],
        operation: 'update',
        channel_id: '1000000068001',
        token: TOKEN,
      }),
    });
    expect(res.status).toBe(401);
    expect(bus.entries).toHaveLength(0);
  });

  it('turns a deletion into a tombstone receipt', async () => {
    const deal = sim.store.all('Deals')[7]?.id ?? '';
    const [delivery] = await sim.deleteRecord('Deals', deal);
    expect(delivery?.body.operation).toBe('delete');
    expect(bus.entries[0]?.detail).toMatchObject({ action: 'delete', recordId: deal });
  });
});
