/**
 * Statement and team-summary emails as a rep and a manager read them, in zh-CN and en: amounts to the cent in the
 * tenant's currency, each line's trace, the content hash, and CRM text escaped in HTML.
 */
import { describe, expect, it } from 'vitest';
import {
  closePeriod,
  MAIL_LINE_LIMIT,
  managerSummary,
  statementMail,
  teamSummaryMail,
} from '../../../shared/incentives';
import { book, deal, TIERS } from './fixtures';

const plans = book(
  [{ id: 'base', type: 'tiered', mode: 'marginal', tiers: TIERS }],
  {},
  {
    assignments: [
      { repId: 'r1', planId: 'p', from: '2024-01-01' },
      { repId: 'r2', planId: 'p', from: '2024-01-01' },
    ],
    reps: [
      { id: 'r1', locale: 'zh-CN', name: '王芳' },
      { id: 'r2', locale: 'en', name: 'Emily <Carter>' },
    ],
  },
);

const [zh, en] = closePeriod({
  book: plans,
  periodKey: '2025-03',
  deals: [
    deal('600000.00', '2025-03-03', { id: 'D-1' }),
    deal('120000.00', '2025-03-10', {
      id: '<script>alert(1)</script>',
      owners: [{ repId: 'r2', percent: '100' }],
    }),
  ],
  closed: [],
}).statements;

describe('statement email', () => {
  it('zh-CN: subject, summary and traces in Chinese, money as ¥ to the cent, hash shown', () => {
    if (!zh) throw new Error('no statement');
    const m = statementMail(zh, { repName: '王芳', tenantName: '演示贸易公司' });
    // 500,000 × 5% + 100,000 × 8% = 25,000 + 8,000 (English formats the yuan as CN¥, Chinese as ¥)
    expect(zh.totals.payable).toBe('33000.00');
    expect(m.subject).toBe('2025-03 提成对账单：应付 ¥33,000.00');
    expect(m.text).toContain('王芳，你好：');
    expect(m.text).toContain('应付合计: ¥33,000.00');
    expect(m.text).toContain('完成率: 60%');
    expect(m.text).toContain('¥500,000.00 × 5% — 第1档');
    expect(m.html).toContain('¥100,000.00 × 8% — 第2档');
    expect(m.text).toContain(`对账单编号 ${zh.hash.slice(0, 16)}`);
    expect(m.html.startsWith('<!doctype html>')).toBe(true);
  });

  it('en: English wording, and CRM text (deal ids, names) is escaped in HTML and kept on one line in the subject', () => {
    if (!en) throw new Error('no statement');
    const m = statementMail(en, { repName: 'Emily <Carter>', tenantName: 'Demo & Co' });
    expect(m.subject).toBe('Commission statement 2025-03: CN¥6,000.00 payable');
    expect(m.text).toContain('Hi Emily <Carter>,\n\nHere is your commission statement for 2025-03.');
    // The signature delimiter is "-- " on its own line; the reference and the sender follow on their own lines.
    expect(m.text).toContain(
      `\n-- \nStatement reference ${en.hash.slice(0, 16)}. Questions? Reply to this email.\nDemo & Co · Quotaflow\n`,
    );
    expect(m.text).toContain('Total payable: CN¥6,000.00');
    expect(m.text).toContain('CN¥120,000.00 × 5% — tier 1, 0%–50% of quota');
    expect(m.html).toContain('Hi Emily &lt;Carter&gt;,');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('Demo &amp; Co');
  });

  it('the locale can be overridden per rep, and long statements list the first lines and point to the export', () => {
    if (!en) throw new Error('no statement');
    const many = {
      ...en,
      lines: Array.from({ length: MAIL_LINE_LIMIT + 7 }, () => en.lines[0]).flatMap((l) => (l ? [l] : [])),
    };
    const m = statementMail(many, { repName: 'Emily', tenantName: 'Demo', locale: 'zh-CN' });
    expect(m.subject).toContain('提成对账单');
    expect(m.text).toContain('另有 7 条明细');
    expect(m.text.match(/^- 提成/gm)).toHaveLength(MAIL_LINE_LIMIT);
  });
});

describe('team summary email', () => {
  it('one row per rep and totals equal to the sum of rows, in the manager’s locale', () => {
    if (!zh || !en) throw new Error('no statements');
    const summary = managerSummary([zh, en]);
    const names = new Map([
      ['r1', '王芳'],
      ['r2', 'Emily <Carter>'],
    ]);
    const cn = teamSummaryMail(summary, { managerName: '李明', tenantName: 'Demo', locale: 'zh-CN', names });
    expect(cn.subject).toBe('2025-03 团队提成汇总：应付 ¥39,000.00');
    expect(cn.text).toContain('- 王芳: 计入业绩 ¥600,000.00, 完成率 60%');
    expect(cn.text).toContain('- 团队合计: 计入业绩 ¥720,000.00, 完成率 —');
    const us = teamSummaryMail(summary, { managerName: 'Li Ming', tenantName: 'Demo', locale: 'en', names });
    expect(us.subject).toBe('Team commission summary 2025-03: CN¥39,000.00 payable');
    expect(us.text).toContain("Hi Li Ming,\n\nThe team's statements for 2025-03 are closed.");
    expect(us.text).toMatch(/\n-- \nDemo · Quotaflow\n$/);
    expect(us.html).toContain('Emily &lt;Carter&gt;');
    expect(us.html).not.toContain('Emily <Carter>');
  });
});
