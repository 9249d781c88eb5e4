/**
 * Manager digests at scale on the local stand-in (dynalite): `managers` managers × `repsPer` reps over `deals` deals
 * and `activities` activities, with the archive holding the deals' events of the last 90 days, then one scheduled
 * run (Monday 08:30 in Shanghai) sending every manager's weekly digest. Reports the run's wall time, reads (Query
 * calls and items read) per digest, and that every item a digest reads is its own team's (no table scan). Seeding
 * writes the stored layout directly with batch writes (the same items the repositories write), so the seed is not
 * what is measured. Sizes: QF_BENCH_DIGEST_MANAGERS, _REPS, _DEALS, _ACTIVITIES.
 */
import { loadavg } from 'node:os';
import { BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { CanonicalRecord } from '../../events';
import { sendDueDigests } from '../../shared/digest/run';
import { digestDepsOf } from '../../shared/digest/wiring';
import { goalDateOf } from '../../shared/goals/record-dates';
import { parseGoals } from '../../shared/goals/validate';
import { buildOrg } from '../../shared/org/model';
import { EnrolmentRepository } from '../../shared/store/enrolments';
import { EventArchive, STAGE_EVENT_RETENTION_DAYS, stageEventIndex } from '../../shared/store/event-archive';
import { IncentiveRepository } from '../../shared/store/incentives';
import { RecordRepository } from '../../shared/store/records';
import { keys, ttlFrom } from '../../shared/store/table-design';
import { startLocalTable } from '../support/local-aws';
import { type Figure, printFigures } from './report';

/** What `npm run bench` prints of a run, each beside its target (report.ts). */
export const DIGEST_FIGURES = (managers: number): Figure[] => [
  { label: 'run s (target: 100 managers × 10 reps)', path: ['digests', 'runSeconds'], target: { max: 60 } },
  { label: 'digests sent', path: ['digests', 'sent'], digits: 0, target: { eq: managers } },
  { label: 'queries/digest', path: ['digests', 'queriesPerDigest'] },
  { label: 'items read/digest', path: ['digests', 'itemsReadPerDigest'], digits: 0 },
];

export interface DigestFigures {
  managers: number;
  reps: number;
  deals: number;
  activities: number;
  archivedEvents: number;
  seedSeconds: number;
  runSeconds: number;
  sent: number;
  queriesPerDigest: number;
  itemsReadPerDigest: number;
  ledgerChecksPerRun: number;
}

const NOW = new Date('2026-10-12T08:30:00+08:00');
const STAGES = ['Qualification', 'Proposal', 'Negotiation', 'Contract'];

const lcg = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const day = (offset: number) => new Date(NOW.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

export const measureDigests = async (
  managers = 100,
  repsPer = 10,
  dealCount = 200_000,
  activityCount = 500_000,
): Promise<DigestFigures> => {
  // dynalite in its own process, as `npm start` runs it (infra/local/runtime.ts).
  const table = await startLocalTable('bench-digest', { separateProcess: true });
  try {
    const rand = lcg(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
    const users = [];
    for (let m = 0; m < managers; m++) {
      users.push({ id: `m${m}`, name: `经理 ${m}`, email: `m${m}@bench.example`, active: true });
      for (let r = 0; r < repsPer; r++)
        users.push({ id: `m${m}-r${r}`, name: `销售 ${m}-${r}`, active: true, managerId: `m${m}` });
    }
    const reps = users.filter((u) => 'managerId' in u).map((u) => u.id);

    const seedStart = Date.now();
    const pending: Record<string, unknown>[] = [];
    const writeBatch = async (batch: Record<string, unknown>[]) => {
      let items: Record<string, unknown>[] | undefined = batch;
      while (items?.length) {
        const out: BatchWriteCommandOutput = await table.doc.send(
          new BatchWriteCommand({
            RequestItems: { [table.tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
        items = out.UnprocessedItems?.[table.tableName]?.map(
          (r) => r.PutRequest?.Item as Record<string, unknown>,
        );
      }
    };
    /** Eight batches of 25 in flight at a time. */
    const flush = async () => {
      while (pending.length) {
        const chunk = pending.splice(0, 200);
        const batches: Record<string, unknown>[][] = [];
        for (let i = 0; i < chunk.length; i += 25) batches.push(chunk.slice(i, i + 25));
        await Promise.all(batches.map(writeBatch));
      }
    };
    const put = async (item: Record<string, unknown>) => {
      pending.push(item);
      if (pending.length >= 500) await flush();
    };
    const record = async (object: 'deal' | 'activity', r: CanonicalRecord, stageSince?: string) => {
      const owner = r.owner?.id as string;
      await put({
        ...keys.record(object, r.id),
        type: 'record',
        version: Date.parse(r.modifiedAt),
        gsi1pk: keys.ownedRecords(object, owner),
        gsi1sk: `${goalDateOf(object, r)}#${r.id}`,
        data: { object, record: r, version: Date.parse(r.modifiedAt), deleted: false },
        ...(stageSince ? { stageSince } : {}),
      });
    };
    let archived = 0;
    const event = async (type: string, r: CanonicalRecord, extra: object = {}) => {
      const eventId = `${type}:${r.id}:${r.modifiedAt}`;
      const occurredAt = new Date(r.modifiedAt).toISOString();
      const localDay = new Date(Date.parse(occurredAt) + 8 * 3_600_000).toISOString().slice(0, 10);
      archived++;
      await put({
        ...keys.archivedEvent(eventId),
        type: 'event',
        eventType: type,
        detail: {
          version: 1,
          eventId,
          tenantId: 'bench',
          object: 'deal',
          recordId: r.id,
          record: r,
          occurredAt,
          correlationId: 'bench',
          ...extra,
        },
        archivedAt: NOW.toISOString(),
        gsi1pk: keys.archivedEventDay(localDay),
        gsi1sk: `${occurredAt}#${eventId}`,
        ...stageEventIndex(type, localDay, occurredAt, eventId),
        expiresAt: ttlFrom(NOW, STAGE_EVENT_RETENTION_DAYS),
      });
    };

    for (let i = 0; i < dealCount; i++) {
      const owner = pick(reps);
      const won = rand() < 0.3;
      const modified = new Date(NOW.getTime() - Math.floor(rand() * 120 * 86_400_000)).toISOString();
      const stage = won ? 'Closed Won' : pick(STAGES);
      const d: CanonicalRecord = {
        id: `D${i}`,
        name: `商机 ${i}`,
        modifiedAt: modified,
        owner: { id: owner },
        stage,
        status: won ? 'won' : 'open',
        amount: `${Math.floor(rand() * 500_000)}.00`,
        currency: 'CNY',
        closeDate: day(Math.floor(rand() * 300) - 120),
        fields: { contactId: `C${i}` },
      };
      await record('deal', d, modified);
      if (Date.parse(modified) > NOW.getTime() - 90 * 86_400_000) {
        await event('deal.created', d);
        if (!won && rand() < 0.5)
          await event('deal.stage_changed', d, { change: { from: 'Proposal', to: stage } });
      }
    }
    for (let i = 0; i < activityCount; i++) {
      const owner = pick(reps);
      const at = new Date(NOW.getTime() - Math.floor(rand() * 120 * 86_400_000)).toISOString();
      const deal = Math.floor(rand() * dealCount);
      await record('activity', {
        id: `A${i}`,
        name: `活动 ${i}`,
        modifiedAt: at,
        owner: { id: owner },
        fields: { occurredAt: at, dealId: `D${deal}`, contactId: `C${deal}` },
      });
    }
    await flush();
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const goals = parseGoals(
      {
        schemaVersion: 1,
        tenantId: 'bench',
        goals: [
          {
            id: 'won',
            name: { en: 'Won amount', 'zh-CN': '成交额' },
            why: { en: 'bench', 'zh-CN': 'bench' },
            owner: 'rep',
            metric: { type: 'won_amount' },
            period: { kind: 'month' },
            target: { source: 'targets' },
          },
        ],
      },
      'bench goals',
    );
    const tenant = {
      id: 'bench',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      displayName: 'Bench',
      mail: { sender: 'digest@bench.example' },
    } as never;
    const org = buildOrg({
      users,
      tenant: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
      config: goals.doc.org,
    });

    let queries = 0;
    let items = 0;
    let ledgerChecks = 0;
    table.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'QueryCommand') {
          queries++;
          items += ((out.output as { Count?: number }).Count ?? 0) as number;
        }
        return out;
      },
      { step: 'initialize', name: 'countQueries' },
    );
    const archive = new EventArchive(table.doc, table.tableName, {
      timeZone: 'Asia/Shanghai',
      now: () => NOW,
    });
    const sentTo = new Set<string>();
    const runStart = Date.now();
    const outcomes = await sendDueDigests(
      {
        // The ports the scheduled run reads through (digest/wiring.ts); the bench stores no enrolments, and each
        // rep's enrolments are still one owner-index Query, as deployed.
        ...digestDepsOf(
          { tenant, goals, org, book: undefined },
          {
            records: new RecordRepository(table.doc, table.tableName),
            targets: { get: async () => ({ target: '3000000.00' }) as never },
            archive,
            incentives: new IncentiveRepository(table.doc, table.tableName),
            enrolments: new EnrolmentRepository(table.doc, table.tableName, () => NOW),
          },
        ),
        ledger: {
          isDone: async (key) => {
            ledgerChecks++;
            return sentTo.has(key);
          },
          run: async (e) => {
            sentTo.add(e.key);
            return { outcome: 'performed', result: 'bench' };
          },
        },
      },
      NOW,
    );
    const runSeconds = (Date.now() - runStart) / 1000;
    const sent = outcomes.filter((o) => o.outcome === 'performed').length;
    return {
      managers,
      reps: reps.length,
      deals: dealCount,
      activities: activityCount,
      archivedEvents: archived,
      seedSeconds,
      runSeconds,
      sent,
      queriesPerDigest: queries / Math.max(1, sent),
      itemsReadPerDigest: items / Math.max(1, sent),
      ledgerChecksPerRun: ledgerChecks,
    };
  } finally {
    await table.stop();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  measureDigests(
    n('QF_BENCH_DIGEST_MANAGERS', 100),
    n('QF_BENCH_DIGEST_REPS', 10),
    n('QF_BENCH_DIGEST_DEALS', 200_000),
    n('QF_BENCH_DIGEST_ACTIVITIES', 500_000),
  ).then((f) => {
    console.log(JSON.stringify(f, null, 2));
    printFigures('Manager digests', DIGEST_FIGURES(f.managers), { digests: f }, undefined);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  });
}
