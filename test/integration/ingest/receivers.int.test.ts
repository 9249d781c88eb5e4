/**
 * The four receivers through the one ingest pipeline, on dynalite receipts and a recording bus, at fixed instants:
 * the duplicate rule (republishUntilApplied) holds for each, and every refusal names its problem and stores nothing.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { receiveFxiaokeCallback } from '../../../shared/crm/fxiaoke/callback';
import { callbackSignature, replyIsSuccess, sealCallback } from '../../../shared/crm/fxiaoke/callback-crypto';
import { receiveZohoNotification } from '../../../shared/crm/zoho/notifications';
import { channelIdFor, channelMap } from '../../../shared/crm/zoho/watch';
import { receiveZohoWorkflowWebhook } from '../../../shared/crm/zoho/workflow-webhook';
import { PING_BODY, receiveGenericWebhook } from '../../../shared/ingest/generic-webhook';
import type { IngestRequest } from '../../../shared/ingest/pipeline';
import { ReceiptRepository } from '../../../shared/store/receipts';
import { RecordRepository } from '../../../shared/store/records';
import { applyRecordChange } from '../../../shared/sync/apply-change';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { signedHeaders } from '../../support/signer';
import { RecordingBus } from '../sync/support';

const NOW = new Date('2026-03-02T01:00:00.000Z');
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const ZOHO_TOKEN = 'k3Jx0bq2c9mWn8R1vT5yZ7aL4pE6uH0sD2fG8jK1qA3';
const WF_SECRET = 'wf-secret-0123456789abcdef0123456789abcdef';
const AES_KEY = Buffer.alloc(32, 42).toString('base64');
const EA = 'qfdemo';

let table: LocalTable;
let receipts: ReceiptRepository;
let records: RecordRepository;
const bus = new RecordingBus();

beforeAll(async () => {
  table = await startLocalTable('ingest');
  receipts = new ReceiptRepository(table.doc, table.tableName);
  records = new RecordRepository(table.doc, table.tableName);
});
afterAll(async () => {
  await table?.stop();
});
beforeEach(() => bus.clear());

const itemCount = async () =>
  (await table.doc.send(new ScanCommand({ TableName: table.tableName }))).Items?.length ?? 0;
const base = () => ({ tenantId: 'acme', receipts, records, bus, now: NOW });

// One request builder per receiver; `over` changes headers or the body bytes for the refusal cases.
type Over = { headers?: Record<string, string | undefined>; rawBody?: string | Uint8Array };

let seq = 0;
const generic = (recordId = 'D-1', over: Over = {}) => {
  const id = `msg_ingest_${++seq}`;
  const body = JSON.stringify({
    object: 'deal',
    action: 'updated',
    record: { id: recordId, modifiedAt: '2026-03-02T00:59:00Z', stage: 'Won', fields: {} },
  });
  const req: IngestRequest = {
    headers: { ...signedHeaders(SECRET, id, body, NOW.getTime() / 1000), ...over.headers },
    rawBody: over.rawBody ?? body,
  };
  return () => receiveGenericWebhook(req, { ...base(), signingSecrets: async () => [SECRET] });
};

const zoho = (over: Over = {}) => {
  const body = JSON.stringify({
    server_time: NOW.getTime() - 1000 - ++seq,
    module: 'Deals',
    ids: ['6756839000000575405'],
    operation: 'update',
    channel_id: channelIdFor('acme', 'Deals'),
    token: ZOHO_TOKEN,
  });
  const req: IngestRequest = {
    headers: { 'content-type': 'application/json', ...over.headers },
    rawBody: over.rawBody ?? body,
  };
  return () =>
    receiveZohoNotification(req, {
      ...base(),
      channels: channelMap('acme', ['Deals']),
      tokens: async () => [ZOHO_TOKEN],
    });
};

const workflow = (over: Over = {}) => {
  const body = JSON.stringify({
    module: 'Deals',
    id: '5725767000000000101',
    modified_time: `2026-03-02T09:00:${String(++seq % 60).padStart(2, '0')}+08:00`,
  });
  const req: IngestRequest = {
    headers: { 'content-type': 'application/json', 'x-quotaflow-secret': WF_SECRET, ...over.headers },
    rawBody: over.rawBody ?? body,
  };
  return () =>
    receiveZohoWorkflowWebhook(req, {
      ...base(),
      auth: { header: 'X-Quotaflow-Secret' },
      secrets: async () => [WF_SECRET],
    });
};

const fxiaoke = (dataId = '5f9cd4e6e4400e0001217faa', over: Over & { retryTimes?: number } = {}) => {
  const messageId = `AC1129170000ING${String(++seq).padStart(6, '0')}`;
  const plaintext = JSON.stringify({ eventType: 'update', apiName: 'NewOpportunityObj', dataId, messageId });
  const envelope = sealCallback(plaintext, AES_KEY, {
    timestamp: NOW.getTime() - 2000,
    nonce: `n${seq}`,
    messageId,
    retryTimes: over.retryTimes,
    enterpriseAccount: EA,
  });
  const req: IngestRequest = {
    headers: { 'content-type': 'application/json;charset=UTF-8', ...over.headers },
    rawBody: over.rawBody ?? JSON.stringify(envelope),
  };
  return () =>
    receiveFxiaokeCallback(req, { ...base(), aesKeys: async () => [AES_KEY], enterpriseAccount: EA });
};

const receivers = {
  generic: () => generic(),
  'zoho notification': () => zoho(),
  'zoho workflow rule': () => workflow(),
  fxiaoke: () => fxiaoke(),
};

describe('the duplicate rule, for every receiver: republished until applied', () => {
  for (const [name, make] of Object.entries(receivers)) {
    it(`${name}: first delivery publishes; a duplicate of an unapplied receipt publishes the same change again; once applied, a duplicate publishes nothing`, async () => {
      const deliver = make();
      const first = await deliver();
      expect(first.status).toBe('accepted');
      const [change] = bus.changes();
      if (!change) throw new Error('the first delivery published');

      const unapplied = await deliver();
      expect(unapplied.status).toBe('duplicate');
      expect(bus.changes()).toEqual([change, change]);

      await receipts.markApplied(change.provider, change.deliveryId, NOW);
      bus.clear();
      const applied = await deliver();
      expect(applied.status).toBe('duplicate');
      expect(bus.entries).toHaveLength(0);
    });
  }

  it('generic: once sync applied the change, marked on the record it wrote and not on the receipt, a duplicate publishes nothing', async () => {
    const deliver = generic('D-MARKED');
    await deliver();
    const [change] = bus.changes();
    if (!change) throw new Error('the first delivery published');
    expect(await applyRecordChange(change, { receipts, records, bus, now: NOW })).toMatchObject({
      outcome: 'applied',
    });
    expect((await receipts.get(change.provider, change.deliveryId, NOW))?.appliedAt).toBeUndefined();

    bus.clear();
    const again = await deliver();
    expect(again.status).toBe('duplicate');
    expect(bus.entries).toHaveLength(0);
  });

  it('fxiaoke: a platform retry of an applied callback gets the encrypted success reply and no event', async () => {
    const first = await fxiaoke()();
    await receipts.markApplied('fxiaoke', first.deliveryId, NOW);
    bus.clear();
    const sealedAgain = sealCallback(
      JSON.stringify({
        eventType: 'update',
        apiName: 'NewOpportunityObj',
        dataId: first.dataId,
        messageId: first.deliveryId,
      }),
      AES_KEY,
      {
        timestamp: NOW.getTime() - 1000,
        nonce: 'retry',
        messageId: first.deliveryId,
        retryTimes: 1,
        enterpriseAccount: EA,
      },
    );
    const retry = await receiveFxiaokeCallback(
      { headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify(sealedAgain) },
      { ...base(), aesKeys: async () => [AES_KEY], enterpriseAccount: EA },
    );
    expect(retry).toMatchObject({ status: 'duplicate', published: false });
    expect(replyIsSuccess(retry.reply, AES_KEY)).toBe(true);
    expect(bus.entries).toHaveLength(0);
  });
});

describe('refusals name the problem and store nothing', () => {
  const NOT_UTF8 = Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
  const cases: [string, () => () => Promise<unknown>, string, RegExp][] = [
    [
      'a Zoho notification without a content type',
      () => zoho({ headers: { 'content-type': undefined } }),
      'unsupported_media_type',
      /content-type must be application\/json, got none/,
    ],
    [
      'a Zoho notification sent as text/plain',
      () => zoho({ headers: { 'content-type': 'text/plain' } }),
      'unsupported_media_type',
      /application\/json/,
    ],
    [
      'a gzip label on a plain generic body',
      () => generic('D-1', { headers: { 'content-encoding': 'gzip' } }),
      'unsupported_media_type',
      /content-encoding "gzip" is not accepted/,
    ],
    [
      'a gzip label on a Zoho workflow body',
      () => workflow({ headers: { 'content-encoding': 'gzip' } }),
      'unsupported_media_type',
      /content-encoding/,
    ],
    [
      'a deflate label on a Fxiaoke callback',
      () => fxiaoke(undefined, { headers: { 'content-encoding': 'deflate' } }),
      'unsupported_media_type',
      /content-encoding/,
    ],
    [
      'a generic body that is not UTF-8',
      () => generic('D-1', { rawBody: NOT_UTF8 }),
      'not_utf8',
      /not UTF-8/,
    ],
    ['a Zoho body that is not UTF-8', () => zoho({ rawBody: NOT_UTF8 }), 'not_utf8', /not UTF-8/],
    [
      'a Fxiaoke body that is not UTF-8',
      () => fxiaoke(undefined, { rawBody: NOT_UTF8 }),
      'not_utf8',
      /not UTF-8/,
    ],
    [
      'a generic record id with a slash and spaces',
      () => generic('../deals/ 1'),
      'invalid_payload',
      /record\.id: must be 1 to 128 letters, digits/,
    ],
    [
      'a generic record id of 129 characters',
      () => generic('a'.repeat(129)),
      'invalid_payload',
      /record\.id/,
    ],
    [
      'a Fxiaoke dataId with a key separator',
      () => fxiaoke('5f9c#REC#deal'),
      'invalid_payload',
      /dataId: must be 1 to 128 letters, digits/,
    ],
  ];
  for (const [what, make, code, message] of cases) {
    it(`${what}: ${code}`, async () => {
      const before = await itemCount();
      await expect(make()()).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
      expect(await itemCount()).toBe(before);
      expect(bus.entries).toHaveLength(0);
    });
  }

  it('identity is the one content coding accepted', async () => {
    await expect(generic('D-2', { headers: { 'content-encoding': 'identity' } })()).resolves.toMatchObject({
      status: 'accepted',
    });
  });

  it('a Fxiaoke callback encrypted with another key says so, without OpenSSL text', async () => {
    const other = Buffer.alloc(32, 9).toString('base64');
    const messageId = 'AC1129170000INGOTHERKEY0001';
    const sealedWithOther = sealCallback(JSON.stringify({ eventType: 'update' }), other, {
      timestamp: NOW.getTime(),
      nonce: 'k',
      messageId,
      enterpriseAccount: EA,
    });
    // Signed with the tenant key (so it authenticates), content encrypted with another one.
    const { signature: _s, ...unsigned } = sealedWithOther;
    const body = { ...unsigned, signature: callbackSignature(unsigned, AES_KEY) };
    const err = await receiveFxiaokeCallback(
      { headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify(body) },
      { ...base(), aesKeys: async () => [AES_KEY], enterpriseAccount: EA },
    ).then(
      () => new Error('the callback was accepted'),
      (e: unknown) => e as Error,
    );
    expect(err).toMatchObject({ code: 'invalid_payload' });
    expect(err.message).toMatch(/cannot be decrypted with the tenant key/);
    expect(err.message).not.toMatch(/bad decrypt|error:|routines|digital envelope/i);
    expect(await receipts.get('fxiaoke', messageId, NOW, { includeExpired: true })).toBeUndefined();
  });
});

describe('a signed test delivery (ping)', () => {
  const ping = (over: Over = {}) => {
    const id = `msg_ping_${++seq}`;
    const marks: string[] = [];
    const req: IngestRequest = {
      headers: { ...signedHeaders(SECRET, id, PING_BODY, NOW.getTime() / 1000), ...over.headers },
      rawBody: over.rawBody ?? PING_BODY,
    };
    const deliveries = { markDelivery: async (provider: string) => void marks.push(provider) };
    return {
      marks,
      run: () => receiveGenericWebhook(req, { ...base(), deliveries, signingSecrets: async () => [SECRET] }),
    };
  };

  it('is answered pong, and nothing is stored, published or counted as the CRM being alive', async () => {
    const before = await itemCount();
    const p = ping();
    await expect(p.run()).resolves.toMatchObject({ status: 'pong', published: false });
    expect(await itemCount()).toBe(before);
    expect(bus.entries).toHaveLength(0);
    expect(p.marks).toEqual([]);
  });

  it('is authenticated like any delivery: a bad signature is refused', async () => {
    const p = ping({ headers: { 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` } });
    await expect(p.run()).rejects.toMatchObject({ code: 'invalid_signature' });
  });

  it('a ping with anything else in it is a record change, and refused as one', async () => {
    const body = '{"type":"ping","object":"deal"}';
    const p = ping({ rawBody: body });
    // The signature covers the body: sign the changed one.
    const id = 'msg_ping_extra';
    const req: IngestRequest = {
      headers: signedHeaders(SECRET, id, body, NOW.getTime() / 1000),
      rawBody: body,
    };
    expect(p).toBeDefined();
    await expect(
      receiveGenericWebhook(req, { ...base(), signingSecrets: async () => [SECRET] }),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
  });
});
