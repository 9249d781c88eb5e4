/**
 * Goal progress at scale on dynalite (in-process): a tenant of QF_BENCH_GOAL_REPS reps (default 1,000) with 5 rep
 * goals, QF_BENCH_GOAL_DEALS deals (200,000) and QF_BENCH_GOAL_ACTIVITIES activities (500,000), seeded directly into
 * the table (records with their owner index, and the totals they add up to, as a completed recompute leaves them).
 * Measures, with reads and writes counted on the client:
 *   - the daily evaluation's figures (every rep's goals, one query per rep as the evaluation asks) from the stored
 *     totals, and the same from the owner index (what it costs without them);
 *   - the nightly recompute (every rep and goal from the owner index, compared with the stored totals);
 *   - writes per progress update: random creates, wins, moves back from won and reassignments through the
 *     incremental path.
 * Data are generated deterministically (a fixed LCG seed).
 */
import { BatchWriteCommand, NumberValue } from '@aws-sdk/lib-dynamodb';
import type { CanonicalRecord, CrmObject } from '../../events';
import {
  applyDelta,
  contributionsOf,
  emptyTotal,
  type StoredTotal,
  totalKey,
} from '../../shared/goals/contributions';
import { applyRecordToGoals } from '../../shared/goals/incremental';
import { GoalProgress } from '../../shared/goals/progress';
import { recomputeGoals } from '../../shared/goals/recompute';
import { goalDateOf } from '../../shared/goals/record-dates';
import { fractionDate } from '../../shared/goals/sums';
import { parseGoals } from '../../shared/goals/validate';
import { Dec } from '../../shared/incentives/money';
import { buildOrg } from '../../shared/org/model';
import { GoalProgressRepository } from '../../shared/store/goal-progress';
import { RecordRepository } from '../../shared/store/records';
import { goalProgressKeys, keys } from '../../shared/store/table-design';
import { countWrites, startLocalTable } from '../support/local-aws';
import { lcg } from './incentives';

export interface GoalFigures {
  reps: number;
  goals: number;
  deals: number;
  activities: number;
  seedSeconds: number;
  evaluationStoredSeconds: number;
  evaluationStoredReads: number;
  evaluationStoredItems: number;
  evaluationRecordsSeconds: number;
  evaluationRecordsReads: number;
  evaluationRecordsItems: number;
  recomputeSeconds: number;
  recomputeReads: number;
  recomputeItems: number;
  recomputeDisagreements: number;
  updates: number;
  writesPerUpdate: number;
  writesPerAffectedGoal: number;
  maxWritesPerAffectedGoal: number;
}

const TENANT = { id: 'bench', currency: 'CNY', timeZone: 'Asia/Shanghai' };
const AS_OF = new Date('2026-10-20T01:00:00Z');

const benchGoals = () =>
  parseGoals(
    {
      schemaVersion: 1,
      tenantId: TENANT.id,
      org: { directReportTeams: true },
      goals: [
        ['won', 'won_amount'],
        ['deals', 'won_deals'],
        ['new-accounts', 'new_accounts_won'],
        ['calls', 'activities', ['call', 'meeting']],
        ['emails', 'activities', ['email']],
      ].map(([id, type, activityTypes]) => ({
        id,
        name: { en: id },
        owner: 'rep',
        metric: { type, ...(activityTypes ? { activityTypes } : {}) },
        period: { kind: 'month' },
        target: { source: 'targets' },
        milestones: id === 'won' ? [{ by: { fraction: '0.5' }, value: '100000' }] : [],
      })),
    },
    'bench goals',
    TENANT.id,
  );

/** Counts read requests on a client, like countWrites, and the items they returned. */
const countReads = (doc: Parameters<typeof countWrites>[0]) => {
  let n = 0;
  let items = 0;
  const reads = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'ScanCommand']);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!reads.has(String(context.commandName ?? ''))) return next(args);
      n++;
      const out = await next(args);
      const o = out.output as { Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]> };
      items += o.Items?.length ?? (o.Item ? 1 : 0);
      for (const got of Object.values(o.Responses ?? {})) items += got.length;
      return out;
    },
    { step: 'initialize', name: 'quotaflowBenchReadCounter' },
  );
  return {
    get reads() {
      return n;
    },
    get items() {
      return items;
    },
    reset() {
      n = 0;
      items = 0;
    },
  };
};

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
};

export const measureGoals = async (): Promise<GoalFigures> => {
  const repCount = num('QF_BENCH_GOAL_REPS', 1000);
  const dealCount = num('QF_BENCH_GOAL_DEALS', 200_000);
  const activityCount = num('QF_BENCH_GOAL_ACTIVITIES', 500_000);
  const rand = lcg(7);
  const reps = Array.from({ length: repCount }, (_, i) => `rep-${String(i).padStart(4, '0')}`);
  const goals = benchGoals();
  const users = [
    { id: 'mgr', name: 'Manager', active: true },
    ...reps.map((id) => ({ id, name: id, managerId: 'mgr', active: true })),
  ];
  const org = buildOrg({ users, tenant: { timeZone: TENANT.timeZone, locale: 'en' }, config: goals.doc.org });
  const fxRate = (from: string, to: string) => (from === to ? new Dec(1) : new Dec('7.1'));
  const model = { goals, org, tenant: TENANT, fxRate, fractionDate };
  const pick = () => reps[Math.floor(rand() * repCount)] as string;
  const day = () =>
    `2026-${rand() < 0.6 ? '10' : '09'}-${String(1 + Math.floor(rand() * 30)).padStart(2, '0')}`;

  const table = await startLocalTable('quotaflow-bench-goals');
  try {
    const seedStart = Date.now();
    const totals = new Map<string, StoredTotal & { goal: string; period: string; owner: string }>();
    let batch: Record<string, unknown>[] = [];
    const pending: Promise<unknown>[] = [];
    const flush = async () => {
      const items = batch;
      batch = [];
      if (!items.length) return;
      pending.push(
        table.doc.send(
          new BatchWriteCommand({
            RequestItems: { [table.tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      );
      if (pending.length >= 8) await Promise.all(pending.splice(0));
    };
    const seed = async (object: CrmObject, record: CanonicalRecord) => {
      const stored = { object, record, version: Date.parse(record.modifiedAt), deleted: false };
      batch.push({
        ...keys.record(object, record.id),
        type: 'record',
        version: stored.version,
        gsi1pk: keys.ownedRecords(object, (record.owner as { id: string }).id),
        gsi1sk: `${goalDateOf(object, record)}#${record.id}`,
        data: stored,
        events: [],
      });
      for (const c of contributionsOf(stored, model)) {
        const k = totalKey(c);
        const t = totals.get(k) ?? { ...emptyTotal(), goal: c.goal, period: c.period, owner: c.owner };
        const next = applyDelta(t, {
          ...c,
          actual: new Dec(c.value),
          pipeline: new Dec(c.pipeline ?? 0),
          milestones: Object.fromEntries((c.milestones ?? []).map((by) => [by, new Dec(c.value)])),
          skipped: c.skipped ? 1 : 0,
        });
        totals.set(k, { ...next, goal: c.goal, period: c.period, owner: c.owner });
      }
      if (batch.length === 25) await flush();
    };
    for (let i = 0; i < dealCount; i++) {
      const date = day();
      const status = rand() < 0.5 ? 'won' : rand() < 0.5 ? 'open' : 'lost';
      await seed('deal', {
        id: `D${i}`,
        modifiedAt: `${date}T03:00:00Z`,
        owner: { id: pick() },
        status,
        amount: (Math.floor(rand() * 5_000_000) / 100).toFixed(2),
        currency: rand() < 0.1 ? 'USD' : 'CNY',
        closeDate: date,
        fields: { newAccount: rand() < 0.2, probability: 40 },
      });
    }
    const types = ['call', 'meeting', 'email', 'task'];
    for (let i = 0; i < activityCount; i++) {
      const at = `${day()}T0${Math.floor(rand() * 10)}:00:00Z`;
      await seed('activity', {
        id: `A${i}`,
        modifiedAt: at,
        owner: { id: pick() },
        fields: { type: types[Math.floor(rand() * 4)] as string, occurredAt: at },
      });
    }
    for (const t of totals.values()) {
      const exact = (v: Dec) => NumberValue.from(v.toFixed());
      const ms = Object.fromEntries(Object.entries(t.milestones).map(([by, v]) => [`ms#${by}`, exact(v)]));
      batch.push({
        ...goalProgressKeys.total(t.goal, t.period, t.owner),
        type: 'goal-total',
        actual: exact(t.actual),
        pipeline: exact(t.pipeline),
        skipped: t.skipped,
        ...ms,
      });
      if (batch.length === 25) await flush();
    }
    batch.push({ ...goalProgressKeys.recompute('READY'), type: 'goal-recompute' });
    await flush();
    await Promise.all(pending);
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const records = new RecordRepository(table.doc, table.tableName);
    const store = new GoalProgressRepository(table.doc, table.tableName, () => AS_OF);
    const counter = countReads(table.doc);
    const progress = async (stored: boolean) =>
      new GoalProgress(goals, org, TENANT, {
        owned: (object, owner, lower, upper) => records.owned(object, owner, lower, upper),
        target: async () => '500000',
        fxRate,
        ...(stored ? await store.source() : {}),
      });
    const evaluate = async (stored: boolean) => {
      counter.reset();
      const start = Date.now();
      const p = await progress(stored);
      // As the daily evaluation asks: each rep's goals, a few reps at a time.
      for (let i = 0; i < reps.length; i += 8)
        await Promise.all(reps.slice(i, i + 8).map((person) => p.figures({ asOf: AS_OF, person })));
      return { seconds: (Date.now() - start) / 1000, reads: counter.reads, items: counter.items };
    };
    const fromStore = await evaluate(true);
    const fromRecords = await evaluate(false);

    counter.reset();
    const recomputeStart = Date.now();
    const report = await recomputeGoals('2026-10-20', AS_OF, {
      progress: await progress(false),
      store,
      contributions: (s) => contributionsOf(s, model),
      timeUp: () => false,
      onDisagreement: () => {},
    });
    const recomputeSeconds = (Date.now() - recomputeStart) / 1000;
    const recomputeReads = counter.reads;
    const recomputeItems = counter.items;

    // Writes per progress update: new deals won, moved back, reassigned; new activities.
    const writes = countWrites(table.doc);
    const updates = 500;
    let affected = 0;
    let maxPerGoal = 0;
    for (let i = 0; i < updates; i++) {
      const id = `U${i % 100}`;
      const version = Date.parse('2026-10-19T00:00:00Z') + i;
      const record: CanonicalRecord = {
        id,
        modifiedAt: new Date(version).toISOString(),
        owner: { id: pick() },
        status: rand() < 0.6 ? 'won' : 'open',
        amount: '1000.00',
        closeDate: '2026-10-18',
        fields: { newAccount: rand() < 0.5, probability: 50 },
      };
      const before = writes.writes;
      const out = await applyRecordToGoals(
        { object: 'deal', record, version, deleted: false },
        (s) => contributionsOf(s, model),
        store,
        records,
      );
      const goalsMoved = new Set(out.deltas.map((d) => d.goal)).size;
      affected += goalsMoved;
      if (goalsMoved) maxPerGoal = Math.max(maxPerGoal, (writes.writes - before) / goalsMoved);
    }
    return {
      reps: repCount,
      goals: goals.doc.goals.length,
      deals: dealCount,
      activities: activityCount,
      seedSeconds,
      evaluationStoredSeconds: fromStore.seconds,
      evaluationStoredReads: fromStore.reads,
      evaluationStoredItems: fromStore.items,
      evaluationRecordsSeconds: fromRecords.seconds,
      evaluationRecordsReads: fromRecords.reads,
      evaluationRecordsItems: fromRecords.items,
      recomputeSeconds,
      recomputeReads,
      recomputeItems,
      recomputeDisagreements: report.disagreements,
      updates,
      writesPerUpdate: writes.writes / updates,
      writesPerAffectedGoal: affected ? writes.writes / affected : 0,
      maxWritesPerAffectedGoal: maxPerGoal,
    };
  } finally {
    await table.stop();
  }
};
