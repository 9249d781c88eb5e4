import { describe, expect, it } from 'vitest';
import { receiveFxiaokeCallback } from '../../../shared/crm/fxiaoke/callback';
import { replyIsSuccess } from '../../../shared/crm/fxiaoke/callback-crypto';
import type { BusEntry } from '../../../shared/ports';
import type { Receipt, ReceiptRepository } from '../../../shared/store/receipts';

// The vendor vector (crm-protocols.md Appendix) through the whole use case, with in-memory fakes for the ports.
const AES_KEY = 'O0YjM0EDOygzNykzMzUjLwUTN3MjL5ADN1QjM5gTM0A=';
const VECTOR_BODY = JSON.stringify({
  signature: '4d7c6742d8efed705054fe895ee487df738c8c50',
  timestamp: 1604644770244,
  nonce: 'mi3wrpKNnq4YdIZC',
  messageId: 'AC11291700002A9F00000608C038697A0',
  retryTimes: 1,
  enterpriseAccount: 'gxcxkj',
  encryptedContent:
    'tRPD30ygQKxFurdWxHQKpRypuXNbRcW/knsKZBCPJv9bsKnQJlUr26USpOgJqhVUm5Q2NiVG1IBrCr0dbrsreRZY6Z5/fbw75IlGQ2d7PkMWtVTAE0RG62j7HJQWAwm+XdmQC4y1AbjHzatjjrXiCKcId112DHZSqB0qznivDStywTjscnNWhaR7xbnSbmKQWsF5YlPUEudZ+P07Ol/cd6F8IXOo+nEu7UH21hRSgKI=',
});
const NOW = new Date(1604644770244 + 1200);

const fakes = () => {
  const stored = new Map<string, Receipt>();
  const published: BusEntry[] = [];
  const receipts = {
    storeOnce: async (r: Receipt) => {
      const existing = stored.get(r.deliveryId);
      if (existing) return { stored: false, receipt: existing };
      stored.set(r.deliveryId, r);
      return { stored: true, receipt: r };
    },
  } as unknown as ReceiptRepository;
  const bus = { publish: async (e: readonly BusEntry[]) => void published.push(...e) };
  return {
    stored,
    published,
    deps: { tenantId: 'demo', aesKeys: async () => [AES_KEY], receipts, bus, now: NOW },
  };
};
const request = (rawBody = VECTOR_BODY) => ({
  headers: { 'content-type': 'application/json;charset=UTF-8' },
  rawBody,
});

describe('receiveFxiaokeCallback', () => {
  it('accepts the vendor vector: receipt keyed by messageId, one event, the encrypted success reply', async () => {
    const { stored, published, deps } = fakes();
    const result = await receiveFxiaokeCallback(request(), deps);
    expect(result).toMatchObject({
      status: 'accepted',
      deliveryId: 'AC11291700002A9F00000608C038697A0',
      apiName: 'AccountObj',
      dataId: '5f9cd4e6e4400e0001217faa',
      eventType: 'update',
      published: true,
    });
    expect(stored.get(result.deliveryId)).toMatchObject({
      object: 'account',
      action: 'upsert',
      provider: 'fxiaoke',
    });
    expect(stored.get(result.deliveryId)?.record).toBeUndefined();
    expect(published).toHaveLength(1);
    expect(result.reply.timestamp).toBe(NOW.getTime());
    expect(replyIsSuccess(result.reply, AES_KEY)).toBe(true);
  });

  it('a redelivery of a stored message not yet applied publishes again; the status says duplicate', async () => {
    const { published, deps } = fakes();
    await receiveFxiaokeCallback(request(), deps);
    const again = await receiveFxiaokeCallback(request(), deps);
    expect(again).toMatchObject({ status: 'duplicate', published: true });
    expect(published).toHaveLength(2);
  });

  it('refuses a callback for another enterprise account', async () => {
    const { stored, deps } = fakes();
    await expect(
      receiveFxiaokeCallback(request(), { ...deps, enterpriseAccount: 'qfdemo' }),
    ).rejects.toMatchObject({
      code: 'invalid_payload',
      details: { field: 'enterpriseAccount' },
    });
    expect(stored.size).toBe(0);
  });

  it('checks content type and size before anything else', async () => {
    const { deps } = fakes();
    await expect(receiveFxiaokeCallback({ headers: {}, rawBody: VECTOR_BODY }, deps)).rejects.toMatchObject({
      code: 'unsupported_media_type',
    });
    await expect(receiveFxiaokeCallback(request('x'.repeat(70_000)), deps)).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    await expect(receiveFxiaokeCallback(request('{nope'), deps)).rejects.toMatchObject({
      code: 'invalid_json',
    });
  });
});
