/**
 * Adding a CRM touches one folder: a provider registered here, with no other file changed, is accepted in a tenant
 * config, gets its receiver and the sync functions in the tenant's function list, is watched, and a signed
 * delivery to its receiver runs through the one ingest mechanism into a receipt holding the normalized record and a
 * crm.record.changed event; its connection reads records back; the CLI tells it has no connect step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmRecordChanged } from '../../../events';
import { type CanonicalRecord, canonicalRecordSchema } from '../../../events/records';
import * as z from '../../../events/zod';
import { functionsFor } from '../../../functions/manifest';
import { checkConnectArgs } from '../../../infra/cli/connect';
import { generatedSecrets } from '../../../infra/cli/deploy';
import { parseTenantConfig, TenantConfigError } from '../../../shared/config/tenant';
import { connectCrm, receiverOf } from '../../../shared/crm/connect';
import { connectCrmWriter } from '../../../shared/crm/connect-writer';
import { defineCrmProvider } from '../../../shared/crm/provider';
import { registerCrmProvider, unregisterCrmProvider } from '../../../shared/crm/registry';
import { AuthenticationError } from '../../../shared/errors';
import { ingest } from '../../../shared/ingest/pipeline';
import type { BusEntry } from '../../../shared/ports';
import type { Receipt } from '../../../shared/store/receipts';
import { writeBackRefusal } from '../../../shared/sync/crm-writer';
import { watchPlan } from '../../../shared/watchdog/plan';
import { sign, verify } from '../../../shared/webhooks/standard-webhooks';

const NOW = new Date('2026-03-02T01:00:00Z');
const SECRET = `whsec_${Buffer.from('fake-crm-signing-secret-32-bytes!').toString('base64')}`;

/** Fake CRM's deal as it sends it; its normalizer maps it onto the canonical record. */
const fakeDeal = z.strictObject({
  dealId: z.string(),
  title: z.string(),
  value: z.string(),
  won: z.boolean(),
});
const normalize = (d: z.infer<typeof fakeDeal>): CanonicalRecord =>
  canonicalRecordSchema.parse({
    id: d.dealId,
    modifiedAt: NOW.toISOString(),
    name: d.title,
    amount: d.value,
    currency: 'EUR',
    status: d.won ? 'won' : 'open',
  });

const fake = defineCrmProvider({
  id: 'fakecrm',
  label: 'Fake CRM',
  config: z.strictObject({
    provider: z.literal('fakecrm'),
    region: z._default(z.enum(['eu', 'us']), 'eu'),
  }),
  functions: [
    {
      id: 'ingest-fakecrm',
      entry: 'functions/http/ingest-fakecrm.ts',
      description: 'Receives Fake CRM deal changes',
      triggers: [{ kind: 'http', method: 'POST', path: '/webhooks/fakecrm' }],
      access: ['table:put', 'table:get', 'bus', 'secrets'],
    },
  ],
  readsRecords: true,
  writeBack: { objects: ['deal'] },
  secrets: { supplied: ['genericWebhookSigningSecret'] },
  watch: { reconcileModules: (crm) => [`deals-${crm.region}`], channelExpiry: false },
  webhooks: () => [{ label: 'fakecrm', path: '/webhooks/fakecrm' }],
  nextSteps: (tenantId) => [`npm run quotaflow -- import --tenant ${tenantId}`],
  receivers: [
    {
      functionId: 'ingest-fakecrm',
      strategy: ({ secrets, now }) => ({
        provider: 'fakecrm',
        maxBytes: 4096,
        authenticate: async (req) => {
          const { genericWebhookSigningSecret } = await secrets();
          const signed = {
            id: req.headers['webhook-id'],
            timestamp: req.headers['webhook-timestamp'],
            signature: req.headers['webhook-signature'],
          };
          return verify([genericWebhookSigningSecret], signed, req.rawBody, now);
        },
        read: ({ id }, req) => {
          const record = normalize(fakeDeal.parse(JSON.parse(req.rawBody)));
          return {
            receipts: [
              {
                provider: 'fakecrm',
                deliveryId: id,
                object: 'deal',
                action: 'upsert',
                recordId: record.id,
                record,
                correlationId: `fake-${id}`,
                receivedAt: now.toISOString(),
              },
            ],
          };
        },
      }),
    },
  ],
  connect: async () => {
    const deals = new Map([
      ['D-1', normalize({ dealId: 'D-1', title: 'Kiel', value: '1200.50', won: true })],
    ]);
    return {
      reader: {
        read: async (_object, ids) =>
          new Map(
            ids.map((id) => [
              id,
              deals.has(id) ? { record: deals.get(id) as CanonicalRecord, deleted: false } : undefined,
            ]),
          ),
      },
      writer: { createActivity: async (input) => ({ id: `activity-${input.idempotencyKey}` }) },
      scanner: {
        provider: 'fakecrm',
        modules: ['deals-eu'],
        scan: async function* () {
          yield {
            records: [...deals.values()].map((record) => ({ object: 'deal' as const, record })),
          } as never;
        },
      },
      users: { source: { listUsers: async () => [] }, store: { putChanged: async () => 0 as never } },
    };
  },
});

const tenantJson = {
  id: 'fake-tenant',
  displayName: 'Fake Tenant',
  timeZone: 'Europe/Berlin',
  locale: 'en',
  currency: 'EUR',
  mail: { sender: 'team@fake.example' },
  crm: { provider: 'fakecrm' },
  deployable: false,
};

beforeAll(() => registerCrmProvider(fake));
afterAll(() => unregisterCrmProvider('fakecrm'));

describe('a provider registered from one module', () => {
  it('is a tenant config choice, with its own defaults and its own errors', () => {
    expect(parseTenantConfig(tenantJson, 'fake.json').crm).toEqual({ provider: 'fakecrm', region: 'eu' });
    const bad = () =>
      parseTenantConfig({ ...tenantJson, crm: { provider: 'fakecrm', region: 'mars' } }, 'fake.json');
    expect(bad).toThrow(TenantConfigError);
    expect(bad).toThrow(/crm\.region/);
  });

  it("gets its receiver and the sync functions, not another CRM's, and is watched as it says", () => {
    const tenant = parseTenantConfig(tenantJson, 'fake.json');
    const ids = functionsFor(tenant).map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining(['ingest-fakecrm', 'sync-crm', 'reconcile', 'ingest-generic']),
    );
    expect(ids).not.toContain('ingest-zoho');
    expect(ids).not.toContain('zoho-channel-renewal');
    const syncCrm = functionsFor(tenant).find((f) => f.id === 'sync-crm');
    expect(JSON.stringify(syncCrm?.triggers)).toContain('"fakecrm"');
    // Its own deliveries first, then the generic webhook every tenant has.
    expect(watchPlan(tenant)).toMatchObject({
      providers: ['fakecrm', 'generic'],
      reconcileModules: ['deals-eu'],
      zohoChannels: false,
    });
    expect(writeBackRefusal('fakecrm', 'lead', 'task')).toBe(
      'Fake CRM takes a task on a deal record, not on this lead',
    );
    expect(Object.keys(generatedSecrets(tenant))).toEqual(['unsubscribeSigningSecret']);
  });

  it('ingests a signed delivery through the one pipeline: a receipt with the normalized record, one event', async () => {
    const tenant = parseTenantConfig(tenantJson, 'fake.json');
    const stored: Receipt[] = [];
    const published: BusEntry[] = [];
    const deps = {
      tenantId: tenant.id,
      receipts: {
        storeOnce: async (r: Receipt) => {
          stored.push(r);
          return { stored: true, receipt: r };
        },
      },
      bus: { publish: async (e: readonly BusEntry[]) => void published.push(...e) },
      now: NOW,
    };
    const receiver = receiverOf('fakecrm', 'ingest-fakecrm');
    if (!receiver) throw new Error('the fake provider has its receiver');
    const strategy = receiver.strategy({
      tenant,
      secrets: async () => ({ genericWebhookSigningSecret: SECRET }),
      now: NOW,
    });
    const body = JSON.stringify({ dealId: 'D-1', title: 'Kiel', value: '1200.50', won: true });
    const ts = Math.floor(NOW.getTime() / 1000);
    const headers = (signature: string) => ({
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signature,
    });

    await expect(
      ingest(strategy, { headers: headers(sign(SECRET, 'msg_1', ts, '{}')), rawBody: body }, deps),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(stored).toEqual([]);

    const result = await ingest(
      strategy,
      { headers: headers(sign(SECRET, 'msg_1', ts, body)), rawBody: body },
      deps,
    );
    expect(result.status).toBe('accepted');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.record).toMatchObject({ id: 'D-1', name: 'Kiel', amount: '1200.50', status: 'won' });
    expect(published).toHaveLength(1);
    const detail = crmRecordChanged.schema.parse(published[0]?.detail);
    expect(detail).toMatchObject({
      provider: 'fakecrm',
      object: 'deal',
      recordId: 'D-1',
      deliveryId: 'msg_1',
    });
  });

  it('writes back through its connection, as the functions that only write back connect', async () => {
    const tenant = parseTenantConfig(tenantJson, 'fake.json');
    const deps = {
      secrets: { tenantSecrets: async () => ({ genericWebhookSigningSecret: SECRET }) },
      tokenTable: { doc: undefined as never, tableName: 'unused' },
    };
    const writer = await connectCrmWriter({ tenant, ...deps });
    expect(
      await writer?.createActivity({
        object: 'deal',
        recordId: 'D-1',
        activity: 'task',
        subject: 'Call back',
        description: 'From a workflow',
        idempotencyKey: 'k-1',
      }),
    ).toEqual({ id: 'activity-k-1' });
    // The generic webhook takes no write-back.
    const generic = { ...tenant, crm: { provider: 'generic' } };
    expect(await connectCrmWriter({ tenant: generic, ...deps })).toBeUndefined();
  });

  it('connects through the registry, and the CLI knows it has no connect step', async () => {
    const tenant = parseTenantConfig(tenantJson, 'fake.json');
    const c = await connectCrm({
      tenant,
      secrets: { tenantSecrets: async () => ({ genericWebhookSigningSecret: SECRET }) },
      tokenTable: { doc: undefined as never, tableName: 'unused' },
    });
    const read = await c?.reader.read('deal', ['D-1', 'D-2']);
    expect(read?.get('D-1')?.record).toMatchObject({ amount: '1200.50' });
    expect(read?.get('D-2')).toBeUndefined();
    const problems = await checkConnectArgs(
      'fakecrm',
      { tenant: tenant.id, code: 'c', redirectUri: 'https://x.example' },
      tenant,
    );
    expect(problems).toEqual([
      'unknown provider fakecrm: only zoho has a connect step (the others use the credentials in the tenant secret)',
    ]);
  });
});
