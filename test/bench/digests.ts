/**
 * Manager digests at scale on the local stand-in (dynalite): `managers` managers × `repsPer` reps over `deals` deals
 * and `activities` activities, with the archive holding the deals' events of the last 90 days, then one scheduled
 * run (Monday 08:30 in Shanghai) sending every manager's weekly digest. Reports the run's wall time, reads (Query
 * calls and items read) per digest. The seed writes the stored layout (the items the repositories write) straight
 * into a dynalite folder (dynalite-seed.ts), so it is not what is measured; the run reads that folder through the
 * SDK client from dynalite in its own process, as `npm start` serves its data folder.
 * Sizes: QF_BENCH_DIGEST_MANAGERS, _REPS, _DEALS, _ACTIVITIES.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CanonicalRecord } from '../../events';
import { startDynamo } from '../../infra/local/dynamodb';
import { goalDateOf } from '../../shared/goals/record-dates';
import type { parseGoals } from '../../shared/goals/validate';
import type { buildOrg } from '../../shared/org/model';
import type { EnrolmentRepository } from '../../shared/store/enrolments';
import {
  type EventArchive,
  STAGE_EVENT_RETENTION_DAYS,
  stageEventIndex,
} from '../../shared/store/event-archive';
import type { IncentiveRepository } from '../../shared/store/incentives';
import type { RecordRepository } from '../../shared/store/records';
import { keys, ttlFrom } from '../../shared/store/table-design';
import { localClientConfig } from '../support/local-aws';
import { seedDynalite } from './dynalite-seed';
import { type Figure, printFigures } from './report';

/** What `npm run bench` prints of a run, each beside its target (report.ts). */
export const DIGEST_FIGURES = (managers: number): Figure[] => [
  { label: 'run s (target: 100 managers × 10 reps)', path: ['digests', 'runSeconds'], target: { max: 60 } },
  { label: 'digests sent', path: ['digests', 'sent'], digits: 0, target: { eq: managers } },
  { label: 'queries/digest', path: ['digests', 'queriesPerDigest'] },
  { label: 'items read/digest', path: ['digests', 'itemsReadPerDigest'], digits: 0 },
];

/** A bench tenant seeded into a dynalite folder (dynalite-seed.ts), ready to be served and read. */
export interface SeededDigests {
  path: string;
  tableName: string;
  users: { id: string; name: string; email?: string; active: boolean; managerId?: string }[];
  managers: number;
  reps: number;
  deals: number;
  activities: number;
  archivedEvents: number;
  seedSeconds: number;
}

/** A run's figures, with the sizes of the seed it read. */
export interface DigestFigures extends Omit<SeededDigests, 'path' | 'tableName' | 'users'> {
  runSeconds: number;
  sent: number;
  queriesPerDigest: number;
  itemsReadPerDigest: number;
  ledgerChecksPerRun: number;
  /** Queries and items read in the whole run, by partition kind. */
  readsByKind: Record<string, { queries: number; items: number }>;
  /** The 1-minute load average before and after the run. */
  load: [number, number];
}

const NOW = new Date('2026-10-12T08:30:00+08:00');
const STAGES = ['Qualification', 'Proposal', 'Negotiation', 'Contract'];

const lcg = (seed: number) => () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const day = (offset: number) => new Date(NOW.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

/** The bench's items, in the stored layout the repositories write (records.ts, event-archive.ts). */
function* benchItems(
  reps: readonly string[],
  dealCount: number,
  activityCount: number,
  counted: { archived: number },
): Generator<Record<string, unknown>> {
  const rand = lcg(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const record = (object: 'deal' | 'activity', r: CanonicalRecord, stageSince?: string) => ({
    ...keys.record(object, r.id),
    type: 'record',
    version: Date.parse(r.modifiedAt),
    gsi1pk: keys.ownedRecords(object, r.owner?.id as string),
    gsi1sk: `${goalDateOf(object, r)}#${r.id}`,
    data: { object, record: r, version: Date.parse(r.modifiedAt), deleted: false },
    ...(stageSince ? { stageSince } : {}),
  });
  const event = (type: string, r: CanonicalRecord, extra: object = {}) => {
    const eventId = `${type}:${r.id}:${r.modifiedAt}`;
    const occurredAt = new Date(r.modifiedAt).toISOString();
    const localDay = new Date(Date.parse(occurredAt) + 8 * 3_600_000).toISOString().slice(0, 10);
    counted.archived++;
    return {
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
    };
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
    yield record('deal', d, modified);
    if (Date.parse(modified) > NOW.getTime() - 90 * 86_400_000) {
      yield event('deal.created', d);
      if (!won && rand() < 0.5)
        yield event('deal.stage_changed', d, { change: { from: 'Proposal', to: stage } });
    }
  }
  for (let i = 0; i < activityCount; i++) {
    const owner = pick(reps);
    const at = new Date(NOW.getTime() - Math.floor(rand() * 120 * 86_400_000)).toISOString();
    const deal = Math.floor(rand() * dealCount);
    yield record('activity', {
      id: `A${i}`,
      name: `活动 ${i}`,
      modifiedAt: at,
      owner: { id: owner },
      fields: { occurredAt: at, dealId: `D${deal}`, contactId: `C${deal}` },
    });
  }
}

/** Seeds the bench tenant into a fresh dynalite folder (removed by `dropSeeded`). */
export const seedDigests = async (
  managers = 100,
  repsPer = 10,
  dealCount = 200_000,
  activityCount = 500_000,
): Promise<SeededDigests> => {
  const users: SeededDigests['users'] = [];
  for (let m = 0; m < managers; m++) {
    users.push({ id: `m${m}`, name: `经理 ${m}`, email: `m${m}@bench.example`, active: true });
    for (let r = 0; r < repsPer; r++)
      users.push({ id: `m${m}-r${r}`, name: `销售 ${m}-${r}`, active: true, managerId: `m${m}` });
  }
  const reps = users.filter((u) => u.managerId).map((u) => u.id);
  const path = mkdtempSync(join(tmpdir(), 'quotaflow-bench-digests-'));
  const tableName = 'bench-digest';
  const counted = { archived: 0 };
  const seedStart = Date.now();
  await seedDynalite(path, tableName, benchItems(reps, dealCount, activityCount, counted));
  return {
    path,
    tableName,
    users,
    managers,
    reps: reps.length,
    deals: dealCount,
    activities: activityCount,
    archivedEvents: counted.archived,
    seedSeconds: (Date.now() - seedStart) / 1000,
  };
};

export const dropSeeded = (s: SeededDigests): void => rmSync(s.path, { recursive: true, force: true });

/** The checkout whose digest code a run measures by default: this one. */
const HERE = resolve(import.meta.dirname, '..', '..');

type Run = (d: never, now: Date) => Promise<{ outcome: string }[]>;
interface DigestModules {
  sendDueDigests: Run;
  digestDepsOf(base: object, stores: object): object;
  parseGoals: typeof parseGoals;
  buildOrg: typeof buildOrg;
  RecordRepository: typeof RecordRepository;
  EventArchive: typeof EventArchive;
  IncentiveRepository: typeof IncentiveRepository;
  EnrolmentRepository: typeof EnrolmentRepository;
}

/** The digest code of a checkout (this one, or the other side of an A/B: ab-digests.ts). */
const modulesOf = async (root: string): Promise<DigestModules> => {
  const at = async (path: string) =>
    (await import(pathToFileURL(join(root, 'shared', path)).href)) as Record<string, never>;
  const [run, wiring, validate, model, records, archive, incentives, enrolments] = await Promise.all(
    [
      'digest/run.ts',
      'digest/wiring.ts',
      'goals/validate.ts',
      'org/model.ts',
      'store/records.ts',
      'store/event-archive.ts',
      'store/incentives.ts',
      'store/enrolments.ts',
    ].map(at),
  );
  return {
    sendDueDigests: run?.sendDueDigests as never,
    digestDepsOf: wiring?.digestDepsOf as never,
    parseGoals: validate?.parseGoals as never,
    buildOrg: model?.buildOrg as never,
    RecordRepository: records?.RecordRepository as never,
    EventArchive: archive?.EventArchive as never,
    IncentiveRepository: incentives?.IncentiveRepository as never,
    EnrolmentRepository: enrolments?.EnrolmentRepository as never,
  };
};

/**
 * One scheduled run (Monday 08:30 in Shanghai) of `root`'s digest code over the seeded tenant, served by dynalite
 * in its own process from the seeded folder, as `npm start` serves its data folder.
 */
export const runDigests = async (s: SeededDigests, root = HERE): Promise<DigestFigures> => {
  const m = await modulesOf(root);
  const dynamo = await startDynamo({ tableName: s.tableName, path: s.path, separateProcess: true });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(dynamo.endpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  try {
    const goals = m.parseGoals(
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
    };
    const org = m.buildOrg({
      users: s.users,
      tenant: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
      config: goals.doc.org,
    });

    let queries = 0;
    let items = 0;
    let ledgerChecks = 0;
    const byKind: DigestFigures['readsByKind'] = {};
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'QueryCommand') {
          const count = (out.output as { Count?: number }).Count ?? 0;
          queries++;
          items += count;
          // By partition kind (`OWNED#deal`, `EVENTDAY`, ...): where a digest's reads go.
          const values = (args.input as { ExpressionAttributeValues?: Record<string, unknown> })
            .ExpressionAttributeValues;
          const pk = String(Object.values(values ?? {})[0] ?? '');
          const kind = pk.split('#', pk.startsWith('OWNED#') ? 2 : 1).join('#');
          const seen = byKind[kind] ?? { queries: 0, items: 0 };
          byKind[kind] = { queries: seen.queries + 1, items: seen.items + count };
        }
        return out;
      },
      { step: 'initialize', name: 'countQueries' },
    );
    const table = s.tableName;
    const archive = new m.EventArchive(doc, table, { timeZone: 'Asia/Shanghai', now: () => NOW });
    const sentTo = new Set<string>();
    const loadBefore = loadavg()[0] ?? 0;
    const runStart = Date.now();
    const outcomes = await m.sendDueDigests(
      {
        // The ports the scheduled run reads through (digest/wiring.ts); the bench stores no enrolments, and each
        // rep's enrolments are still one owner-index Query, as deployed.
        ...m.digestDepsOf(
          { tenant, goals, org, book: undefined },
          {
            records: new m.RecordRepository(doc, table),
            targets: { get: async () => ({ target: '3000000.00' }) },
            archive,
            incentives: new m.IncentiveRepository(doc, table),
            enrolments: new m.EnrolmentRepository(doc, table, () => NOW),
          },
        ),
        ledger: {
          isDone: async (key: string) => {
            ledgerChecks++;
            return sentTo.has(key);
          },
          run: async (e: { key: string }) => {
            sentTo.add(e.key);
            return { outcome: 'performed', result: 'bench' };
          },
        },
      } as never,
      NOW,
    );
    const runSeconds = (Date.now() - runStart) / 1000;
    const sent = outcomes.filter((o) => o.outcome === 'performed').length;
    return {
      managers: s.managers,
      reps: s.reps,
      deals: s.deals,
      activities: s.activities,
      archivedEvents: s.archivedEvents,
      seedSeconds: s.seedSeconds,
      runSeconds,
      sent,
      queriesPerDigest: queries / Math.max(1, sent),
      itemsReadPerDigest: items / Math.max(1, sent),
      ledgerChecksPerRun: ledgerChecks,
      readsByKind: byKind,
      load: [loadBefore, loadavg()[0] ?? 0].map((l) => Number(l.toFixed(2))) as [number, number],
    };
  } finally {
    doc.destroy();
    await dynamo.stop();
  }
};

export const measureDigests = async (
  managers = 100,
  repsPer = 10,
  dealCount = 200_000,
  activityCount = 500_000,
): Promise<DigestFigures> => {
  const seeded = await seedDigests(managers, repsPer, dealCount, activityCount);
  try {
    return await runDigests(seeded);
  } finally {
    dropSeeded(seeded);
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
