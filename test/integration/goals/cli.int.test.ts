/**
 * `quotaflow goals` as an admin uses it, on dynalite: targets set, listed with their history, imported from CSV
 * (all or nothing, errors by line) and exported; progress of the demo tenant's goals as of fixed instants, from
 * records stored as the sync stores them and read through the owner index.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord, CrmObject } from '../../../events';
import {
  type GoalsWiring,
  runExport,
  runImport,
  runList,
  runProgress,
  runReindex,
  runSet,
} from '../../../infra/cli/goals';
import { orgOf } from '../../../infra/cli/goals-wiring';
import { loadGoalsDocument } from '../../../infra/goals-document';
import { loadTenant } from '../../../infra/tenants';
import { GoalTargetRepository } from '../../../shared/store/goal-targets';
import { RecordRepository } from '../../../shared/store/records';
import { UserRepository } from '../../../shared/store/users';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { demoBook, ROOT } from '../incentives/support';

let table: LocalTable;
let w: GoalsWiring;
const dir = mkdtempSync(join(tmpdir(), 'goals-cli-'));
const base = { tenant: 'demo' };
/** Friday 16 October 2026, 18:00 in Shanghai: 8, 9, 10 (make-up Saturday), 12–15 October have ended. */
const AS_OF = '2026-10-16T18:00:00+08:00';

const owners: Record<string, { id: string; name: string }> = {
  u1: { id: 'u1', name: '王芳' },
  u2: { id: 'u2', name: '陈静' },
  u3: { id: 'u3', name: 'Emily Carter' },
};
const deal = (
  id: string,
  owner: string,
  amount: string,
  closeDate: string,
  over: Partial<CanonicalRecord> = {},
) => ({
  object: 'deal' as const,
  record: {
    id,
    modifiedAt: `${closeDate}T04:00:00Z`,
    owner: owners[owner] ?? { id: owner },
    stage: 'Closed Won',
    status: 'won' as const,
    amount,
    currency: 'CNY',
    closeDate,
    fields: {},
    ...over,
  },
});
const activity = (id: string, owner: string, type: string, occurredAt: string) => ({
  object: 'activity' as const,
  record: { id, modifiedAt: occurredAt, owner: owners[owner] ?? { id: owner }, fields: { type, occurredAt } },
});

const store = async (object: CrmObject, record: CanonicalRecord) => {
  const out = await new RecordRepository(table.doc, table.tableName).upsert(
    { object, record, version: Date.parse(record.modifiedAt), deleted: false },
    () => [],
  );
  if (!out.applied) throw new Error(`${record.id} not stored`);
};

beforeAll(async () => {
  table = await startLocalTable('goals-cli');
  const users = [
    { id: 'm1', name: '李明', email: 'li.ming@demo.example', active: true },
    { id: 'u1', name: '王芳', active: true, managerId: 'm1' },
    { id: 'u2', name: '陈静', active: true, managerId: 'm1' },
    { id: 'u3', name: 'Emily Carter', active: true, managerId: 'm1' },
  ];
  await new UserRepository(table.doc, table.tableName).putChanged(users, new Date('2026-10-01T00:00:00Z'));
  for (const r of [
    deal('d1', 'u1', '120000.00', '2026-10-09'),
    // USD at the Q4 rate of the plans' fxRates: 10,000 × 7.08.
    deal('d2', 'u1', '10000.00', '2026-10-14', { currency: 'USD' }),
    deal('d3', 'u1', '99999.00', '2026-10-13', { status: 'lost', stage: 'Closed Lost' }),
    deal('d4', 'u1', '50000.00', '2026-09-30'),
    deal('d5', 'u2', '30000.00', '2026-10-12'),
    deal('d6', 'u2', '200000.00', '2026-10-28', {
      status: 'open',
      stage: 'Proposal',
      fields: { probability: 50 },
    }),
    deal('d7', 'u3', '5000.00', '2026-10-02', { currency: 'USD' }),
    // 1 October 01:00 in Shanghai, still 30 September in UTC: October's.
    activity('a1', 'u1', 'call', '2026-09-30T17:00:00Z'),
    // 30 September 23:59 in Shanghai: September's.
    activity('a2', 'u1', 'call', '2026-09-30T15:59:00Z'),
    activity('a3', 'u1', 'meeting', '2026-10-12T02:00:00Z'),
    activity('a4', 'u1', 'email', '2026-10-12T03:00:00Z'),
    activity('a5', 'u1', 'Call', '2026-10-15T06:00:00Z'),
  ])
    await store(r.object, r.record);
  const tenant = loadTenant(join(ROOT, 'tenants', 'demo.json'));
  const goals = loadGoalsDocument('demo', ROOT, 2026);
  if (!goals) throw new Error('the demo tenant has no goals');
  const book = demoBook();
  w = {
    tenant,
    goals,
    org: orgOf(tenant, goals, users, book),
    book,
    records: new RecordRepository(table.doc, table.tableName),
    targets: new GoalTargetRepository(table.doc, table.tableName),
    tableName: table.tableName,
    now: () => new Date('2026-10-08T09:00:00+08:00'),
    by: 'admin@demo',
  };
});
afterAll(async () => {
  await table?.stop();
});

describe('goals set and list', () => {
  it('keeps every change with who, when, old → new and why', async () => {
    const a = terminal();
    const target = { ...base, person: 'u1', goal: 'calls-meetings', period: '2026-10' };
    expect(await runSet({ ...target, target: '40' }, w, a.term)).toBe(0);
    expect(a.t.out).toContain('u1 calls-meetings 2026-10: (none) → 40');
    const b = terminal();
    expect(await runSet({ ...target, target: '44', reason: 'new territory' }, w, b.term)).toBe(0);
    // The same value again changes nothing.
    const c = terminal();
    expect(await runSet({ ...target, target: '44.00' }, w, c.term)).toBe(0);
    expect(c.t.out).toContain('0 target(s) changed, 1 unchanged');
    const h = terminal();
    expect(await runList({ ...base, goal: 'calls-meetings', history: true, json: true }, w, h.term)).toBe(0);
    expect(JSON.parse(h.t.out).changes).toEqual([
      {
        goal: 'calls-meetings',
        period: '2026-10',
        owner: 'u1',
        version: 1,
        to: '40',
        by: 'admin@demo',
        at: '2026-10-08T01:00:00.000Z',
      },
      {
        goal: 'calls-meetings',
        period: '2026-10',
        owner: 'u1',
        version: 2,
        from: '40',
        to: '44',
        reason: 'new territory',
        by: 'admin@demo',
        at: '2026-10-08T01:00:00.000Z',
      },
    ]);
  });

  it('refuses what cannot be a target, naming why (exit 2)', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ goal: 'won-amount' }, 'takes its target from the incentive quota'],
      [{ person: 'nobody' }, 'person "nobody" is not in the org'],
      [{ period: '2026-Q4' }, 'period "2026-Q4" must be a month such as 2026-10'],
      [{ target: '-5' }, 'must be a non-negative decimal'],
    ];
    for (const [over, message] of cases) {
      const t = terminal();
      const opts = {
        ...base,
        person: 'u2',
        goal: 'calls-meetings',
        period: '2026-10',
        target: '30',
        ...over,
      };
      expect(await runSet(opts, w, t.term)).toBe(2);
      expect(t.t.err).toContain(message);
    }
  });
});

describe('goals import and export', () => {
  it('a bad row refuses the whole file, each problem by line (the header is line 1)', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      'person,goal,period,target\nu2,calls-meetings,2026-10,30\nu3,calls-meetings,2026-13,30\nzz,calls-meetings,2026-10,30\nu2,calls-meetings,2026-10,31\n',
    );
    const t = terminal();
    expect(await runImport({ ...base, file }, w, t.term)).toBe(1);
    expect(t.t.err).toContain('nothing was imported');
    expect(t.t.err).toContain('line 3: period "2026-13" must be a month such as 2026-10');
    expect(t.t.err).toContain('line 4: person "zz" is not in the org');
    expect(t.t.err).toContain('line 5: repeats line 2 (u2, calls-meetings, 2026-10)');
    expect(await w.targets.get('calls-meetings', '2026-10', 'u2')).toBeUndefined();
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'rep,goal,period,target\n');
    const h = terminal();
    expect(await runImport({ ...base, file: header }, w, h.term)).toBe(1);
    expect(h.t.err).toContain('line 1: the header must be "person,goal,period,target"');
  });

  it('imports a good file with reasons (quoted commas kept) and exports what import reads', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(
      file,
      'person,goal,period,target,reason\r\nu2,calls-meetings,2026-10,30,"Q4 plan, agreed"\r\nu3,calls-meetings,2026-10,36,\r\neast,team-won-amount,2026-10,800000.00,board number\r\n',
    );
    const t = terminal();
    expect(await runImport({ ...base, file, reason: 'Q4 planning' }, w, t.term)).toBe(0);
    expect(t.t.out).toContain('3 target(s) changed, 0 unchanged');
    expect((await w.targets.get('calls-meetings', '2026-10', 'u3'))?.reason).toBe('Q4 planning');
    const e = terminal();
    expect(await runExport({ ...base, period: '2026-10' }, w, e.term)).toBe(0);
    expect(e.t.out).toBe(
      [
        'person,goal,period,target,reason',
        'u1,calls-meetings,2026-10,44,new territory',
        'u2,calls-meetings,2026-10,30,"Q4 plan, agreed"',
        'u3,calls-meetings,2026-10,36,Q4 planning',
        'east,team-won-amount,2026-10,800000.00,board number',
        '',
      ].join('\r\n'),
    );
    // The export imports again as "nothing changed".
    const again = join(dir, 'again.csv');
    writeFileSync(again, e.t.out);
    const r = terminal();
    expect(await runImport({ ...base, file: again }, w, r.term)).toBe(0);
    expect(r.t.out).toContain('0 target(s) changed, 4 unchanged');
  });
});

describe('goals progress', () => {
  const progress = async (opts: Record<string, string> = {}) => {
    const t = terminal();
    expect(await runProgress({ ...base, asOf: AS_OF, json: true, ...opts }, w, t.term)).toBe(0);
    return JSON.parse(t.t.out).goals as Record<string, unknown>[];
  };

  it('won amount against the incentive quota, in the tenant currency, with pace on the owner’s calendar', async () => {
    const figures = await progress();
    const won = (person: string) => figures.find((f) => f.goal === 'won-amount' && f.person === person);
    // 120,000 + 10,000 USD × 7.08; the lost and the September deal do not count. 7 of 18 business days ended.
    expect(won('u1')).toMatchObject({
      period: '2026-10',
      target: '300000.00',
      actual: '190800.00',
      attainment: '0.6360',
      expected: '116666.67',
      gap: '-74133.33',
      // (300,000 − 190,800) ÷ 11 remaining business days × 5.
      neededPerWeek: '49636.36',
      projected: '490628.57',
      status: 'on_track',
      businessDays: { total: 18, elapsed: 7, remaining: 11 },
      // Half of 18 business days: the 9th, Monday 19 October; already reached.
      milestones: [{ by: '2026-10-19', value: '100000.00', state: 'reached' }],
    });
    // u2: far behind; the open 200,000 deal at 50% covers 0.45 of the 220,000 still open.
    expect(won('u2')).toMatchObject({
      actual: '30000.00',
      target: '250000.00',
      status: 'behind',
      coverage: '0.45',
    });
    // u3 counts in New York: 06:00 on Friday there; Columbus Day (12 October) is off, so 10 of 21 have ended.
    expect(won('u3')).toMatchObject({
      timeZone: 'America/New_York',
      actual: '35400.00',
      expected: '142857.14',
      businessDays: { total: 21, elapsed: 10, remaining: 11 },
    });
  });

  it('activities by type and occurred-at in the owner’s zone; the team’s target against its members’ sum', async () => {
    const figures = await progress();
    // a1 (1 October in Shanghai), a3 (meeting) and a5 ("Call"); not the email, not September's call.
    expect(figures.find((f) => f.goal === 'calls-meetings' && f.person === 'u1')).toMatchObject({
      // Fixed places (README, Goals): counts to two, attainment to four.
      actual: '3.00',
      target: '44.00',
      attainment: '0.0682',
      expected: '17.11',
      status: 'behind',
    });
    expect(figures.find((f) => f.goal === 'team-won-amount')).toMatchObject({
      team: 'east',
      person: null,
      actual: '256200.00',
      target: '800000.00',
      mismatch: { own: '800000.00', members: '850000.00' },
    });
  });

  it('--person narrows to one rep; --team to the team and its members', async () => {
    expect((await progress({ person: 'u3' })).map((f) => `${f.goal}/${f.person}`)).toEqual([
      'won-amount/u3',
      'calls-meetings/u3',
    ]);
    expect((await progress({ team: 'east' })).filter((f) => f.owner === 'team')).toHaveLength(1);
  });

  it('prints names and the reader’s numbers: zh-CN for the tenant, en for Emily', async () => {
    const zh = terminal();
    expect(await runProgress({ ...base, asOf: AS_OF }, w, zh.term)).toBe(0);
    expect(zh.t.out).toContain('月度成交额 (won-amount)');
    expect(zh.t.out).toMatch(/王芳 +2026-10 +¥190,800\.00 +¥300,000\.00 +63\.6%/);
    expect(zh.t.out).toContain('团队目标 ¥800,000.00 与成员目标之和 ¥850,000.00 不一致');
    const en = terminal();
    expect(await runProgress({ ...base, asOf: AS_OF, person: 'u3' }, w, en.term)).toBe(0);
    expect(en.t.out).toContain('Monthly won amount (won-amount)');
    expect(en.t.out).toMatch(/Emily Carter +2026-10 +CN¥35,400\.00/);
  });

  it('records stored before the owner index existed are indexed by reindex, once', async () => {
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const old = deal('d8', 'u2', '20000.00', '2026-10-13').record;
    // As an older version of the sync stored it: no owner index attributes.
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: 'REC#deal#d8',
          sk: 'CURRENT',
          type: 'record',
          version: Date.parse(old.modifiedAt),
          data: { object: 'deal', record: old, version: Date.parse(old.modifiedAt), deleted: false },
          events: [],
        },
      }),
    );
    const won = async () => (await progress({ person: 'u2' })).find((f) => f.goal === 'won-amount')?.actual;
    expect(await won()).toBe('30000.00');
    const t = terminal();
    expect(await runReindex({ ...base }, w, t.term)).toBe(0);
    expect(t.t.out).toBe('1 record(s) added to the owner index\n');
    expect(await won()).toBe('50000.00');
    const again = terminal();
    expect(await runReindex({ ...base }, w, again.term)).toBe(0);
    expect(again.t.out).toBe('0 record(s) added to the owner index\n');
  });

  it('a bad --as-of or an unknown person is a usage error (exit 2)', async () => {
    const a = terminal();
    expect(await runProgress({ ...base, asOf: '2026-10-16' }, w, a.term)).toBe(2);
    expect(a.t.err).toContain('--as-of must be an ISO-8601 instant with a zone');
    const b = terminal();
    expect(await runProgress({ ...base, person: 'nobody' }, w, b.term)).toBe(2);
    expect(b.t.err).toContain('person "nobody" is not in the org');
  });
});
