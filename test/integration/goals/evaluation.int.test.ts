/**
 * The daily goal evaluation on dynalite through the effect ledger: a rep in Shanghai behind pace gets one reminder
 * (in Chinese, with the numbers), a rep in New York who met the goal gets one congratulation (cc the manager) and
 * the team chat one post; running the evaluation twice sends nothing again, the next day brings no new reminder,
 * and a dry run sends and stores nothing. Fixed instants in October 2026 (Monday–Friday calendar).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { runEvaluate } from '../../../infra/cli/goals-evaluate';
import type { GoalsWiring } from '../../../infra/cli/goals-wiring';
import { parseGoals } from '../../../shared/goals/validate';
import { buildOrg } from '../../../shared/org/model';
import { GoalReminderRepository } from '../../../shared/store/goal-reminders';
import { GoalTargetRepository } from '../../../shared/store/goal-targets';
import { RecordRepository } from '../../../shared/store/records';
import { type LocalTable, RecordingMailer, startLocalTable } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { deals, evaluationOn, seedGoals } from './support';

const goals = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'acme',
    org: {
      directReportTeams: false,
      people: {
        u1: { email: 'wang.fang@acme.example', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
        u3: { email: 'emily@acme.example', locale: 'en', timeZone: 'America/New_York' },
        m1: { email: 'li.ming@acme.example', locale: 'zh-CN' },
      },
      teams: { east: { name: 'East', managerId: 'm1', members: ['u1', 'u3'] } },
    },
    notify: { chatWebhook: 'sales', checkin: { enabled: false } },
    goals: [
      {
        id: 'won-amount',
        name: { 'zh-CN': '月度成交额', en: 'Monthly won amount' },
        owner: 'rep',
        metric: { type: 'won_amount' },
        period: { kind: 'month' },
        target: { source: 'targets' },
      },
    ],
  },
  'goals.json',
);
const org = buildOrg({
  users: [
    { id: 'm1', name: '李明', active: true },
    { id: 'u1', name: '王芳', active: true, managerId: 'm1' },
    { id: 'u3', name: 'Emily Carter', active: true, managerId: 'm1' },
  ],
  tenant: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
  config: goals.doc.org,
});
const tenant = {
  id: 'acme',
  displayName: 'Acme',
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  mail: { sender: 'goals@acme.example' },
};
const won = (id: string, owner: string, amount: string, closeDate: string): CanonicalRecord => ({
  id,
  modifiedAt: `${closeDate}T04:00:00Z`,
  owner: { id: owner },
  status: 'won',
  amount,
  currency: 'CNY',
  closeDate,
  fields: {},
});

let table: LocalTable;
const mailer = new RecordingMailer();
const posts: { url: string; body: Record<string, unknown> }[] = [];
let now = new Date('2026-10-14T08:45:00+08:00');

const evaluation = (dryRun = false) =>
  evaluationOn(table, { goals, org, tenant }, { now, mailer, posts, dryRun });

beforeAll(async () => {
  table = await startLocalTable('goals-eval');
  await seedGoals(table, {
    records: deals(won('d1', 'u1', '10000.00', '2026-10-05'), won('d2', 'u3', '120000.00', '2026-10-06')),
    targets: [
      { goal: 'won-amount', period: '2026-10', owner: 'u1', target: '100000' },
      { goal: 'won-amount', period: '2026-10', owner: 'u3', target: '100000' },
    ],
    targetsSetAt: new Date('2026-10-01T00:00:00Z'),
  });
});
afterAll(async () => {
  await table?.stop();
});

describe('goal evaluation', () => {
  it('quotaflow goals evaluate --dry-run prints what would be sent and why', async () => {
    const { t, term } = terminal();
    // The CLI reads the chat webhook from the tenant's workflows file; this tenant has none, so no chat here.
    const { chatWebhook: _, ...notify } = goals.doc.notify;
    const w = {
      goals: { ...goals, doc: { ...goals.doc, notify } },
      tenant: { ...tenant, locale: 'zh-CN' } as unknown as GoalsWiring['tenant'],
      org,
      records: new RecordRepository(table.doc, table.tableName),
      targets: new GoalTargetRepository(table.doc, table.tableName),
      reminders: new GoalReminderRepository(table.doc, table.tableName, () => now),
      tableName: table.tableName,
      now: () => now,
      by: 'test',
    };
    const code = await runEvaluate({ asOf: '2026-10-14T08:45:00+08:00', dryRun: true }, w, term, () => {
      throw new Error('a dry run opens no ledger');
    });
    expect(code).toBe(0);
    expect(t.out).toContain('u1 (2026-10-14):\n  won-amount 2026-10 behind: reminder: behind');
    expect(t.out).toContain(
      'would send goal-reminder to wang.fang@acme.example: 有 1 个目标需要关注 [goal-reminder#u1#2026-10-14]',
    );
    expect(t.out).toContain('u3 (2026-10-13):\n  won-amount 2026-10 met: met: nothing to remind');
    expect(t.out).toContain(
      'would send goal-recognition to emily@acme.example: Goal met: Monthly won amount',
    );
  });

  it('a dry run says what would be sent, and sends and stores nothing', async () => {
    const report = await evaluation(true).run(now);
    const u1 = report.find((r) => r.owner === 'u1');
    expect(u1?.messages.map((m) => [m.kind, m.key, m.outcome])).toEqual([
      ['goal-reminder', 'goal-reminder#u1#2026-10-14', undefined],
    ]);
    expect(u1?.goals[0]?.decision).toBe('reminder: behind');
    expect(mailer.sent).toHaveLength(0);
    expect(await new GoalReminderRepository(table.doc, table.tableName, () => now).states('u1')).toEqual(
      new Map(),
    );
  });

  it('sends one reminder, one congratulation and one chat post, even when the evaluation runs twice', async () => {
    await evaluation().run(now);
    const second = await evaluation().run(now);
    expect(second.flatMap((r) => r.messages)).toEqual([]);
    expect(second.find((r) => r.owner === 'u1')?.goals[0]?.decision).toBe('already evaluated today');

    expect(mailer.sent.map((m) => [m.kind, m.to, m.cc])).toEqual([
      ['goal-reminder', ['wang.fang@acme.example'], undefined],
      ['goal-recognition', ['emily@acme.example'], ['li.ming@acme.example']],
    ]);
    const reminder = mailer.sent[0];
    expect(reminder?.subject).toBe('有 1 个目标需要关注');
    // 1–13 October: 9 business days of 22 ended; expected 100,000 × 9/22, needed 90,000 over 13 days.
    expect(reminder?.text).toContain('月度成交额');
    expect(reminder?.text).toContain('¥100,000.00');
    expect(reminder?.text).toContain('¥10,000.00');
    expect(reminder?.text).toContain('¥40,909.09');
    expect(reminder?.text).toContain('¥30,909.09');
    expect(reminder?.text).toContain('¥34,615.38');
    expect(mailer.sent[1]?.subject).toBe('Goal met: Monthly won amount');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.text).toContain('Emily Carter');
  });

  it('the next day, still behind at the same step: no reminder', async () => {
    now = new Date('2026-10-15T09:00:00+08:00');
    const report = await evaluation().run(now);
    expect(report.flatMap((r) => r.messages)).toEqual([]);
    expect(report.find((r) => r.owner === 'u1')?.goals[0]?.decision).toMatch(
      /^behind at step \d+, already reminded on 2026-10-14/,
    );
    expect(mailer.sent).toHaveLength(2);
  });

  it('before 08:30 local, or on a weekend, a rep is not evaluated', async () => {
    const early = await evaluation(true).run(new Date('2026-10-16T08:00:00+08:00'));
    expect(early.find((r) => r.owner === 'u1')?.skipped).toBe('before 08:30 in Asia/Shanghai');
    const weekend = await evaluation(true).run(new Date('2026-10-17T09:00:00-04:00'));
    expect(weekend.find((r) => r.owner === 'u3')?.skipped).toBe(
      '2026-10-17 is not a business day in America/New_York',
    );
  });
});
