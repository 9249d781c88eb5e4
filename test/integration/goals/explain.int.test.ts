/**
 * `quotaflow goals explain` on dynalite: the records that counted (value, date) and those left out with why — not
 * won, no FX rate, just outside the period, owned by someone else, deleted — and the day's evaluation: a dry run
 * before anything was sent ("would send"), then after the evaluation ran, what was sent and what was stored.
 * Asia/Shanghai, fixed instants in October 2026.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { runExplain } from '../../../infra/cli/goals-explain';
import type { GoalsWiring } from '../../../infra/cli/goals-wiring';
import type { GoalExplanation } from '../../../shared/goals/explain';
import { parseGoals } from '../../../shared/goals/validate';
import { buildOrg } from '../../../shared/org/model';
import { GoalReminderRepository } from '../../../shared/store/goal-reminders';
import { GoalTargetRepository } from '../../../shared/store/goal-targets';
import { RecordRepository } from '../../../shared/store/records';
import { type LocalTable, RecordingMailer, startLocalTable } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { ACME, evaluationOn } from './support';

const goals = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'acme',
    org: { directReportTeams: false, people: { u1: { email: 'wang.fang@acme.example', locale: 'zh-CN' } } },
    notify: { checkin: { enabled: false } },
    goals: [
      {
        id: 'won-amount',
        name: { 'zh-CN': '月度成交额' },
        owner: 'rep',
        people: ['u1'],
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
    { id: 'u1', name: '王芳', active: true },
    { id: 'u2', name: '陈静', active: true },
  ],
  tenant: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
  config: goals.doc.org,
});
const tenant = ACME;
const deal = (id: string, more: Partial<CanonicalRecord>): CanonicalRecord => ({
  id,
  name: `Deal ${id}`,
  modifiedAt: '2026-10-10T04:00:00Z',
  owner: { id: 'u1' },
  status: 'won',
  amount: '1000.00',
  currency: 'CNY',
  closeDate: '2026-10-05',
  fields: {},
  ...more,
});
const NOW = new Date('2026-10-14T09:00:00+08:00');

let table: LocalTable;
let w: GoalsWiring;
const mailer = new RecordingMailer();

beforeAll(async () => {
  table = await startLocalTable('goals-explain');
  const records = new RecordRepository(table.doc, table.tableName);
  const put = (r: CanonicalRecord, deleted = false) =>
    records.upsert({ object: 'deal', record: r, version: Date.parse(r.modifiedAt), deleted }, () => []);
  await put(deal('D1', { amount: '1234.56' }));
  await put(deal('D2', { status: 'open', closeDate: '2026-10-20' }));
  await put(deal('D3', { currency: 'USD', amount: '10.00' }));
  await put(deal('D4', { closeDate: '2026-09-29' }));
  await put(deal('D5', { owner: { id: 'u2' } }));
  await put(deal('D6', {}));
  await put(deal('D6', { modifiedAt: '2026-10-11T04:00:00Z' }), true);
  await new GoalTargetRepository(table.doc, table.tableName).set(
    [{ goal: 'won-amount', period: '2026-10', owner: 'u1', target: '100000' }],
    'admin',
    new Date('2026-10-01T00:00:00Z'),
  );
  w = {
    goals,
    tenant: tenant as unknown as GoalsWiring['tenant'],
    org,
    records,
    targets: new GoalTargetRepository(table.doc, table.tableName),
    reminders: new GoalReminderRepository(table.doc, table.tableName, () => NOW),
    doc: table.doc,
    tableName: table.tableName,
    now: () => NOW,
    by: 'test',
  };
});
afterAll(async () => {
  await table?.stop();
});

const explain = async (json: boolean) => {
  const { t, term } = terminal();
  const code = await runExplain(
    {
      tenant: 'acme',
      goal: 'won-amount',
      person: 'u1',
      asOf: NOW.toISOString(),
      record: ['D5', 'D6', 'D9'],
      json,
    },
    w,
    term,
  );
  expect(t.err).toBe('');
  expect(code).toBe(0);
  return t.out;
};

describe('goals explain', () => {
  it('lists what counted and what was left out, each with why', async () => {
    const e = JSON.parse(await explain(true)) as GoalExplanation;
    expect(e).toMatchObject({ goal: 'won-amount', owner: 'u1', period: '2026-10' });
    expect(e.figures).toMatchObject({ actual: '1234.56', target: '100000.00', status: 'behind' });
    expect(e.counted).toEqual([
      { id: 'D1', name: 'Deal D1', object: 'deal', date: '2026-10-05', value: '1234.56' },
    ]);
    expect(Object.fromEntries(e.leftOut.map((r) => [r.id, r.reason]))).toEqual({
      D2: 'not won (open)',
      D3: 'no USD→CNY rate for 2026-10 in fxRates',
      D4: 'counts on 2026-09-29, outside the period 2026-10',
      D5: 'owned by u2, not u1',
      D6: 'deleted in the CRM',
      D9: 'no deal D9 in the store',
    });
    expect(e.evaluation).toMatchObject({
      skipped: null,
      today: '2026-10-14',
      status: 'behind',
      decision: 'reminder: behind',
      state: null,
      messages: [{ key: 'goal-reminder#u1#2026-10-14', kind: 'goal-reminder', sent: false }],
    });
  });

  it('after the day’s evaluation: what was sent and what was stored, and why nothing more is', async () => {
    await evaluationOn(table, { goals, org, tenant }, { now: NOW, mailer }).run(NOW);
    expect(mailer.sent).toHaveLength(1);
    const text = await explain(false);
    expect(text).toContain('won-amount · u1 · 2026-10 · as of 2026-10-14T01:00:00.000Z');
    expect(text).toContain('  D1 (Deal D1)  2026-10-05  +1234.56');
    expect(text).toContain('  D2 (Deal D2)  2026-10-20  not won (open)');
    expect(text).toContain('evaluation on 2026-10-14: behind: already evaluated today');
    expect(text).toContain('  sent goal-reminder [goal-reminder#u1#2026-10-14]');
    expect(text).toContain(
      '  stored for 2026-10: last evaluated 2026-10-14, last reminded 2026-10-14, behind since 2026-10-14',
    );
  });

  it('before 08:30 local the evaluation says so', async () => {
    const { t, term } = terminal();
    await runExplain(
      { tenant: 'acme', goal: 'won-amount', person: 'u1', asOf: '2026-10-15T08:00:00+08:00' },
      w,
      term,
    );
    expect(t.out).toContain('evaluation: not evaluated at this instant (before 08:30 in Asia/Shanghai)');
  });

  it('an unknown goal or owner is refused by name', async () => {
    await expect(
      runExplain({ tenant: 'acme', goal: 'nope', person: 'u1' }, w, terminal().term),
    ).rejects.toThrow('--goal nope is not a goal of tenants/goals/acme.json (won-amount)');
    await expect(
      runExplain({ tenant: 'acme', goal: 'won-amount', person: 'u2' }, w, terminal().term),
    ).rejects.toThrow('u2 is not an owner of goal won-amount');
  });
});
