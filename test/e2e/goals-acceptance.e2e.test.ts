/**
 * Goals as a new user tries them on `npm start` (the runtime as its own process, its clock fixed at a Monday
 * morning in Shanghai, 2 November 2026; November has 21 business days on the demo's Chinese calendar):
 * targets imported from a CSV with the CLI, deals and activities sent as signed generic webhooks, `goals progress
 * --json` with exact figures, the clock moved a day at a time so the hourly goal evaluation runs in each rep's
 * morning: one pace reminder with its numbers on the day 王芳 falls behind and none the next day, one
 * congratulation and one team chat post when she crosses her quota, progress lowered when a won deal goes back to
 * negotiation, and a CSV with a bad row refused with its line number, nothing imported. The CLI finds the runtime
 * through the runtime.json in its data folder and acts at the runtime's clock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Email, runtimeDriver } from '../support/runtime-driver';
import { REPO_ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { demoSigningSecret } from '../support/signer';

const dataDir = mkdtempSync(join(tmpdir(), 'qf-goals-'));
let rt: RuntimeProcess;
const { getJson, settle, mailTo, chat, moveClock, send, quotaflow } = runtimeDriver({
  url: () => rt.url,
  dataDir,
  tenant: 'demo',
  secret: demoSigningSecret(REPO_ROOT),
  idPrefix: 'msg_goals',
});

interface Figures {
  goal: string;
  person: string | null;
  team: string | null;
  period: string;
  target: string | null;
  actual: string;
  expected: string | null;
  gap: string | null;
  neededPerWeek: string | null;
  status: string;
}

const WANG = 'wang.fang@demo.example';

const wang = { id: 'u1', name: '王芳', email: WANG, managerEmail: 'li.ming@demo.example' };
const deal = (id: string, amount: string, closeDate: string, over: Record<string, unknown> = {}) =>
  send('deal', 'updated', {
    id,
    owner: wang,
    name: `华东区订单 ${id}`,
    amount,
    currency: 'CNY',
    closeDate,
    stage: 'Closed Won',
    status: 'won',
    ...over,
  });
const activity = (id: string, type: string, occurredAt: string) =>
  send('activity', 'created', {
    id,
    owner: { id: 'u1' },
    fields: { type, occurredAt },
  });

const progress = (person: string) => {
  const res = quotaflow('goals', 'progress', '--person', person, '--json');
  expect(res.status, res.stderr).toBe(0);
  const out = JSON.parse(res.stdout) as { asOf: string; goals: Figures[] };
  return { asOf: out.asOf, goal: (id: string) => out.goals.find((g) => g.goal === id) as Figures };
};

beforeAll(async () => {
  rt = await startRuntimeProcess(['--tenant', 'demo'], { dataDir, clock: '2026-11-02T08:00:00+08:00' });
}, 90_000);
afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('goals on npm start, as a new user tries them', () => {
  it('refuses a CSV with a bad row, naming its line, and imports nothing of it', () => {
    const bad = join(dataDir, 'bad.csv');
    writeFileSync(
      bad,
      'person,goal,period,target\nu1,calls-meetings,2026-11,40\nu2,calls-meetings,2026-13,40\n',
    );
    const res = quotaflow('goals', 'import', '--file', bad);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('nothing was imported');
    expect(res.stderr).toContain('line 3: period "2026-13"');
    const list = quotaflow('goals', 'list', '--json');
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({ targets: [] });
  }, 90_000);

  it('imports the targets from a CSV', () => {
    const file = join(dataDir, 'targets.csv');
    writeFileSync(
      file,
      [
        'person,goal,period,target,reason',
        'u1,calls-meetings,2026-11,40,Q4 plan',
        'u2,calls-meetings,2026-11,40,Q4 plan',
        'u3,calls-meetings,2026-11,30,Q4 plan',
        'east,team-won-amount,2026-11,850000.00,sum of the quotas',
        '',
      ].join('\n'),
    );
    const res = quotaflow('goals', 'import', '--file', file);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('u1 calls-meetings 2026-11: (none) → 40');
    expect(res.stdout).toContain('4 target(s) changed, 0 unchanged');
  }, 90_000);

  it('shows exact won amount (a USD deal converted at the plan rate) and activities in progress --json', async () => {
    await deal('G-1', '12916.46', '2026-11-02');
    // 1,000.50 USD at the demo's 2026-Q4 rate 7.08 is ¥7,083.54: ¥20,000.00 in all.
    await deal('G-2', '1000.50', '2026-11-02', { currency: 'USD' });
    await activity('GA-1', 'call', '2026-11-01T23:20:00Z');
    await activity('GA-2', 'Call', '2026-11-01T23:30:00Z');
    await activity('GA-3', 'meeting', '2026-11-01T23:40:00Z');
    await activity('GA-4', 'email', '2026-11-01T23:50:00Z'); // not a call or meeting
    await settle();
    const p = progress('u1');
    // The runtime's clock, not this machine's.
    expect(p.asOf.slice(0, 10)).toBe('2026-11-02');
    expect(p.goal('won-amount')).toMatchObject({
      period: '2026-11',
      target: '300000.00',
      actual: '20000.00',
      status: 'on_track',
    });
    // Counts to two places, attainment to four (README, Goals): 3 of 40 calls and meetings.
    expect(p.goal('calls-meetings')).toMatchObject({
      target: '40.00',
      actual: '3.00',
      attainment: '0.0750',
      status: 'on_track',
    });
  }, 90_000);

  it('mails the Monday check-in, then exactly one reminder with its numbers on the day she falls behind', async () => {
    await moveClock('2026-11-02T09:00:00+08:00');
    const checkin = await mailTo('weekly-checkin', WANG);
    expect(checkin).toHaveLength(1);
    expect(checkin[0]?.text).toContain('¥300,000.00');
    // Too early to be behind: fewer than 3 business days of the month have passed.
    await moveClock('2026-11-03T09:00:00+08:00');
    await moveClock('2026-11-04T09:00:00+08:00');
    expect(await mailTo('goal-reminder', WANG)).toEqual([]);

    await moveClock('2026-11-05T09:00:00+08:00');
    const reminders = await mailTo('goal-reminder', WANG);
    expect(reminders).toHaveLength(1);
    const [m] = reminders as [Email];
    expect(m.subject).toBe('有 2 个目标需要关注');
    // 3 of 21 business days elapsed: expected ¥300,000.00 × 3/21, gap expected − actual, and 18 days left.
    for (const figure of ['¥300,000.00', '¥20,000.00', '¥42,857.14', '¥22,857.14', '¥77,777.78'])
      expect(m.text).toContain(figure);
    for (const figure of ['40', '5.71', '2.71', '10.28']) expect(m.text).toContain(figure);
    const p = progress('u1');
    expect(p.goal('won-amount')).toMatchObject({
      expected: '42857.14',
      gap: '22857.14',
      neededPerWeek: '77777.78',
      status: 'behind',
    });
  }, 180_000);

  it('sends no reminder the next day while she is no further behind', async () => {
    await deal('G-3', '6000.00', '2026-11-05');
    await activity('GA-5', 'call', '2026-11-05T00:45:00Z');
    await moveClock('2026-11-06T09:00:00+08:00');
    expect(await mailTo('goal-reminder', WANG)).toHaveLength(1);
    // Still behind (4 of 21 days: ¥57,142.86 expected, ¥26,000.00 won), at the same step: no daily nagging.
    expect(progress('u1').goal('won-amount')).toMatchObject({
      actual: '26000.00',
      expected: '57142.86',
      status: 'behind',
    });
  }, 180_000);

  it('congratulates once and posts once to the team chat when she crosses her quota', async () => {
    // Calls catch up, and the half-month milestone (¥100,000.00) is reached and recognised on its own day.
    for (let i = 6; i <= 13; i++) await activity(`GA-${i}`, 'call', '2026-11-06T00:45:00Z');
    await deal('G-4', '90000.00', '2026-11-06');
    await moveClock('2026-11-09T09:00:00+08:00');
    const before = await mailTo('goal-recognition', WANG);
    expect(before.map((m) => m.subject)).toEqual(['里程碑达成：月度成交额']);
    // ¥116,000.00 + ¥190,000.00 = ¥306,000.00 of ¥300,000.00. The won-deal workflow posts about the deal itself now.
    await deal('G-5', '190000.00', '2026-11-09');
    await settle();
    const chatBefore = (await chat()).length;
    await moveClock('2026-11-10T09:00:00+08:00');
    const after = await mailTo('goal-recognition', WANG);
    expect(after).toHaveLength(2);
    const met = after.find((m) => !before.some((b) => b.subject === m.subject)) as Email;
    expect(met.subject).toBe('目标达成：月度成交额');
    expect(met.cc).toEqual(['li.ming@demo.example']);
    const posts = (await chat()).slice(chatBefore);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body.content.text).toContain('王芳');
    expect(posts[0]?.body.content.text).toContain('月度成交额');
    expect(progress('u1').goal('won-amount')).toMatchObject({ actual: '306000.00', status: 'met' });
    // The next day: no second congratulation, post or reminder.
    await moveClock('2026-11-11T09:00:00+08:00');
    expect(await mailTo('goal-recognition', WANG)).toHaveLength(2);
    expect((await chat()).length).toBe(chatBefore + 1);
    expect(await mailTo('goal-reminder', WANG)).toHaveLength(1);
  }, 240_000);

  it('lowers progress when a won deal is moved back to negotiation', async () => {
    await deal('G-5', '190000.00', '2026-11-09', {
      stage: 'Negotiation',
      status: 'open',
    });
    await settle();
    expect(progress('u1').goal('won-amount')).toMatchObject({ actual: '116000.00' });
    // Nothing failed on the way: every schedule the clock moves fired (goal evaluations, digests, the daily
    // incentive accrual over the org) left no dead letter.
    expect(await getJson<unknown[]>('/_local/dlq')).toEqual([]);
  }, 90_000);
});
