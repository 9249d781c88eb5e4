/**
 * The suppression list on dynalite with the real DynamoDB client: idempotent suppress (the first reason wins),
 * normalised addresses, exactly one winner under concurrency, contact.suppressed published once (and again only
 * when it never got out), and the admin CLI's list/add/remove.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contactSuppressed } from '../../events/domain';
import { runSuppression, type SuppressionWiring } from '../../infra/cli/suppression';
import { parseTenantConfig } from '../../shared/config/tenant';
import { suppressAndAnnounce } from '../../shared/mail/suppress';
import type { BusEntry, EventBusPort } from '../../shared/ports';
import { SuppressionRepository } from '../../shared/store/suppression';
import { countWrites, type LocalTable, startLocalTable, TestClock } from '../support/local-aws';

class Bus implements EventBusPort {
  readonly entries: BusEntry[] = [];
  /** Every publish asked for, the failed ones included. */
  readonly attempts: BusEntry[] = [];
  failNext = 0;
  async publish(entries: readonly BusEntry[]): Promise<void> {
    this.attempts.push(...structuredClone(entries));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('EventBridge unavailable (test)');
    }
    this.entries.push(...structuredClone(entries));
  }
}

let table: LocalTable;
let repo: SuppressionRepository;
const clock = new TestClock('2026-11-27T02:00:00.000Z');

beforeAll(async () => {
  table = await startLocalTable('quotaflow-suppression');
});
afterAll(async () => {
  await table?.stop();
});
beforeEach(async () => {
  repo = new SuppressionRepository(table.doc, table.tableName, clock.now);
  for (const e of await repo.list()) await repo.remove(e.address);
});

describe('SuppressionRepository', () => {
  it('suppresses once: a repeat in another spelling is not added and keeps the first reason and time', async () => {
    const first = await repo.suppress(' Wang.Fang@Example.com ', 'unsubscribed', {
      source: 'unsubscribe-link',
    });
    expect(first).toMatchObject({
      added: true,
      entry: { address: 'wang.fang@example.com', reason: 'unsubscribed', at: '2026-11-27T02:00:00.000Z' },
    });
    clock.advanceBy(60_000);
    const again = await repo.suppress('WANG.FANG@EXAMPLE.COM', 'complained', { at: '2026-11-27T02:01:00Z' });
    expect(again.added).toBe(false);
    expect(again.entry).toMatchObject({ reason: 'unsubscribed', at: '2026-11-27T02:00:00.000Z' });
    expect(await repo.isSuppressed('wang.fang@example.com')).toEqual({
      reason: 'unsubscribed',
      at: '2026-11-27T02:00:00.000Z',
    });
    expect(await repo.isSuppressed('  Wang.Fang@EXAMPLE.com')).toBeDefined();
    expect(await repo.isSuppressed('li.ming@example.com')).toBeUndefined();
    expect((await repo.list()).map((e) => e.address)).toEqual(['wang.fang@example.com']);
  });

  it('keeps the time SES reported, normalised to UTC', async () => {
    const r = await repo.suppress('a@example.com', 'bounced', {
      at: '2026-11-27T10:00:02+08:00',
      source: 'ses:Permanent/General',
    });
    expect(r.entry).toMatchObject({ at: '2026-11-27T02:00:02.000Z', source: 'ses:Permanent/General' });
    await expect(repo.suppress('b@example.com', 'bounced', { at: 'yesterday' })).rejects.toThrow(
      /not a date/,
    );
    expect(await repo.isSuppressed('b@example.com')).toBeUndefined();
  });

  it('has exactly one winner when the same address is suppressed concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        repo.suppress(i % 2 ? 'Race@Example.com' : 'race@example.com', 'bounced'),
      ),
    );
    expect(results.filter((r) => r.added)).toHaveLength(1);
    expect(await repo.list()).toHaveLength(1);
  });

  it('refuses what is not an address, storing nothing', async () => {
    for (const bad of [
      '',
      '   ',
      'no-at-sign',
      'a@b',
      'two words@example.com',
      `${'x'.repeat(250)}@example.com`,
    ])
      await expect(repo.suppress(bad, 'manual'), JSON.stringify(bad)).rejects.toThrow(/address/);
    expect(await repo.list()).toEqual([]);
  });

  it('lists every entry across pages and removes one', async () => {
    for (let i = 0; i < 30; i++)
      await repo.suppress(`user${String(i).padStart(2, '0')}@example.com`, 'manual');
    const all = await repo.list();
    expect(all).toHaveLength(30);
    expect(all.map((e) => e.address)).toEqual([...all.map((e) => e.address)].sort());
    expect(await repo.remove('USER07@example.com')).toMatchObject({
      removed: true,
      entry: { reason: 'manual' },
    });
    expect(await repo.remove('user07@example.com')).toEqual({ removed: false });
    expect(await repo.isSuppressed('user07@example.com')).toBeUndefined();
  });
});

describe('suppressAndAnnounce', () => {
  it('publishes contact.suppressed once for a new suppression, with 2 writes; a repeat publishes and writes nothing more', async () => {
    const bus = new Bus();
    const writes = countWrites(table.doc);
    writes.reset();
    const deps = { tenantId: 'demo', suppression: repo, bus };
    const r = await suppressAndAnnounce(deps, 'Li.Ming@example.com', 'unsubscribed', {
      correlationId: 'req-1',
    });
    expect(r).toEqual({
      address: 'li.ming@example.com',
      added: true,
      reason: 'unsubscribed',
      announced: true,
    });
    expect(writes.writes).toBe(2);
    expect(bus.entries).toHaveLength(1);
    const entry = bus.entries[0];
    expect(entry?.source).toBe(contactSuppressed.source);
    expect(entry?.detailType).toBe('contact.suppressed');
    const detail = contactSuppressed.parse(entry?.detail);
    expect(detail).toMatchObject({
      tenantId: 'demo',
      address: 'li.ming@example.com',
      reason: 'unsubscribed',
      occurredAt: '2026-11-27T02:01:00.000Z',
      correlationId: 'req-1',
    });
    writes.reset();
    const again = await suppressAndAnnounce(deps, 'li.ming@example.com', 'bounced');
    expect(again).toEqual({
      address: 'li.ming@example.com',
      added: false,
      reason: 'unsubscribed',
      announced: false,
    });
    expect(bus.entries).toHaveLength(1);
    expect(writes.writes).toBe(1); // the refused conditional put
  });

  it('publishes on the retry when the first publish failed, with the same event id', async () => {
    const bus = new Bus();
    const deps = { tenantId: 'demo', suppression: repo, bus };
    bus.failNext = 1;
    await expect(suppressAndAnnounce(deps, 'c@example.com', 'complained')).rejects.toThrow(/unavailable/);
    expect(await repo.isSuppressed('c@example.com')).toMatchObject({ reason: 'complained' });
    const retry = await suppressAndAnnounce(deps, 'c@example.com', 'complained');
    expect(retry).toMatchObject({ added: false, announced: true });
    const third = await suppressAndAnnounce(deps, 'c@example.com', 'complained');
    expect(third.announced).toBe(false);
    expect(bus.entries).toHaveLength(1);
    const ids = bus.attempts.map((e) => contactSuppressed.parse(e.detail).eventId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[1]).toBe(ids[0]);
  });
});

describe('quotaflow suppression (CLI)', () => {
  const run = async (action: string, address?: string, json = false) => {
    const out = { out: '', err: '' };
    const wiring: SuppressionWiring = {
      tenant: parseTenantConfig(
        {
          id: 'demo',
          displayName: 'Demo',
          timeZone: 'Asia/Shanghai',
          locale: 'zh-CN',
          currency: 'CNY',
          mail: { sender: 'a@demo.example' },
          crm: { provider: 'generic' },
        },
        'test',
      ),
      repository: repo,
      bus: new Bus(),
    };
    const code = await runSuppression(action, address, { tenant: 'demo', json }, wiring, {
      out: (t) => {
        out.out += t;
      },
      err: (t) => {
        out.err += t;
      },
    });
    return { code, ...out, bus: wiring.bus as Bus };
  };

  it('adds, lists and removes, as text and as JSON', async () => {
    const add = await run('add', 'Zhao.Lei@Example.com');
    expect(add).toMatchObject({ code: 0, out: 'suppressed zhao.lei@example.com\n' });
    expect(add.bus.entries.map((e) => e.detailType)).toEqual(['contact.suppressed']);
    expect((await run('add', 'zhao.lei@example.com')).out).toMatch(
      /already suppressed \(manual\); nothing changed/,
    );
    const list = await run('list', undefined, true);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toMatchObject({
      tenant: 'demo',
      count: 1,
      entries: [{ address: 'zhao.lei@example.com', reason: 'manual', source: 'cli' }],
    });
    expect((await run('list')).out).toMatch(
      /^zhao\.lei@example\.com\s+manual\s+2026-11-27T.*cli\n1 suppressed\n$/,
    );
    const removed = await run('remove', 'zhao.lei@example.com', true);
    expect(JSON.parse(removed.out)).toMatchObject({
      removed: true,
      entry: { address: 'zhao.lei@example.com' },
    });
    expect((await run('remove', 'zhao.lei@example.com')).out).toMatch(/was not suppressed; nothing changed/);
    expect((await run('list')).out).toBe('no suppressed addresses for tenant demo\n');
  });

  it('refuses bad arguments with exit code 2 and a message naming the problem', async () => {
    expect(await run('purge')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown action "purge"/),
    });
    expect(await run('add')).toMatchObject({ code: 2, err: expect.stringMatching(/needs an address/) });
    expect(await run('list', 'a@example.com')).toMatchObject({ code: 2 });
    expect(await run('add', 'not-an-address')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/"not-an-address": the address is not an email address/),
    });
  });
});
