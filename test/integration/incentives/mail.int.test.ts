/**
 * Statement mail after a close, through the effect ledger on dynalite: each rep gets one email in their locale and
 * the team's manager one summary; a re-run (a retried schedule, a second run) sends nothing again, and a send that
 * failed is sent by the next run without repeating the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EffectLedger } from '../../../shared/effects/ledger';
import { closeRun, mailStatements, type Statement, scheduledClose } from '../../../shared/incentives';
import { IncentiveRepository } from '../../../shared/store/incentives';
import {
  type LocalTable,
  performersFor,
  RecordingMailer,
  RecordingScheduler,
  startLocalTable,
  TestClock,
} from '../../support/local-aws';
import { demoBook, januaryDeals, storeDeal, TENANT } from './support';

const book = demoBook();
let table: LocalTable;
let statements: Statement[];
let dealNames: Map<string, string>;
const mailer = new RecordingMailer();
const clock = new TestClock('2026-02-01T02:00:00+08:00');
let ledger: EffectLedger;

beforeAll(async () => {
  table = await startLocalTable('incentives-mail');
  for (const d of januaryDeals()) await storeDeal(table, d);
  const store = new IncentiveRepository(table.doc, table.tableName);
  ({ statements, dealNames } = await closeRun({
    book,
    store,
    tenant: TENANT,
    periodKey: '2026-01',
    now: clock.now(),
  }));
  ledger = new EffectLedger(
    table.doc,
    table.tableName,
    performersFor(mailer, new RecordingScheduler()),
    clock.now,
  );
});
afterAll(async () => {
  await table?.stop();
});

const mail = () =>
  mailStatements({ book, tenant: TENANT, statements, effects: ledger, correlationId: 'test', dealNames });

describe('statement mail', () => {
  it('a send that fails is retried by the next run; nothing is ever sent twice', async () => {
    mailer.failNext(1);
    await expect(mail()).rejects.toThrow(/mail provider unavailable/);
    expect(mailer.sent).toHaveLength(0);
    const r = await mail();
    expect(r).toEqual({ sent: 5, duplicates: 0, skipped: [] });
    const again = await mail();
    expect(again).toEqual({ sent: 0, duplicates: 5, skipped: [] });
    expect(mailer.sent).toHaveLength(5);
    // Four statements (the manager m1 has one too) and the team summary.
    expect(mailer.sent.map((m) => m.to[0]).sort()).toEqual([
      'chen.jing@demo.example',
      'emily.carter@demo.example',
      'li.ming@demo.example',
      'li.ming@demo.example',
      'wang.fang@demo.example',
    ]);
  });

  it('the scheduled close of an already closed month recomputes nothing and mails nothing twice', async () => {
    const store = new IncentiveRepository(table.doc, table.tableName);
    const runs = await scheduledClose({
      book,
      store,
      tenant: TENANT,
      now: clock.now(),
      effects: ledger,
      correlationId: (p) => `test:${p}`,
    });
    expect(runs).toEqual([
      {
        periodKey: '2026-01',
        closedNow: false,
        statements: 4,
        held: [],
        mail: { sent: 0, duplicates: 5, skipped: [] },
      },
    ]);
    expect(mailer.sent).toHaveLength(5);
  });

  it("each rep's statement in the rep's locale, HTML and text, from the tenant's sender", () => {
    const to = (addr: string) => mailer.sent.find((m) => m.to[0] === addr && !m.subject.includes('团队'));
    const u1 = to('wang.fang@demo.example');
    expect(u1?.from).toBe('Quotaflow Demo <quotaflow@demo.quotaflow.dev>');
    expect(u1?.subject).toBe('2026年1月 提成对账单：应付 ¥25,000.00');
    expect(u1?.kind).toBe('statement');
    // Deals by their CRM name (read with the deals the close used), the id beside it.
    expect(u1?.text).toMatch(/^- Deal (\S+) \(\1\), /m);
    expect(u1?.text).toMatch(/^- 阶梯提成 · Deal (\S+) \(\1\): /m);
    expect(u1?.text).toContain('王芳，你好：');
    expect(u1?.html).toContain('¥150,000.00 × 4% — 第1档');
    const u3 = to('emily.carter@demo.example');
    expect(u3?.subject).toBe('Commission statement January 2026: CN¥4,440.00 payable');
    expect(u3?.text).toContain('Hi Emily Carter,');
    expect(u3?.headers?.['X-Quotaflow-Tenant']).toBe('demo');
  });

  it("the manager gets the team summary in the manager's locale, totals equal to the sum of the reps", () => {
    const team = mailer.sent.filter((m) => m.subject.includes('团队提成汇总'));
    expect(team).toHaveLength(1);
    expect(team[0]?.to).toEqual(['li.ming@demo.example']);
    // u1 25,000 + u2 0 + u3 4,440.
    expect(team[0]?.subject).toBe('2026年1月 团队提成汇总：应付 ¥29,440.00');
    expect(team[0]?.kind).toBe('team-summary');
    expect(team[0]?.text).toContain('- Emily Carter: 计入业绩 ¥111,000.00');
  });
});
