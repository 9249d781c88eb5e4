/**
 * The watchdog's marks on dynalite: a delivery mark is written at most about once a minute per provider however
 * many webhooks arrive (and a refused delivery marks nothing), fixed schedules' last runs, and one check of a tenant
 * from those marks, at fixed instants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTenant, TENANTS_DIR } from '../../../infra/tenants';
import { receiveGenericWebhook } from '../../../shared/ingest/generic-webhook';
import { ReceiptRepository } from '../../../shared/store/receipts';
import { WatchRepository } from '../../../shared/store/watch';
import { checkTenant } from '../../../shared/watchdog/check';
import { businessCalendarOf, watchPlan } from '../../../shared/watchdog/plan';
import { countWrites, type LocalTable, startLocalTable } from '../../support/local-aws';
import { signedHeaders } from '../../support/signer';
import { RecordingBus } from '../sync/support';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
let table: LocalTable;
let watch: WatchRepository;

beforeAll(async () => {
  table = await startLocalTable('watchdog');
  watch = new WatchRepository(table.doc, table.tableName);
});
afterAll(async () => {
  await table?.stop();
});

let seq = 0;
const deliver = (now: Date, marks: WatchRepository, secret = SECRET) => {
  const id = `msg_watch_${++seq}`;
  const body = JSON.stringify({
    object: 'deal',
    action: 'updated',
    record: { id: `D-${seq}`, modifiedAt: now.toISOString(), stage: 'Won', fields: {} },
  });
  return receiveGenericWebhook(
    { headers: signedHeaders(secret, id, body, now.getTime() / 1000), rawBody: body },
    {
      tenantId: 'acme',
      receipts: new ReceiptRepository(table.doc, table.tableName),
      bus: new RecordingBus(),
      now,
      signingSecrets: async () => [SECRET],
      deliveries: marks,
    },
  );
};

describe('delivery marks', () => {
  it('a burst of webhooks writes one mark a minute per provider; two containers add one failed put at most', async () => {
    const t0 = new Date('2026-10-05T02:00:00.000Z');
    const writes = countWrites(table.doc);
    const a = new WatchRepository(table.doc, table.tableName);
    const b = new WatchRepository(table.doc, table.tableName);
    for (let i = 0; i < 20; i++) await deliver(new Date(t0.getTime() + i * 1000), a);
    await deliver(new Date(t0.getTime() + 30_000), b);
    // 21 receipts; marks: one by a, one conditional put by b that the stored mark refused.
    expect(writes.byCommand.PutItemCommand).toBe(21 + 2);
    expect(await watch.lastDeliveries()).toEqual([{ provider: 'generic', lastAt: t0.toISOString() }]);
    const later = new Date(t0.getTime() + 61_000);
    await deliver(later, a);
    expect(await watch.lastDeliveries()).toEqual([{ provider: 'generic', lastAt: later.toISOString() }]);
  });

  it('a refused delivery marks nothing', async () => {
    const marks = new WatchRepository(table.doc, table.tableName);
    const before = await watch.lastDeliveries();
    await expect(
      deliver(new Date('2026-10-05T05:00:00.000Z'), marks, `whsec_${Buffer.alloc(32, 1).toString('base64')}`),
    ).rejects.toThrow();
    expect(await watch.lastDeliveries()).toEqual(before);
  });
});

describe('a check of the demo tenant', () => {
  it('finds the CRM silent after 4 business hours, schedules overdue, and keeps when watching began', async () => {
    const tenant = loadTenant(`${TENANTS_DIR}/demo.json`);
    const plan = watchPlan(tenant);
    expect(plan.providers).toEqual(['generic']);
    expect(plan.schedules.map((s) => s.name)).toContain('watchdog');
    // Every schedule ran at 02:00Z on Monday 2026-10-05 (10:00 in Shanghai); the CRM last delivered a minute later
    // (the marks above).
    for (const s of plan.schedules)
      await watch.recordRun({ schedule: s.name, at: '2026-10-05T02:00:00.000Z', durationMs: 5 });
    const sources = {
      watch,
      zohoChannels: async () => undefined,
      watermark: async () => undefined,
      calendar: businessCalendarOf(undefined),
      calendarsShort: [],
    };
    const first = await checkTenant(tenant, new Date('2026-10-05T02:10:00.000Z'), sources);
    expect(first).toMatchObject({
      at: '2026-10-05T02:10:00.000Z',
      since: '2026-10-05T02:10:00.000Z',
      findings: [],
    });
    await watch.saveReport(first);
    // 16:30 local: 6.5 business hours since 10:01, and every rate() schedule overdue.
    const later = await checkTenant(tenant, new Date('2026-10-05T08:30:00.000Z'), sources);
    expect(later.since).toBe('2026-10-05T02:10:00.000Z');
    expect(later.findings[0]).toBe(
      'no generic delivery for 6.5 business hours (last 2026-10-05T02:01:01.000Z; alarm at 4)',
    );
    expect(later.metrics).toContainEqual({
      name: 'CrmDeliveriesSilent',
      value: 1,
      unit: 'Count',
      provider: 'generic',
    });
    expect(
      later.findings.some((f) => f.startsWith('schedule effectRecovery was due at 2026-10-05T02:05:00.000Z')),
    ).toBe(true);
  });
});
