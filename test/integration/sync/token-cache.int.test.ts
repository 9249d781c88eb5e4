/**
 * The DynamoDB token cache as several Lambda containers see it: two cache instances with their own SDK clients on
 * one dynalite table. Tokens are shared, a stale writer never replaces a newer token, eviction is conditional, and
 * the token-call budget holds across instances, also when they race.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import type { FxiaokeToken } from '../../../shared/crm/fxiaoke/client';
import type { TokenCache } from '../../../shared/crm/token-cache';
import { ZohoRefreshBudgetError } from '../../../shared/crm/zoho/errors';
import type { CachedToken } from '../../../shared/crm/zoho/oauth';
import { ZohoOAuth } from '../../../shared/crm/zoho/oauth';
import { DynamoTokenCache } from '../../../shared/store/token-cache';
import { type LocalTable, localClientConfig, startLocalTable } from '../../support/local-aws';

const T0 = Date.parse('2026-03-02T01:00:00Z');
const WINDOW = 10 * 60_000;

let table: LocalTable;
let otherDoc: DynamoDBDocumentClient;
/** Two containers: the same table through two independent SDK clients. */
let a: DynamoTokenCache<CachedToken>;
let b: DynamoTokenCache<CachedToken>;

beforeAll(async () => {
  table = await startLocalTable('quotaflow-token-cache');
  otherDoc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(table.endpoint)));
  a = new DynamoTokenCache(table.doc, table.tableName);
  b = new DynamoTokenCache(otherDoc, table.tableName);
});
afterAll(async () => {
  otherDoc?.destroy();
  await table?.stop();
});

describe('tokens', () => {
  it('one container reads what another stored, and an older token never replaces a newer one', async () => {
    await a.put('zoho#t1', {
      accessToken: 'new',
      apiDomain: 'https://zohoapis.example',
      expiresAt: T0 + 3_600_000,
    });
    await b.put('zoho#t1', { accessToken: 'slower-refresh', expiresAt: T0 + 3_000_000 });
    expect(await b.get('zoho#t1')).toEqual({
      accessToken: 'new',
      apiDomain: 'https://zohoapis.example',
      expiresAt: T0 + 3_600_000,
    });
    expect(await a.get('zoho#other')).toBeUndefined();
  });

  it('evicts only the token that was rejected', async () => {
    await a.put('zoho#t2', { accessToken: 'current', expiresAt: T0 + 3_600_000 });
    await b.evict('zoho#t2', 'already-replaced');
    expect((await a.get('zoho#t2'))?.accessToken).toBe('current');
    await b.evict('zoho#t2', 'current');
    expect(await a.get('zoho#t2')).toBeUndefined();
  });

  it('keeps the Fxiaoke token shape as is', async () => {
    const fx = new DynamoTokenCache<FxiaokeToken>(table.doc, table.tableName);
    const token: FxiaokeToken = {
      accessToken: 'FX',
      flow: 'oauth2',
      ea: 'qfdemo',
      expiresAt: T0 + 7_000_000,
    };
    await fx.put('fxiaoke#k', token);
    expect(await new DynamoTokenCache<FxiaokeToken>(otherDoc, table.tableName).get('fxiaoke#k')).toEqual(
      token,
    );
  });
});

describe('the token-call budget', () => {
  it('is one sliding window for all containers, also when they race', async () => {
    const takes = Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? a : b).takeSlot('zoho#race', T0 + i, 3, WINDOW),
    );
    const slots = await Promise.all(takes);
    expect(slots.filter((s) => s.ok)).toHaveLength(3);
    for (const s of slots) if (!s.ok) expect(s.retryAfterMs).toBeGreaterThan(WINDOW - 20);
  });

  it('frees a slot when the oldest call leaves the window, not before', async () => {
    const key = 'fxiaoke#window';
    expect(await a.takeSlot(key, T0, 2, WINDOW)).toEqual({ ok: true });
    expect(await b.takeSlot(key, T0 + 1000, 2, WINDOW)).toEqual({ ok: true });
    expect(await a.takeSlot(key, T0 + 2000, 2, WINDOW)).toEqual({
      ok: false,
      retryAfterMs: WINDOW - 2000,
    });
    expect(await b.takeSlot(key, T0 + WINDOW - 1, 2, WINDOW)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(await b.takeSlot(key, T0 + WINDOW, 2, WINDOW)).toEqual({ ok: true });
    expect(await a.takeSlot(key, T0 + WINDOW, 2, WINDOW)).toMatchObject({ ok: false });
  });
});

describe('giving a slot back', () => {
  it('frees only the slot taken at that time, from another container too', async () => {
    const key = 'fxiaoke#release#lease';
    expect(await a.takeSlot(key, T0, 1, 25_000)).toEqual({ ok: true });
    expect(await b.takeSlot(key, T0 + 10, 1, 25_000)).toMatchObject({ ok: false });
    await b.releaseSlot(key, T0 - 1, 25_000); // not a slot that was taken: nothing changes
    expect(await b.takeSlot(key, T0 + 20, 1, 25_000)).toMatchObject({ ok: false });
    await a.releaseSlot(key, T0, 25_000);
    expect(await b.takeSlot(key, T0 + 30, 1, 25_000)).toEqual({ ok: true });
    // A holder whose lease ran out and was taken over gives back nothing of the new holder's.
    await a.releaseSlot(key, T0, 25_000);
    expect(await a.takeSlot(key, T0 + 40, 1, 25_000)).toMatchObject({ ok: false });
  });

  it('keeps the other slots of a window when one is given back while others race for slots', async () => {
    const key = 'fxiaoke#release-race';
    for (let i = 0; i < 3; i++) expect(await a.takeSlot(key, T0 + i, 5, WINDOW)).toEqual({ ok: true });
    const racing = await Promise.all([
      b.releaseSlot(key, T0 + 1, WINDOW).then(() => undefined),
      a.takeSlot(key, T0 + 10, 5, WINDOW),
      b.takeSlot(key, T0 + 11, 5, WINDOW),
      a.takeSlot(key, T0 + 12, 5, WINDOW),
    ]);
    // Whatever the order, no write was lost: 3 taken - 1 given back + the racers that got one, and the rest of the
    // 5 are still free.
    const won = racing.slice(1).filter((s) => s?.ok).length;
    let more = 0;
    while ((await b.takeSlot(key, T0 + 20 + more, 5, WINDOW)).ok) more++;
    expect(2 + won + more).toBe(5);
    expect(won).toBeGreaterThanOrEqual(2);
  });
});

describe('Zoho OAuth over the shared cache', () => {
  let sim: ZohoSimulator;
  let refreshToken: string;
  beforeAll(async () => {
    sim = await startZohoSimulator({ now: () => T0 });
    refreshToken = sim.issueRefreshToken();
  });
  afterAll(() => sim?.stop());

  /** A clock the containers share, moved by their waiting (sleep), so a lease can run out within the test. */
  let clock = T0;
  const sleep = async (ms: number) => {
    clock += ms;
    await new Promise((r) => setTimeout(r, 2));
  };
  const oauth = (cache: TokenCache<CachedToken>, cacheKey = 'zoho#budget', max = 1) =>
    new ZohoOAuth({
      accountsUrl: sim.url,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      refreshToken: async () => refreshToken,
      cache,
      cacheKey,
      now: () => clock,
      sleep,
      refreshBudget: { max, windowMs: WINDOW },
    });

  it('a second container reuses the first one’s token, and its refresh counts against the same budget', async () => {
    const first = oauth(a);
    const second = oauth(b);
    const token = await first.token();
    expect((await second.token()).accessToken).toBe(token.accessToken);
    expect(first.tokenCalls + second.tokenCalls).toBe(1);

    // Zoho rejected the token: the other container must refresh (once the first one's lease has run out, as it
    // stored no new token), but the budget was spent by the first.
    await first.invalidate(token.accessToken);
    await expect(second.token()).rejects.toBeInstanceOf(ZohoRefreshBudgetError);
    expect(second.tokenCalls).toBe(0);
  });

  it('containers that need a token at once make one refresh: the others wait for it under the lease', async () => {
    const before = sim.accounts.calls.refresh_token;
    const containers = [oauth(a, 'zoho#lease'), oauth(b, 'zoho#lease'), oauth(a, 'zoho#lease')];
    const tokens = await Promise.all(containers.map((c) => c.token()));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(sim.accounts.calls.refresh_token - before).toBe(1);
    expect(containers.reduce((n, c) => n + c.tokenCalls, 0)).toBe(1);
  });

  it('a lease whose holder died runs out, and the next container refreshes', async () => {
    // A container took the lease and crashed before storing a token.
    expect(await a.takeSlot('zoho#orphan#lease', clock, 1, 15_000)).toEqual({ ok: true });
    const start = clock;
    const token = await oauth(b, 'zoho#orphan', 10).token();
    expect(token.accessToken).toMatch(/^1000\./);
    expect(clock - start).toBeGreaterThanOrEqual(15_000);
    expect(clock - start).toBeLessThan(16_000);
  });
});
