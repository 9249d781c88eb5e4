/**
 * The scheduled Zoho channel renewal against the simulator (with its clock moved forward) and the channel state in
 * dynalite: nothing happens before the tenant connected, expiring and vanished channels are renewed and their new
 * expiry recorded, healthy ones are left alone, and a channel that cannot be renewed makes the run throw, naming it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { InMemoryTokenCache } from '../../../shared/crm/token-cache';
import { createZohoConnector, type ZohoConnector } from '../../../shared/crm/zoho/connector';
import { channelIdFor, generateChannelToken } from '../../../shared/crm/zoho/watch';
import { withChannels, ZohoChannelRepository } from '../../../shared/store/zoho-channels';
import {
  renewZohoChannels,
  type ZohoChannelRenewalDeps,
  ZohoChannelRenewalError,
} from '../../../shared/sync/zoho-channels';
import { type LocalTable, startLocalTable } from '../../support/local-aws';

const TENANT = 'acme';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOTIFY_URL = 'https://api.example.test/webhooks/zoho';
const TOKEN = generateChannelToken();

let sim: ZohoSimulator;
let table: LocalTable;
let repo: ZohoChannelRepository;
let zoho: ZohoConnector;
let now = Date.parse('2026-03-02T01:00:00.000Z');

const deps = (modules: readonly string[] = ['Deals', 'Leads']): ZohoChannelRenewalDeps => ({
  tenantId: TENANT,
  modules,
  watch: zoho.watch,
  channels: repo,
  channelToken: async () => TOKEN,
  now: () => new Date(now),
});

const watchCalls = (method?: string) =>
  sim.requests.filter((r) => r.path.endsWith('/actions/watch') && (!method || r.method === method));
const simExpiry = (module: string) => sim.channels.channels.get(channelIdFor(TENANT, module))?.expiresMs;

/** Enables the modules as connect does, each with its own lifetime, and records the state. */
const connect = async (lifetimes: Record<string, number | undefined>) => {
  const granted = [];
  for (const [module, lifetimeMs] of Object.entries(lifetimes)) {
    granted.push(
      ...(await zoho.watch.enable({
        tenantId: TENANT,
        modules: [module],
        notifyUrl: NOTIFY_URL,
        token: TOKEN,
        ...(lifetimeMs ? { lifetimeMs } : {}),
      })),
    );
  }
  await repo.put(withChannels({ notifyUrl: NOTIFY_URL, channels: {} }, granted, new Date(now)));
};

beforeAll(async () => {
  sim = await startZohoSimulator({ seed: { deals: 3, leads: 3, contacts: 0 }, now: () => now });
  table = await startLocalTable('quotaflow-zoho-channels');
  repo = new ZohoChannelRepository(table.doc, table.tableName);
  const refreshToken = sim.issueRefreshToken();
  zoho = createZohoConnector({
    tenantId: TENANT,
    conn: { dataCenter: 'com', accountsUrl: sim.url },
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    refreshToken: async () => refreshToken,
    cache: new InMemoryTokenCache(),
    now: () => now,
  });
});
afterAll(async () => {
  await sim?.stop();
  await table?.stop();
});
beforeEach(() => {
  sim.channels.channels.clear();
  sim.requests.length = 0;
});

describe('zoho channel renewal', () => {
  it('does nothing, and says so, before the tenant ever connected', async () => {
    expect(await renewZohoChannels(deps())).toEqual({ status: 'not-connected' });
    expect(watchCalls()).toHaveLength(0);
  });

  it('renews the channel close to expiry, leaves the healthy one alone, and records the new expiry', async () => {
    await connect({ Deals: 2 * HOUR, Leads: undefined });
    const leadsExpiry = simExpiry('Leads');
    now += HOUR;
    sim.requests.length = 0;

    const r = await renewZohoChannels(deps());

    if (r.status !== 'checked') throw new Error('expected a check');
    expect(r.health.map((h) => [h.module, h.state])).toEqual([
      ['Deals', 'renew-soon'],
      ['Leads', 'ok'],
    ]);
    expect(r.renewed.map((c) => [c.module, c.was])).toEqual([['Deals', 'renew-soon']]);
    expect(watchCalls('PATCH')).toHaveLength(1);
    expect(watchCalls('POST')).toHaveLength(0);
    // The maximum (a week on v8) less the connector's one-hour margin.
    expect(simExpiry('Deals')).toBe(now + 7 * DAY - HOUR);
    expect(simExpiry('Leads')).toBe(leadsExpiry);
    const stored = await repo.get();
    expect(stored?.notifyUrl).toBe(NOTIFY_URL);
    expect(stored?.channels.Deals).toEqual({
      channelId: channelIdFor(TENANT, 'Deals'),
      expiresAt: new Date(now + 7 * DAY - HOUR).toISOString(),
    });
    expect(stored?.channels.Leads?.expiresAt).toBe(new Date(leadsExpiry ?? 0).toISOString());
    expect(stored?.updatedAt).toBe(new Date(now).toISOString());
  });

  it('renews a week-long channel well before it lapses between two 12-hour runs', async () => {
    await connect({ Deals: undefined, Leads: undefined });
    now += 7 * DAY - HOUR - 30 * HOUR; // 30 h left: more than watch.health's 6 h default, less than 36 h
    const r = await renewZohoChannels(deps());
    if (r.status !== 'checked') throw new Error('expected a check');
    expect(r.renewed.map((c) => c.module)).toEqual(['Deals', 'Leads']);
    expect(simExpiry('Deals')).toBe(now + 7 * DAY - HOUR);
  });

  it('enables afresh a channel Zoho no longer has (expired and dropped)', async () => {
    await connect({ Deals: undefined, Leads: undefined });
    sim.channels.channels.delete(channelIdFor(TENANT, 'Leads'));
    sim.requests.length = 0;

    const r = await renewZohoChannels(deps());

    if (r.status !== 'checked') throw new Error('expected a check');
    expect(r.renewed.map((c) => [c.module, c.was])).toEqual([['Leads', 'missing']]);
    // PATCH answers NOT_SUBSCRIBED, so the connector enables it with POST.
    expect(watchCalls('PATCH')).toHaveLength(1);
    expect(watchCalls('POST')).toHaveLength(1);
    const leads = sim.channels.channels.get(channelIdFor(TENANT, 'Leads'));
    expect(leads).toMatchObject({ notify_url: NOTIFY_URL, token: TOKEN, events: ['Leads.all'] });
    expect((await repo.get())?.channels.Leads?.expiresAt).toBe(new Date(now + 7 * DAY - HOUR).toISOString());
  });

  it('throws naming the module when a channel cannot be renewed, after saving the ones that were', async () => {
    await connect({ Deals: 2 * HOUR });
    now += HOUR;

    // Potentials is not a module of this CRM: enabling its channel fails with INVALID_DATA.
    const err = await renewZohoChannels(deps(['Deals', 'Potentials'])).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ZohoChannelRenewalError);
    const e = err as ZohoChannelRenewalError;
    expect(e.message).toMatch(/^Zoho channels not renewed: Potentials \(missing\): .*INVALID_DATA/);
    expect(e.result.failed.map((f) => f.module)).toEqual(['Potentials']);
    expect(e.result.renewed.map((c) => c.module)).toEqual(['Deals']);
    expect((await repo.get())?.channels.Deals?.expiresAt).toBe(new Date(now + 7 * DAY - HOUR).toISOString());
  });

  it('leaves a channel whose token or URL changed alone, and throws asking for a reconnect', async () => {
    await connect({ Deals: undefined, Leads: undefined });
    const deals = sim.channels.channels.get(channelIdFor(TENANT, 'Deals'));
    if (deals) deals.notify_url = 'https://elsewhere.example.test/hook';
    sim.requests.length = 0;

    await expect(renewZohoChannels(deps())).rejects.toThrow(
      /Deals: the channel's notify URL or token differs .*quotaflow connect zoho/,
    );
    expect(watchCalls('PATCH')).toHaveLength(0);
  });
});
