import { describe, expect, it } from 'vitest';
import {
  notificationId,
  receiveZohoNotification,
  tokenMatches,
} from '../../../shared/crm/zoho/notifications';
import {
  channelIdFor,
  channelMap,
  generateChannelToken,
  maxChannelLifetimeMs,
} from '../../../shared/crm/zoho/watch';
import { AuthenticationError, RejectedInputError } from '../../../shared/errors';
import type { BusEntry } from '../../../shared/ports';
import type { Receipt } from '../../../shared/store/receipts';

const TOKEN = 'k3Jx0bq2c9mWn8R1vT5yZ7aL4pE6uH0sD2fG8jK1qA3';
const channels = channelMap('acme', ['Deals', 'Leads']);
const dealsChannel = channelIdFor('acme', 'Deals');

const fakeDeps = () => {
  const stored = new Map<string, Receipt>();
  const published: BusEntry[] = [];
  return {
    stored,
    published,
    deps: {
      tenantId: 'acme',
      channels,
      tokens: async () => [TOKEN],
      receipts: {
        storeOnce: async (r: Receipt) => {
          const existing = stored.get(r.deliveryId);
          if (existing) return { stored: false, receipt: existing };
          stored.set(r.deliveryId, r);
          return { stored: true, receipt: r };
        },
      },
      bus: { publish: async (e: readonly BusEntry[]) => void published.push(...e) },
      now: new Date('2026-03-02T01:00:00Z'),
    },
  };
};

// The documented update sample (crm-protocols.md §1.4), on our channel.
const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    server_time: 1750102639787,
    affected_values: [{ record_id: '6756839000000575405', values: { Stage: 'Closed Won' } }],
    query_params: {},
    module: 'Deals',
    resource_uri: 'https://www.zohoapis.com/crm/v2/Deals',
    ids: ['6756839000000575405', '6756839000000575406'],
    affected_fields: [{ '6756839000000575405': ['Stage'] }],
    operation: 'update',
    channel_id: dealsChannel,
    token: TOKEN,
    ...over,
  });
const req = (raw: string) => ({ headers: { 'content-type': 'application/json' }, rawBody: raw });

describe('Zoho channel token and notification identity', () => {
  it('matches tokens by value only, whatever their length', () => {
    expect(tokenMatches(TOKEN, ['old-token', TOKEN])).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, [TOKEN])).toBe(false);
    expect(tokenMatches('', [TOKEN])).toBe(false);
  });

  it('generates tokens Zoho accepts (≤ 50 chars) with 256 bits of entropy', () => {
    const t = generateChannelToken();
    expect(t.length).toBeLessThanOrEqual(50);
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    expect(generateChannelToken()).not.toBe(t);
  });

  it('derives stable, distinct channel ids per tenant and module', () => {
    expect(channelIdFor('acme', 'Deals')).toBe(dealsChannel);
    expect(channelIdFor('acme', 'Leads')).not.toBe(dealsChannel);
    expect(channelIdFor('other', 'Deals')).not.toBe(dealsChannel);
    expect(BigInt(dealsChannel) < 2n ** 63n).toBe(true);
  });

  it('allows a week of channel life from v4 and a day before', () => {
    expect(maxChannelLifetimeMs('v8')).toBe(7 * 86_400_000);
    expect(maxChannelLifetimeMs('v2.1')).toBe(86_400_000);
  });

  it('derives the delivery id from channel, ids (any order) and server time', () => {
    const a = notificationId({ channel_id: '1', ids: ['2', '1'], server_time: 5 });
    expect(notificationId({ channel_id: '1', ids: ['1', '2'], server_time: 5 })).toBe(a);
    expect(notificationId({ channel_id: '1', ids: ['1', '2'], server_time: 6 })).not.toBe(a);
  });
});

describe('receiveZohoNotification', () => {
  it('stores one receipt and publishes one event per id, keeping affected values', async () => {
    const { deps, stored, published } = fakeDeps();
    const result = await receiveZohoNotification(req(body()), deps);
    expect(result.status).toBe('accepted');
    expect(stored.size).toBe(2);
    expect(published.map((p) => p.detail.recordId)).toEqual(['6756839000000575405', '6756839000000575406']);
    expect(published[0]?.detail).toMatchObject({ provider: 'zoho', object: 'deal', action: 'upsert' });
    expect(result.changes[0]?.affectedValues).toEqual({ Stage: 'Closed Won' });
    expect([...stored.values()][0]?.record).toBeUndefined();
  });

  it('rejects an unknown channel and a wrong or missing token before storing anything', async () => {
    for (const over of [{ channel_id: '42' }, { token: 'guess' }, { token: null }]) {
      const { deps, stored } = fakeDeps();
      await expect(receiveZohoNotification(req(body(over)), deps)).rejects.toBeInstanceOf(
        AuthenticationError,
      );
      expect(stored.size).toBe(0);
    }
  });

  it('names what is wrong in a malformed body', async () => {
    const { deps } = fakeDeps();
    const err = await receiveZohoNotification(req(body({ ids: ['abc'] })), deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectedInputError);
    expect((err as RejectedInputError).message).toMatch(/ids\[0\]/);
  });

  it('turns a delete into a tombstone receipt timed by server_time', async () => {
    const { deps, stored } = fakeDeps();
    await receiveZohoNotification(
      req(body({ operation: 'delete', ids: ['7'], affected_values: undefined })),
      deps,
    );
    expect([...stored.values()][0]).toMatchObject({
      action: 'delete',
      record: { id: '7', modifiedAt: new Date(1750102639787).toISOString() },
    });
  });
});
