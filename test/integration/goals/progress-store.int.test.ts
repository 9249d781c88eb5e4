/**
 * Incremental goal progress on dynalite: exact decimal totals, writes counted on the client (one contribution put
 * and one update per total that changes), re-deliveries and late older versions changing nothing, a deal moved back
 * from won, reassigned and deleted moving the totals, and the nightly recompute finding, correcting and resuming.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord, CrmObject } from '../../../events';
import { emptyTotal } from '../../../shared/goals/contributions';
import { applyRecordToGoals } from '../../../shared/goals/incremental';
import { GoalProgress } from '../../../shared/goals/progress';
import { type Disagreement, recomputeGoals } from '../../../shared/goals/recompute';
import { Dec } from '../../../shared/incentives/money';
import { GoalProgressRepository } from '../../../shared/store/goal-progress';
import { RecordRepository } from '../../../shared/store/records';
import { contributions, fxRate, goals, org, tenant } from '../../support/goal-progress-fixture';
import { countWrites, type LocalTable, startLocalTable, type WriteCounter } from '../../support/local-aws';

let table: LocalTable;
let store: GoalProgressRepository;
let records: RecordRepository;
let writes: WriteCounter;

beforeAll(async () => {
  table = await startLocalTable();
  store = new GoalProgressRepository(table.doc, table.tableName, () => new Date('2026-10-20T00:00:00Z'));
  records = new RecordRepository(table.doc, table.tableName);
  writes = countWrites(table.doc);
});
afterAll(() => table.stop());

const deal = (version: number, over: Partial<CanonicalRecord> = {}): CanonicalRecord => ({
  id: 'd1',
  modifiedAt: new Date(Date.UTC(2026, 9, 10) + version).toISOString(),
  owner: { id: 'a' },
  status: 'won',
  amount: '250.50',
  currency: 'USD',
  closeDate: '2026-10-12',
  fields: { line: 'hw' },
  ...over,
});

/** Stores the record (owner index for the recompute) and applies it to the goal totals, as the two consumers do. */
const deliver = async (object: CrmObject, record: CanonicalRecord, deleted = false) => {
  const version = Date.parse(record.modifiedAt);
  await records.upsert({ object, record, version, deleted }, () => []);
  writes.reset();
  const out = await applyRecordToGoals({ object, record, version, deleted }, contributions, store, records);
  return { ...out, writes: writes.writes };
};

const actual = async (goal: string, period: string, owner: string) =>
  ((await store.total(goal, period, owner)) ?? emptyTotal()).actual.toFixed();

describe('goal progress store', () => {
  it('a won deal adds its exact converted amount; one put and one update per goal total it moves', async () => {
    const out = await deliver('deal', deal(1));
    expect(out.outcome).toBe('applied');
    // 250.50 USD × 7.1234 = 1784.4117 CNY, to the rep's won amount (and its milestones) and North's hardware deals.
    expect(await actual('won', '2026-10', 'a')).toBe('1784.4117');
    expect((await store.total('won', '2026-10', 'a'))?.milestones['2026-10-15']?.toFixed()).toBe('1784.4117');
    expect(await actual('hw-deals', '2026-Q4', 'north')).toBe('1');
    expect(out.writes).toBe(3);
  });

  it('the same version again, or an older one arriving late, changes nothing and writes nothing', async () => {
    expect(await deliver('deal', deal(1))).toMatchObject({ outcome: 'unchanged', writes: 0 });
    writes.reset();
    const late = await applyRecordToGoals(
      {
        object: 'deal',
        record: deal(0, { amount: '9' }),
        version: Date.parse(deal(0).modifiedAt),
        deleted: false,
      },
      contributions,
      store,
      records,
    );
    expect(late.outcome).toBe('stale');
    expect(writes.writes).toBe(0);
    expect(await actual('won', '2026-10', 'a')).toBe('1784.4117');
  });

  it('moved back from won: the won amount drops and the deal counts as weighted pipeline instead', async () => {
    const out = await deliver('deal', deal(2, { status: 'open', fields: { line: 'hw', probability: 40 } }));
    expect(await actual('won', '2026-10', 'a')).toBe('0');
    expect((await store.total('won', '2026-10', 'a'))?.pipeline.toFixed()).toBe('713.76468');
    expect(await actual('hw-deals', '2026-Q4', 'north')).toBe('0');
    expect(out.writes).toBe(3);
  });

  it('won again and reassigned: out of one rep and team, into the other', async () => {
    await deliver('deal', deal(3));
    const out = await deliver('deal', deal(4, { owner: { id: 'c' }, amount: '0.01', currency: 'CNY' }));
    expect(await actual('won', '2026-10', 'a')).toBe('0');
    expect(await actual('won', '2026-10', 'c')).toBe('0.01');
    expect(await actual('hw-deals', '2026-Q4', 'north')).toBe('0');
    expect(await actual('hw-deals', '2026-Q4', 'south')).toBe('1');
    // One contribution put; four totals moved (two goals, each out of one owner and into another).
    expect(out.writes).toBe(5);
  });

  it('deleted: its share leaves every total', async () => {
    await deliver('deal', deal(5, { owner: { id: 'c' } }), true);
    expect(await actual('won', '2026-10', 'c')).toBe('0');
    expect(await actual('hw-deals', '2026-Q4', 'south')).toBe('0');
  });

  it('a change that moves no total writes nothing (its read only); the older version arriving late still changes nothing', async () => {
    const d9 = (version: number, over: Partial<CanonicalRecord> = {}) => deal(version, { id: 'd9', ...over });
    expect(await deliver('deal', d9(10))).toMatchObject({ outcome: 'applied', writes: 3 });
    expect(await actual('won', '2026-10', 'a')).toBe('1784.4117');

    // A field no goal reads: nothing to write, the stored contribution stays at version 10.
    expect(await deliver('deal', d9(12, { name: 'Renamed' }))).toEqual({
      outcome: 'applied',
      deltas: [],
      writes: 0,
    });

    // Version 11 (moved back to open) arrives after 12: the canonical copy is at 12, whose share is stored already.
    const late = await deliver('deal', d9(11, { status: 'open' }));
    expect(late).toMatchObject({ outcome: 'stale', writes: 0 });
    expect(await actual('won', '2026-10', 'a')).toBe('1784.4117');

    // A later version that does move a total is applied from the stored share.
    expect(await deliver('deal', d9(13, { status: 'open', name: 'Renamed' }))).toMatchObject({
      outcome: 'applied',
      writes: 3,
    });
    expect(await actual('won', '2026-10', 'a')).toBe('0');
    await deliver('deal', d9(14, { name: 'Renamed' }), true);
  });

  it('the nightly recompute agrees, or logs, corrects and re-seats; it resumes from its cursor', async () => {
    for (let i = 0; i < 6; i++)
      await deliver('activity', {
        id: `x${i}`,
        modifiedAt: `2026-10-1${i}T03:00:00Z`,
        owner: { id: i % 2 ? 'a' : 'b' },
        fields: { type: 'call', occurredAt: `2026-10-1${i}T02:00:00Z` },
      });
    const progress = new GoalProgress(goals, org, tenant, {
      owned: (object, owner, lower, upper) => records.owned(object, owner, lower, upper),
      target: async () => '10',
      fxRate,
    });
    const asOf = new Date('2026-10-20T00:30:00Z');
    const found: Disagreement[] = [];
    const run = (day: string, timeUp = () => false) =>
      recomputeGoals(day, asOf, {
        progress,
        store,
        contributions,
        timeUp,
        onDisagreement: (d) => found.push(d),
        chunk: 2,
      });
    expect(await store.ready()).toBe(false);
    expect(await run('2026-10-19')).toMatchObject({ disagreements: 0, finished: true });
    expect(await store.ready()).toBe(true);

    // A total gone wrong (say, a crash between the contribution and the total): found, counted, corrected.
    await store.addToTotals([
      {
        goal: 'calls',
        period: '2026-10',
        owner: 'a',
        actual: new Dec(5),
        pipeline: new Dec(0),
        milestones: {},
        skipped: 0,
      },
    ]);
    let calls = 0;
    const partial = await run('2026-10-20', () => calls++ >= 1);
    expect(partial).toMatchObject({ finished: false, resumedAt: 0 });
    const rest = await run('2026-10-20');
    expect(rest.finished).toBe(true);
    expect(rest.resumedAt).toBeGreaterThan(0);
    expect(
      found.map((d) => [d.goal, d.owner, d.stored.actual.toFixed(), d.recomputed.actual.toFixed()]),
    ).toEqual([['calls', 'a', '8', '3']]);
    expect(await actual('calls', '2026-10', 'a')).toBe('3');
    // A finished night costs the next runs a read.
    expect(await run('2026-10-20')).toMatchObject({ finished: true, checked: 0 });
    // And the re-seated contributions keep later changes right.
    await deliver('activity', {
      id: 'x1',
      modifiedAt: '2026-10-19T03:00:00Z',
      owner: { id: 'a' },
      fields: { type: 'meeting', occurredAt: '2026-10-11T02:00:00Z' },
    });
    expect(await actual('calls', '2026-10', 'a')).toBe('2');

    // Progress from the stored totals (one batch read) prints what progress from the records prints.
    const sources = {
      owned: records.owned.bind(records),
      target: async () => '10',
      fxRate,
    };
    const source = await store.source();
    expect(source.stored).toBeDefined();
    const fromStore = await new GoalProgress(goals, org, tenant, { ...sources, ...source }).figures({ asOf });
    const fromRecords = await new GoalProgress(goals, org, tenant, sources).figures({ asOf });
    expect(fromStore).toEqual(fromRecords);
    expect(fromStore.find((f) => f.goal === 'calls' && f.person === 'a')?.actual).toBe('2.00');
  });
});
