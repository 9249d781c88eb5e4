/**
 * `POST /webhooks/zoho/workflow`: a workflow rule's webhook, authenticated by a per-tenant secret in a configured
 * header or query parameter, stored as receipts on dynalite and published as crm.record.changed; then the same sync
 * as a notification reads the record from the simulator and stores it.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCrmReader } from '../../../functions/wiring/crm';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import {
  receiveZohoWorkflowWebhook,
  type WorkflowWebhookAuth,
  type ZohoWorkflowRequest,
} from '../../../shared/crm/zoho/workflow-webhook';
import { AuthenticationError, type RejectedInputError } from '../../../shared/errors';
import { applyRecordChange } from '../../../shared/sync/apply-change';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { RecordingBus, secretsOf, syncDeps, tenantOn } from '../sync/support';

const SECRET = 'wf-secret-0123456789abcdef0123456789abcdef';
const PREVIOUS = 'wf-previous-0123456789abcdef0123456789abcd';
const now = new Date('2026-03-02T01:00:00Z');
const bus = new RecordingBus();
let table: LocalTable;
let sim: ZohoSimulator;

beforeAll(async () => {
  [table, sim] = await Promise.all([
    startLocalTable(),
    startZohoSimulator({ seed: { deals: 5 }, now: () => now.getTime() }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim?.stop(), table?.stop()]);
});
beforeEach(() => bus.clear());

const deps = (auth: WorkflowWebhookAuth | undefined = { header: 'X-Quotaflow-Secret' }) => ({
  tenantId: 'acme',
  auth,
  secrets: async () => [SECRET, PREVIOUS],
  ...syncDeps(table, bus, undefined, now),
  now,
});
const post = (
  body: unknown,
  headers: Record<string, string> = { 'x-quotaflow-secret': SECRET },
  query: Record<string, string> = {},
): ZohoWorkflowRequest => ({
  headers: { 'content-type': 'application/json', ...headers },
  query,
  rawBody: typeof body === 'string' ? body : JSON.stringify(body),
});
const stored = async () =>
  (await table.doc.send(new ScanCommand({ TableName: table.tableName }))).Items?.length ?? 0;

describe('Zoho workflow webhooks', () => {
  it('stores a receipt per record; a duplicate is published again until its receipt is applied', async () => {
    const body = {
      module: 'Deals',
      ids: ['5725767000000000101', '5725767000000000102'],
      modified_time: '2026-03-02T09:00:00+08:00',
    };
    const first = await receiveZohoWorkflowWebhook(post(body), deps());
    expect(first).toMatchObject({ status: 'accepted', module: 'Deals' });
    expect(bus.changes().map((c) => [c.provider, c.object, c.action, c.recordId])).toEqual([
      ['zoho', 'deal', 'upsert', '5725767000000000101'],
      ['zoho', 'deal', 'upsert', '5725767000000000102'],
    ]);
    const firstChanges = bus.changes();
    bus.clear();
    // Not applied yet: the duplicate may be all that is left to deliver it, so it goes out again, unchanged.
    const again = await receiveZohoWorkflowWebhook(post(body), deps());
    expect(again.status).toBe('duplicate');
    expect(bus.changes()).toEqual(firstChanges);
    bus.clear();
    const { receipts } = deps();
    for (const c of firstChanges) await receipts.markApplied(c.provider, c.deliveryId, now);
    const applied = await receiveZohoWorkflowWebhook(post(body), deps());
    expect(applied).toMatchObject({
      status: 'duplicate',
      records: [{ published: false }, { published: false }],
    });
    expect(bus.entries).toHaveLength(0);
  });

  it('takes the secret from a query parameter, and the previous secret during a rotation', async () => {
    const r = await receiveZohoWorkflowWebhook(
      post({ module: 'Leads', id: '5725767000000000201' }, {}, { qf_token: PREVIOUS }),
      deps({ queryParameter: 'qf_token' }),
    );
    expect(r.status).toBe('accepted');
    expect(bus.changes()[0]).toMatchObject({ object: 'lead', recordId: '5725767000000000201' });
  });

  it('refuses a wrong, missing or unconfigured secret and stores nothing', async () => {
    const before = await stored();
    const body = { module: 'Deals', id: '5725767000000000301' };
    await expect(
      receiveZohoWorkflowWebhook(post(body, { 'x-quotaflow-secret': 'nope' }), deps()),
    ).rejects.toMatchObject({
      code: 'invalid_signature',
    });
    await expect(receiveZohoWorkflowWebhook(post(body, {}), deps())).rejects.toMatchObject({
      code: 'missing_header',
    });
    await expect(
      receiveZohoWorkflowWebhook(post(body), { ...deps(), auth: undefined }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    // The secret in the wrong place (query instead of the configured header) does not count.
    await expect(
      receiveZohoWorkflowWebhook(post(body, {}, { 'X-Quotaflow-Secret': SECRET }), deps()),
    ).rejects.toMatchObject({
      code: 'missing_header',
    });
    expect(await stored()).toBe(before);
    expect(bus.entries).toHaveLength(0);
  });

  it('refuses bad bodies with the problem named, after authentication, and stores nothing', async () => {
    const before = await stored();
    const refusal = (req: ZohoWorkflowRequest) =>
      receiveZohoWorkflowWebhook(req, deps()).then(
        () => undefined,
        (e: unknown) => e as RejectedInputError,
      );
    expect(await refusal(post('{"module":'))).toMatchObject({ code: 'invalid_json' });
    expect(await refusal(post({ module: 'Deals', id: 'abc' }))).toMatchObject({ code: 'invalid_payload' });
    expect((await refusal(post({ module: 'Deals', id: '1', ids: ['2'] })))?.message).toContain(
      'exactly one of them',
    );
    expect(
      await refusal({
        ...post({ module: 'Deals', id: '1' }),
        headers: { 'content-type': 'text/plain', 'x-quotaflow-secret': SECRET },
      }),
    ).toMatchObject({
      code: 'unsupported_media_type',
    });
    expect(await refusal(post({ module: 'Deals', id: '1', pad: 'x'.repeat(300_000) }))).toMatchObject({
      code: 'payload_too_large',
    });
    expect(await stored()).toBe(before);
  });

  it('makes a tombstone receipt for a delete and ignores modules it does not map', async () => {
    await receiveZohoWorkflowWebhook(
      post({
        module: 'Deals',
        id: '5725767000000000401',
        operation: 'delete',
        modified_time: '2026-03-02T01:00:00Z',
      }),
      deps(),
    );
    expect(bus.changes()[0]).toMatchObject({ action: 'delete' });
    expect(await receiveZohoWorkflowWebhook(post({ module: 'Vendors', id: '1' }), deps())).toEqual({
      status: 'ignored',
      module: 'Vendors',
      records: [],
    });
  });

  it('syncs the record a workflow webhook names, as a notification would', async () => {
    const deal = sim.store.all('Deals')[0];
    if (!deal) throw new Error('seeded deals');
    sim.store.update('Deals', deal.id, { Stage: 'Negotiation/Review' }, now.getTime());
    await receiveZohoWorkflowWebhook(post({ module: 'Deals', id: deal.id }), deps());
    const [change] = bus.changes();
    if (!change) throw new Error('no crm.record.changed');
    const reader = await buildCrmReader({
      tenant: tenantOn('acme', { provider: 'zoho', dataCenter: 'com.cn', accountsUrl: sim.url }),
      secrets: secretsOf({
        zohoClientId: sim.clientId,
        zohoClientSecret: sim.clientSecret,
        zohoRefreshToken: sim.issueRefreshToken(),
      }),
      tokenTable: { doc: table.doc, tableName: table.tableName },
      now: () => now,
    });
    const d = syncDeps(table, bus, reader, now);
    expect((await applyRecordChange(change, d)).outcome).toBe('applied');
    expect((await d.records.get('deal', deal.id))?.record.stage).toBe('Negotiation/Review');
  });
});
