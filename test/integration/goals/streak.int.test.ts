/**
 * Streaks: a rep who met the goal three months in a row hears "the third month in a row" in the congratulation and
 * the chat post (zh-CN and en), exactly once under the usual keys; a rep who missed last month hears no streak.
 * Earlier months are measured again as of their ends (their targets from the store), so a month met on its last
 * evening, after that day's evaluation, still counts. Fixed instants, Monday–Friday calendar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { parseGoals } from '../../../shared/goals/validate';
import { buildOrg } from '../../../shared/org/model';
import { type LocalTable, RecordingMailer, startLocalTable } from '../../support/local-aws';
import { ACME, deals, evaluationOn, seedGoals } from './support';

const goals = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'acme',
    org: {
      directReportTeams: false,
      people: {
        li: { email: 'li@acme.example', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
        ann: { email: 'ann@acme.example', locale: 'en', timeZone: 'America/New_York' },
        bo: { email: 'bo@acme.example', locale: 'en', timeZone: 'America/New_York' },
      },
      teams: { east: { name: 'East', members: ['li', 'ann', 'bo'] } },
    },
    notify: { chatWebhook: 'sales', checkin: { enabled: false } },
    goals: [
      {
        id: 'deals',
        name: { 'zh-CN': '月度成交数', en: 'Deals won' },
        owner: 'rep',
        metric: { type: 'won_deals' },
        period: { kind: 'month' },
        target: { source: 'targets' },
      },
    ],
  },
  'goals.json',
);
const org = buildOrg({
  users: ['li', 'ann', 'bo'].map((id) => ({ id, name: id.toUpperCase(), active: true })),
  tenant: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
  config: goals.doc.org,
});
const tenant = ACME;
const won = (id: string, owner: string, closeDate: string): CanonicalRecord => ({
  id,
  modifiedAt: `${closeDate}T04:00:00Z`,
  owner: { id: owner },
  status: 'won',
  closeDate,
  fields: {},
});

let table: LocalTable;
const mailer = new RecordingMailer();
const posts: { body: Record<string, unknown> }[] = [];
const NOW = new Date('2026-10-15T13:00:00Z'); // 21:00 in Shanghai, 09:00 in New York (Thursday)

const evaluation = () => evaluationOn(table, { goals, org, tenant }, { now: NOW, mailer, posts });

beforeAll(async () => {
  table = await startLocalTable('goals-streak');
  await seedGoals(table, {
    records: deals(
      ...['li', 'ann', 'bo'].flatMap((o) => [
        won(`${o}-aug`, o, '2026-08-20'),
        won(`${o}-oct`, o, '2026-10-05'),
      ]),
      won('li-sep', 'li', '2026-09-30'),
      won('ann-sep', 'ann', '2026-09-30'), // the last evening of September in New York
    ),
    targets: ['2026-07', '2026-08', '2026-09', '2026-10'].flatMap((period) =>
      ['li', 'ann', 'bo'].map((owner) => ({ goal: 'deals', period, owner, target: '1' })),
    ),
    targetsSetAt: new Date('2026-07-01T00:00:00Z'),
  });
});
afterAll(async () => {
  await table?.stop();
});

describe('streaks', () => {
  it('the congratulation says how many months in a row, once, in each rep’s language', async () => {
    await evaluation().run(NOW);
    await evaluation().run(NOW);
    const byRecipient = (to: string) => mailer.sent.filter((m) => m.to.includes(to));
    expect(mailer.sent.map((m) => m.kind)).toEqual([
      'goal-recognition',
      'goal-recognition',
      'goal-recognition',
    ]);
    // July had no deal: August, September and October make three.
    expect(byRecipient('li@acme.example')[0]?.text).toContain('已连续 3 个月达成。');
    expect(byRecipient('ann@acme.example')[0]?.text).toContain('That is the third month in a row.');
    const bo = byRecipient('bo@acme.example')[0]?.text;
    expect(bo).toContain('Congratulations!');
    expect(bo).not.toContain('in a row');
    expect(posts.map((p) => p.body.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('That is the third month in a row.')]),
    );
    expect(posts).toHaveLength(3);
  });
});
