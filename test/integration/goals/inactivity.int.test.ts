/**
 * "No activity logged in N business days" (notify.inactivityDays, default 3) on dynalite through the effect ledger:
 * a rep with an activities goal who logged nothing hears it once, folded into the day's one reminder, in their
 * language; the cool-down keeps the next days quiet; an activity ends the spell. Reps in Shanghai (China's calendar:
 * the window skips no day in November) and New York (the window crosses the DST change of 1 November 2026).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { parseGoals } from '../../../shared/goals/validate';
import { buildOrg } from '../../../shared/org/model';
import { RecordRepository } from '../../../shared/store/records';
import { type LocalTable, RecordingMailer, startLocalTable } from '../../support/local-aws';
import { ACME, evaluationOn, seedGoals } from './support';

const goals = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'acme',
    org: {
      directReportTeams: false,
      people: {
        li: { email: 'li@acme.example', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
        ann: { email: 'ann@acme.example', locale: 'en', timeZone: 'America/New_York' },
      },
      teams: { east: { name: 'East', members: ['li', 'ann'] } },
    },
    notify: { checkin: { enabled: false } },
    goals: [
      {
        id: 'calls',
        name: { 'zh-CN': '电话和会议', en: 'Calls and meetings' },
        owner: 'rep',
        metric: { type: 'activities', activityTypes: ['call', 'meeting'] },
        period: { kind: 'month' },
        target: { source: 'targets' },
        // Pace never counts as behind here (pace below): only the inactivity reminder is under test.
        reminders: { enabled: true, cooldownDays: 5, escalateAfterDays: 0 },
      },
    ],
    pace: { behindGap: '0.99', minElapsedDays: 30 },
  },
  'goals.json',
);
const org = buildOrg({
  users: [
    { id: 'li', name: '李娜', active: true },
    { id: 'ann', name: 'Ann Lee', active: true },
  ],
  tenant: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
  config: goals.doc.org,
});
const call = (id: string, owner: string, at: string): CanonicalRecord => ({
  id,
  modifiedAt: at,
  owner: { id: owner },
  fields: { type: 'call', occurredAt: at },
});

let table: LocalTable;
const mailer = new RecordingMailer();
let now = new Date('2026-11-05T09:00:00+08:00');
const run = () => evaluationOn(table, { goals, org, tenant: ACME }, { now, mailer }).run(now);
const store = (r: CanonicalRecord) =>
  new RecordRepository(table.doc, table.tableName).upsert(
    { object: 'activity', record: r, version: Date.parse(r.modifiedAt), deleted: false },
    () => [],
  );

beforeAll(async () => {
  table = await startLocalTable('goals-inactivity');
  // Li's last call: Friday 30 October. Ann's: Monday 2 November, 09:00 in New York (EST since Sunday).
  await store(call('c1', 'li', '2026-10-30T02:00:00Z'));
  await store(call('c2', 'ann', '2026-11-02T14:00:00Z'));
  await seedGoals(table, {
    targets: [
      { goal: 'calls', period: '2026-11', owner: 'li', target: '40' },
      { goal: 'calls', period: '2026-11', owner: 'ann', target: '40' },
    ],
    targetsSetAt: new Date('2026-11-01T00:00:00Z'),
  });
});
afterAll(async () => {
  await table?.stop();
});

describe('no activity logged', () => {
  it('Thursday in Shanghai: nothing since Friday → one reminder saying so, in Chinese', async () => {
    const report = await run();
    expect(report.find((r) => r.owner === 'li')?.goals[0]?.decision).toBe('reminder: no_activity');
    expect(mailer.sent.map((m) => [m.kind, m.to])).toEqual([['goal-reminder', ['li@acme.example']]]);
    expect(mailer.sent[0]?.text).toContain('最近 3 个工作日没有记录任何活动');
    // In New York it is Wednesday evening: Ann's Wednesday is evaluated, and her Monday call is within Fri–Tue.
    const ann = report.find((r) => r.owner === 'ann');
    expect(ann?.today).toBe('2026-11-04');
    expect(ann?.messages).toEqual([]);
  });

  it('Thursday in New York: the call on Monday counts (Mon–Wed window), so no reminder', async () => {
    now = new Date('2026-11-05T09:00:00-05:00');
    const report = await run();
    expect(report.find((r) => r.owner === 'ann')?.goals[0]?.decision).toBe('at_risk: nothing to remind');
    expect(mailer.sent).toHaveLength(1);
  });

  it('Ann, quiet from Tuesday to Thursday, hears it on Friday in English', async () => {
    now = new Date('2026-11-06T09:00:00-05:00');
    await run();
    const toAnn = mailer.sent.filter((m) => m.to.includes('ann@acme.example'));
    expect(toAnn).toHaveLength(1);
    expect(toAnn[0]?.text).toContain('No activity logged in the last 3 business days');
  });

  it('the next business days stay quiet (cool-down), and a logged call ends the spell', async () => {
    now = new Date('2026-11-07T09:00:00+08:00');
    await run();
    now = new Date('2026-11-09T09:00:00+08:00');
    await run();
    expect(mailer.sent.filter((m) => m.to.includes('li@acme.example'))).toHaveLength(1);
    await store(call('c3', 'li', '2026-11-09T03:00:00Z'));
    now = new Date('2026-11-10T09:00:00+08:00');
    const report = await run();
    expect(report.find((r) => r.owner === 'li')?.goals[0]?.decision).toBe('at_risk: nothing to remind');
    expect(mailer.sent.filter((m) => m.to.includes('li@acme.example'))).toHaveLength(1);
  });
});
