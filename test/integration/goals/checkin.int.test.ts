/**
 * The weekly check-in's content: each goal's pace, the wins of the past seven days, open deals closing this week
 * or overdue (amounts in the tenant currency, exactly converted), and what each goal behind needs per week, in the
 * rep's language: Wang Fang in Shanghai on Monday 12 October 2026, Emily in New York on Monday 2 November 2026,
 * the day after DST ended there.
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
        u1: { email: 'wang.fang@acme.example', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
        u3: { email: 'emily@acme.example', locale: 'en', timeZone: 'America/New_York' },
      },
    },
    goals: [
      {
        id: 'won-amount',
        name: { 'zh-CN': '月度成交额', en: 'Monthly won amount' },
        owner: 'rep',
        people: ['u1', 'u3'],
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
    { id: 'u3', name: 'Emily Carter', active: true },
  ],
  tenant: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
  config: goals.doc.org,
});
const deal = (
  id: string,
  owner: string,
  status: 'won' | 'open' | 'lost',
  closeDate: string,
  amount: string,
) =>
  ({
    id,
    name: `Deal ${id}`,
    modifiedAt: '2026-10-01T00:00:00Z',
    owner: { id: owner },
    status,
    stage: status === 'open' ? 'Negotiation' : status,
    amount,
    currency: 'CNY',
    closeDate,
    fields: {},
  }) as CanonicalRecord;

let table: LocalTable;
const mailer = new RecordingMailer();

beforeAll(async () => {
  table = await startLocalTable('goals-checkin');
  await seedGoals(table, {
    records: deals(
      deal('W1', 'u1', 'won', '2026-10-08', '12345.67'), // last Thursday: a win
      deal('W0', 'u1', 'won', '2026-10-02', '999.00'), // ten days ago: not this week's
      deal('O1', 'u1', 'open', '2026-10-15', '50000.00'), // closes Thursday
      deal('O0', 'u1', 'open', '2026-09-30', '8000.00'), // overdue
      deal('O9', 'u1', 'open', '2026-10-30', '70000.00'), // later this month: not due
      deal('L1', 'u1', 'lost', '2026-10-14', '1.00'), // lost: not listed
      deal('E1', 'u3', 'open', '2026-11-08', '300.10'), // Sunday of Emily's week
    ),
    targets: [
      { goal: 'won-amount', period: '2026-10', owner: 'u1', target: '100000' },
      { goal: 'won-amount', period: '2026-11', owner: 'u3', target: '1000' },
    ],
    targetsSetAt: new Date('2026-09-01T00:00:00Z'),
  });
});
afterAll(async () => {
  await table?.stop();
});

const checkin = async (now: Date, to: string) => {
  await evaluationOn(table, { goals, org, tenant: ACME }, { now, mailer }).run(now);
  const mails = mailer.sent.filter((m) => m.to.includes(to));
  expect(mails.map((m) => m.kind)).toEqual(['weekly-checkin']);
  return mails[0] as (typeof mailer.sent)[number];
};

describe('the weekly check-in', () => {
  it('in Shanghai: wins, deals due this week or overdue, and the weekly pace to catch up (zh-CN)', async () => {
    const m = await checkin(new Date('2026-10-12T09:00:00+08:00'), 'wang.fang@acme.example');
    expect(m.text).toContain('本周赢单');
    expect(m.text).toContain('Deal W1');
    expect(m.text).toContain('¥12,345.67');
    expect(m.text).not.toContain('Deal W0');
    expect(m.text).toContain('本周到期或已逾期的商机');
    expect(m.text).toContain('Deal O1');
    expect(m.text).toContain('9月30日（逾期）');
    expect(m.text).not.toContain('Deal O9');
    expect(m.text).not.toContain('Deal L1');
    // Won 12,345.67 + 999.00; 1–9 October: 7 business days of 22 ended, so 31,818.18 expected; 86,655.33 left
    // over 15 business days → 28,885.11 a week.
    expect(m.text).toContain('追回进度');
    expect(m.text).toContain(
      '“月度成交额”：剩余 15 个工作日，每周需完成 ¥28,885.11；目前比应达进度落后 ¥18,473.51。',
    );
    expect(m.html).toContain('本周赢单');
  });

  it('in New York after DST ends: the week runs to Sunday local, no wins said so (en)', async () => {
    const m = await checkin(new Date('2026-11-02T14:00:00Z'), 'emily@acme.example');
    expect(m.text).toContain('No deals won in the past seven days.');
    expect(m.text).toContain('Closing this week or overdue');
    expect(m.text).toContain('Deal E1');
    expect(m.text).toContain('CN¥300.10');
    expect(m.text).toContain('Back on pace');
  });
});
