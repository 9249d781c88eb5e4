/**
 * `quotaflow digest preview` on dynalite: the demo manager's digest of week 2026-W42 as of Friday 16 October 2026,
 * 18:00 in Shanghai, from CRM users, deals, archived domain events and accrual snapshots stored as the runtime
 * stores them, read through the owner and event-day indexes. Set DIGEST_SAMPLES_DIR to keep the HTML it renders.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreview, runSend } from '../../../infra/cli/digest';
import { type DigestWiring, digestDeps } from '../../../infra/cli/digest-wiring';
import { runProgress } from '../../../infra/cli/goals';
import { sendDueDigests } from '../../../shared/digest/run';
import { GOAL_LINE_FIGURES } from '../../support/goal-line-fields';
import { type LocalTable, RecordingMailer } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { AS_OF, startDigestFixture } from './fixture';

let table: LocalTable;
let w: DigestWiring;
const mailer = new RecordingMailer();
const dir = mkdtempSync(join(tmpdir(), 'digest-cli-'));
const base = { tenant: 'demo', manager: 'm1', asOf: AS_OF };

beforeAll(async () => {
  ({ table, w } = await startDigestFixture(mailer));
});
afterAll(async () => {
  await table?.stop();
});

describe('digest preview', () => {
  it('prints the digest as data with stable field names', async () => {
    const t = terminal();
    expect(await runPreview({ ...base, format: 'json' }, w, t.term)).toBe(0);
    const { subject, digest } = JSON.parse(t.t.out);
    expect(subject).toBe('李明：团队简报 2026年第42周（10月12日–10月18日）');
    expect(digest.period).toEqual({ key: '2026-W42', kind: 'week', start: '2026-10-12', end: '2026-10-18' });
    expect(digest.manager).toEqual({ id: 'm1', name: '李明', locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
    expect(digest.reps.map((r: { name: string }) => r.name)).toEqual(['Emily Carter', '王芳', '陈静']);
    const u1 = digest.reps.find((r: { id: string }) => r.id === 'u1');
    // 120,000 won of the plan's 300,000 quota.
    expect(u1.goal).toMatchObject({
      goal: 'won-amount',
      actual: '120000.00',
      target: '300000.00',
      attainment: '0.4000',
    });
    expect(u1.accrual).toMatchObject({
      date: '2026-10-15',
      earned: '6400.00',
      tier: { tier: 1, rate: '0.04' },
    });
    expect(digest.headline).toMatchObject({ scope: 'sum_of_reps', goal: 'won-amount' });
    expect(digest.changes.created.map((d: { id: string }) => d.id)).toEqual(['d8', 'd6']);
    expect(digest.changes.won.map((d: { id: string }) => d.id)).toEqual(['d5']);
    expect(digest.changes.lost.map((d: { id: string }) => d.id)).toEqual(['d11']);
    expect(digest.changes.pushed).toMatchObject([{ id: 'd8', from: '2026-10-20', to: '2026-11-20' }]);
    expect(
      digest.atRisk.map((d: { id: string; reasons: { code: string }[] }) => [
        d.id,
        d.reasons.map((r) => r.code),
      ]),
    ).toEqual([
      ['d9', ['close_date_passed', 'no_update', 'stuck_in_stage']],
      ['d8', ['pushed_repeatedly']],
    ]);
    // Stored in Proposal on 20 September: 26 days, against the default 14 while the archive has no history.
    expect(digest.atRisk[0].reasons[2]).toEqual({
      code: 'stuck_in_stage',
      stage: 'Proposal',
      days: 26,
      typicalDays: '14',
      typicalFrom: 'default',
    });
    // The open pipeline by stage (the USD deal at the plans' rate) and twelve weeks of won amount, d5 in W42.
    // Proposal: d6 200,000 + d12 45,000 + d9 USD 15,000 at the plans' 7.08 (d10 has no amount).
    expect(digest.charts.pipeline).toEqual([
      { stage: 'Proposal', deals: 4, amount: '351200.00' },
      { stage: 'Contract', deals: 1, amount: '80000.00' },
    ]);
    expect(digest.charts.unconverted).toBe(0);
    expect(digest.charts.wonByWeek).toHaveLength(12);
    expect(digest.charts.wonByWeek.at(-1)).toEqual({
      week: '2026-W42',
      start: '2026-10-12',
      deals: 1,
      amount: '30000.00',
    });
    expect(digest.dataQuality.missingAmount.map((d: { id: string }) => d.id)).toEqual(['d10']);
    expect(digest.dataQuality.missingCloseDate.map((d: { id: string }) => d.id)).toEqual(['d12']);
  });

  it('gives each rep’s active sequences and sequence reply rate, read through the enrolment owner index', async () => {
    const t = terminal();
    expect(await runPreview({ ...base, format: 'json' }, w, t.term)).toBe(0);
    const { digest } = JSON.parse(t.t.out);
    const seq = (id: string) => {
      const r = digest.followUp.reps.find((x: { id: string }) => x.id === id);
      return [r.activeSequences, r.sequencesInPeriod, r.sequenceReplies, r.sequenceReplyRate];
    };
    expect(seq('u1')).toEqual([1, 2, 1, '0.5000']);
    expect(seq('u2')).toEqual([0, 0, 0, null]);
    for (const [locale, line] of [
      ['en', '- 王芳: 1 active sequence; reply rate 50.0% (1 of 2 active this period replied)'],
      ['zh-CN', '- 王芳：进行中的序列 1 个；回复率 50.0%（本期进行过的 2 个中 1 个已回复）'],
    ] as const) {
      const text = terminal();
      expect(await runPreview({ ...base, locale, format: 'text' }, w, text.term)).toBe(0);
      expect(text.t.out).toContain(line);
      expect(text.t.out).not.toMatch(/陈静: \d+ active sequence|陈静：进行中的序列/);
    }
  });

  it('writes the email in either language, without sending it', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const out = join(dir, `digest-${locale}.html`);
      const t = terminal();
      expect(await runPreview({ ...base, locale, format: 'html', out }, w, t.term)).toBe(0);
      const html = readFileSync(out, 'utf8');
      expect(html).toContain(`lang="${locale}"`);
      expect(html).toContain('华东制造 &lt;ERP&gt; 升级');
      expect(html).toContain('href="https://crm.example.cn/deals/d6"');
      expect(html).not.toContain('Not our team');
      if (process.env.DIGEST_SAMPLES_DIR)
        writeFileSync(join(process.env.DIGEST_SAMPLES_DIR, `digest-${locale}.html`), html);
    }
    const text = terminal();
    expect(await runPreview({ ...base, locale: 'en', format: 'text' }, w, text.term)).toBe(0);
    expect(text.t.out).toContain('Contoso pilot');
    expect(text.t.out).toContain('$15,000.00');
    expect(text.t.out).toContain('close date Oct 10 has passed');
  });

  it('refuses an unknown manager or a bad period with exit code 2', async () => {
    const a = terminal();
    expect(await runPreview({ ...base, manager: 'nobody' }, w, a.term)).toBe(2);
    expect(a.t.err).toContain('--manager nobody');
    const b = terminal();
    expect(await runPreview({ ...base, period: 'last week' }, w, b.term)).toBe(2);
    expect(b.t.err).toContain('a week such as 2026-W40');
  });

  it('says so when nothing happened in the period', async () => {
    const t = terminal();
    const quiet = { ...base, period: '2026-W30', asOf: '2026-07-24T18:00:00+08:00', locale: 'en' as const };
    expect(await runPreview(quiet, w, t.term)).toBe(0);
    expect(t.t.out).toContain('A quiet period');
  });
});

describe('digest figures against goals progress', () => {
  it('shows each rep the figures `goals progress --json` prints for the same instant', async () => {
    const d = terminal();
    expect(await runPreview({ ...base, format: 'json' }, w, d.term)).toBe(0);
    const { digest } = JSON.parse(d.t.out);
    for (const rep of digest.reps as { id: string; goal: Record<string, unknown> | null }[]) {
      const g = terminal();
      expect(await runProgress({ tenant: 'demo', person: rep.id, asOf: AS_OF, json: true }, w, g.term)).toBe(
        0,
      );
      const figure = JSON.parse(g.t.out).goals.find(
        (f: { goal: string; owner: string }) => f.goal === 'won-amount' && f.owner === 'rep',
      );
      expect(rep.goal).not.toBeNull();
      for (const field of GOAL_LINE_FIGURES)
        expect([rep.id, field, rep.goal?.[field]]).toEqual([rep.id, field, figure[field]]);
    }
  });
});

describe('digest send', () => {
  it('mails the manager once per period, marked as a manager digest', async () => {
    const a = terminal();
    expect(await runSend({ tenant: 'demo', manager: 'm1', period: '2026-W42' }, w, a.term)).toBe(0);
    expect(a.t.out).toContain('to li.ming@demo.example');
    const b = terminal();
    expect(await runSend({ tenant: 'demo', manager: 'm1', period: '2026-W42' }, w, b.term)).toBe(0);
    expect(b.t.out).toContain('sent before; nothing sent');
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({
      kind: 'manager-digest',
      to: ['li.ming@demo.example'],
      subject: '李明：团队简报 2026年第42周（10月12日–10月18日）',
    });
  });

  it('refuses someone who manages nobody, and a manager without an email address', async () => {
    const a = terminal();
    expect(await runSend({ tenant: 'demo', manager: 'u1', period: '2026-W42' }, w, a.term)).toBe(2);
    expect(a.t.err).toContain('王芳 (u1) leads no team and has no direct reports in 2026-W42');
    const b = terminal();
    expect(await runSend({ tenant: 'demo', manager: 'm2', period: '2026-W42' }, w, b.term)).toBe(1);
    expect(b.t.err).toContain('赵强 (m2) has no email address');
    expect(mailer.sent).toHaveLength(1);
  });
});

describe('scheduled digests', () => {
  it('sends each manager the week due in their zone once, and catches up nothing twice', async () => {
    const deps = { ...digestDeps(w), ledger: w.ledger };
    const before = mailer.sent.length;
    // Monday 26 October, 08:30 in Shanghai: W43 is due for m1; m2 has no address; nobody else manages anyone.
    const monday = new Date('2026-10-26T08:30:00+08:00');
    expect(await sendDueDigests(deps, monday)).toEqual([
      { manager: 'm1', period: '2026-W43', outcome: 'performed' },
      { manager: 'm2', period: '2026-W43', outcome: 'skipped', reason: 'no email address' },
    ]);
    // The schedule fires again, and a late run the next day: nothing more is sent.
    expect((await sendDueDigests(deps, monday))[0]).toMatchObject({ outcome: 'duplicate' });
    expect((await sendDueDigests(deps, new Date('2026-10-27T10:00:00+08:00')))[0]).toMatchObject({
      period: '2026-W43',
      outcome: 'duplicate',
    });
    // Before 08:00 the week before is still the due one: W42, sent by `digest send` above.
    expect((await sendDueDigests(deps, new Date('2026-10-26T07:00:00+08:00')))[0]).toMatchObject({
      period: '2026-W42',
      outcome: 'duplicate',
    });
    expect(mailer.sent.length - before).toBe(1);
    expect(mailer.sent.at(-1)?.subject).toContain('2026年第43周');
  });
});
