/**
 * The Fxiaoke token endpoint allows no concurrent calls, so containers of one tenant fetch a token one at a time:
 * each container here is its own FxiaokeClient with its own SDK client on one dynalite table, as Lambda runs them,
 * against the simulator, which counts token calls and refuses overlapping ones.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FxiaokeSimulator, startFxiaokeSimulator } from '../../../infra/local/simulators/fxiaoke';
import type { FxiaokeToken } from '../../../shared/crm/fxiaoke/client';
import { FxiaokeClient, type FxiaokeClientOptions } from '../../../shared/crm/fxiaoke/client';
import { DynamoTokenCache } from '../../../shared/store/token-cache';
import { type LocalTable, localClientConfig, startLocalTable } from '../../support/local-aws';

let table: LocalTable;
let sim: FxiaokeSimulator;
const docs: DynamoDBDocumentClient[] = [];

beforeAll(async () => {
  table = await startLocalTable('quotaflow-fxiaoke-lease');
  sim = await startFxiaokeSimulator();
});
afterAll(async () => {
  for (const doc of docs) doc.destroy();
  await sim?.stop();
  await table?.stop();
});

/** A container: its own DynamoDB client and token cache on the shared table, and its own Fxiaoke client. */
const container = (over: Partial<FxiaokeClientOptions> = {}) => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(table.endpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  docs.push(doc);
  return new FxiaokeClient({
    baseUrl: sim.url,
    credentials: { ...sim.app },
    tokenCache: new DynamoTokenCache<FxiaokeToken>(doc, table.tableName),
    ...over,
  });
};

describe('Fxiaoke token calls across containers', () => {
  it('three containers that need a token at once make one token call; the others wait for it', async () => {
    const before = { ...sim.stats };
    const containers = [container(), container(), container()];
    const tokens = await Promise.all(containers.map((c) => c.token()));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(sim.stats.tokenCalls - before.tokenCalls).toBe(1);
    expect(sim.stats.maxConcurrentTokenCalls).toBe(1);
    // And the token works for all of them without another call.
    const deal = sim.records.list('NewOpportunityObj')[0];
    await Promise.all(containers.map((c) => c.get('NewOpportunityObj', deal?._id ?? '')));
    expect(sim.stats.tokenCalls - before.tokenCalls).toBe(1);
  });

  it('on 20016 a container gets a new token and retries once, and the others use that token', async () => {
    const [first, second] = [container(), container()];
    const old = await first.token();
    const before = sim.stats.tokenCalls;
    sim.expireTokens();
    const deal = sim.records.list('NewOpportunityObj')[0];
    await expect(first.get('NewOpportunityObj', deal?._id ?? '')).resolves.toMatchObject({ _id: deal?._id });
    expect(sim.stats.tokenCalls).toBe(before + 1);
    const renewed = await second.token();
    expect(renewed.accessToken).not.toBe(old.accessToken);
    await expect(second.get('NewOpportunityObj', deal?._id ?? '')).resolves.toMatchObject({ _id: deal?._id });
    expect(sim.stats.tokenCalls).toBe(before + 1);
  });

  it('a lease whose holder died runs out, and the next container fetches the token', async () => {
    // Clocks the containers share, moved by their waiting, so the lease runs out within the test.
    let clock = Date.now() + 3 * 86_400_000; // past every token the earlier tests stored
    const now = () => clock;
    const sleep = async (ms: number) => {
      clock += ms;
      await new Promise((r) => setTimeout(r, 2));
    };
    // A container whose token call never comes back: it took the lease, then its Lambda was frozen or killed.
    let reached: () => void = () => {};
    const reachedEndpoint = new Promise<void>((r) => {
      reached = r;
    });
    const hung = axios.create({
      baseURL: sim.url,
      adapter: () => {
        reached();
        return new Promise(() => {});
      },
    });
    const dead = container({ http: hung, now, sleep });
    void dead.token();
    await reachedEndpoint;

    const before = sim.stats.tokenCalls;
    const start = clock;
    const next = container({ now, sleep });
    const token = await next.token();
    expect(token.accessToken).toMatch(/^[0-9A-F]{32}$/);
    expect(sim.stats.tokenCalls).toBe(before + 1);
    // It waited for the lease (25 s by default: two 10 s attempts and a backoff), not much longer.
    expect(clock - start).toBeGreaterThanOrEqual(25_000);
    expect(clock - start).toBeLessThan(26_000);
  });
});
