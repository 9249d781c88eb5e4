import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EFFECT_LEASE_MS, EffectLedger } from '../../shared/effects/ledger';
import { PACK_FROM_CHARS } from '../../shared/effects/packed-payload';
import { recoverPendingEffects } from '../../shared/effects/recovery';
import type { OutgoingEmail } from '../../shared/ports';
import { keys } from '../../shared/store/table-design';
import { itemBytes } from '../bench/capacity-units';
import {
  deferred,
  type LocalTable,
  performersFor,
  RecordingMailer,
  RecordingScheduler,
  startLocalTable,
  TestClock,
} from '../support/local-aws';

let table: LocalTable;

beforeAll(async () => {
  table = await startLocalTable('effect-packing');
});

afterAll(async () => {
  await table?.stop();
});

const stored = async (key: string) =>
  (
    await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.effect(key), ConsistentRead: true }),
    )
  ).Item as Record<string, unknown>;

/** An email the size of a real one: a table of deals with Chinese names, amounts and an emoji, in HTML and text. */
const bigEmail = (label: string): OutgoingEmail => {
  const rows = Array.from(
    { length: 40 },
    (_, i) =>
      `<tr><td>王小明 · 华东区 ${i}</td><td>¥${(128_000 + i * 1_250).toLocaleString('en')}.00</td><td>🎉</td></tr>`,
  ).join('');
  return {
    kind: 'workflow',
    from: 'Acme Sales <sales@acme.example>',
    to: ['wang.xiaoming@acme.example'],
    subject: `赢单：华东区续约 ${label}`,
    html: `<html><body><table>${rows}</table></body></html>`,
    text: rows.replace(/<[^>]+>/g, ' '),
    headers: { 'X-Quotaflow-Tenant': 'acme' },
  };
};

const sweeperFor = (mailer: RecordingMailer, clock: TestClock) =>
  new EffectLedger(table.doc, table.tableName, performersFor(mailer, new RecordingScheduler()), clock.now);

const crashAfterClaim = async (key: string, email: OutgoingEmail, clock: TestClock) => {
  const started = deferred();
  void new EffectLedger(
    table.doc,
    table.tableName,
    {
      ...performersFor(new RecordingMailer(), new RecordingScheduler()),
      email: async () => {
        started.resolve();
        return new Promise<string>(() => undefined);
      },
    },
    clock.now,
  ).run({ key, correlationId: `corr-${key}`, payload: { kind: 'email', email } });
  await started.promise;
};

describe('effect ledger on DynamoDB: long payload strings are stored compressed', () => {
  it('stores the bodies as binary, the subject as text, and recovery sends the email byte for byte', async () => {
    const clock = new TestClock('2026-03-03T01:00:00.000Z');
    const email = bigEmail('packed');
    expect(email.html.length).toBeGreaterThan(PACK_FROM_CHARS);
    await crashAfterClaim('packing/v1/mail/1', email, clock);

    const item = await stored('packing/v1/mail/1');
    const payload = item.payload as { email: Record<string, unknown> };
    expect(payload.email.html).toBeInstanceOf(Uint8Array);
    expect(payload.email.text).toBeInstanceOf(Uint8Array);
    expect(payload.email.subject).toBe(email.subject);
    expect(payload.email.to).toEqual(email.to);
    // The item is a fraction of the email: what DynamoDB bills per 1 KB, on the table and on the pending index.
    const unpacked = itemBytes({ ...item, payload: { kind: 'email', email } });
    expect(itemBytes(item) * 3).toBeLessThan(unpacked);

    clock.advanceBy(EFFECT_LEASE_MS + 1);
    const mailer = new RecordingMailer();
    const sweeper = sweeperFor(mailer, clock);
    const pending = await sweeper.expiredPending();
    expect(pending.find((p) => p.key === 'packing/v1/mail/1')?.payload).toEqual({ kind: 'email', email });
    expect(await recoverPendingEffects(sweeper)).toMatchObject({ recovered: 1, failed: 0 });
    expect(mailer.sent).toEqual([email]);
  });

  it('an effect claimed before packing (its payload stored as plain text) is recovered unchanged', async () => {
    const clock = new TestClock('2026-03-04T01:00:00.000Z');
    const email = bigEmail('plain');
    const leaseUntil = new Date(clock.now().getTime() - 1000).toISOString();
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...keys.effect('packing/v1/mail/plain'),
          type: 'effect',
          status: 'pending',
          leaseUntil,
          attempts: 1,
          payload: { kind: 'email', email },
          correlationId: 'corr-plain',
          createdAt: '2026-03-04T00:00:00.000Z',
          gsi1pk: keys.pendingEffects,
          gsi1sk: leaseUntil,
        },
      }),
    );
    const mailer = new RecordingMailer();
    const sweeper = sweeperFor(mailer, clock);
    expect(await recoverPendingEffects(sweeper)).toMatchObject({ recovered: 1, failed: 0 });
    expect(mailer.sent).toEqual([email]);
    expect(await stored('packing/v1/mail/plain')).toMatchObject({ status: 'done', attempts: 2 });
  });
});
