/**
 * Statement and team-summary emails as a rep and a manager read them, in zh-CN and en: amounts to the cent in the
 * tenant's currency, each line's trace, the content hash, and CRM text escaped in HTML; names where ids were,
 * attainment to one decimal, and a converted deal's original amount and rate.
 */
import { describe, expect, it } from 'vitest';
import {
  closePeriod,
  MAIL_LINE_LIMIT,
  managerSummary,
  PlanBook,
  statementMail,
  teamSummaryMail,
} from '../../../shared/incentives';
import { statementNames } from '../../../shared/incentives/runs';
import { book, deal, plan, TIERS } from './fixtures';

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
    expect(m.subject).toBe('2025年3月 提成对账单：应付 ¥33,000.00');
    expect(m.text).toContain('王芳，你好：');
    expect(m.text).toContain('应付合计: ¥33,000.00');
    expect(m.text).toContain('完成率: 60.0%');
    expect(m.text).toContain('¥500,000.00 × 5% — 第1档');
    expect(m.html).toContain('¥100,000.00 × 8% — 第2档');
    expect(m.text).toContain(`对账单编号 ${zh.hash.slice(0, 16)}`);
    expect(m.html.startsWith('<!doctype html>')).toBe(true);
  });

  it('en: English wording, and CRM text (deal ids, names) is escaped in HTML and kept on one line in the subject', () => {
    if (!en) throw new Error('no statement');
    const m = statementMail(en, { repName: 'Emily <Carter>', tenantName: 'Demo & Co' });
    expect(m.subject).toBe('Commission statement March 2025: CN¥6,000.00 payable');
    expect(m.text).toContain('Hi Emily <Carter>,\n\nHere is your commission statement for March 2025.');
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
    expect(m.text).toContain('另有 7 条');
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
    expect(cn.subject).toBe('2025年3月 团队提成汇总：应付 ¥39,000.00');
    expect(cn.text).toContain('- 王芳: 计入业绩 ¥600,000.00, 完成率 60.0%');
    expect(cn.text).toContain('- 团队合计: 计入业绩 ¥720,000.00, 完成率 —');
    const us = teamSummaryMail(summary, { managerName: 'Li Ming', tenantName: 'Demo', locale: 'en', names });
    expect(us.subject).toBe('Team commission summary March 2025: CN¥39,000.00 payable');
    expect(us.text).toContain("Hi Li Ming,\n\nThe team's statements for March 2025 are closed.");
    expect(us.text).toMatch(/\n-- \nDemo · Quotaflow\n$/);
    expect(us.html).toContain('Emily &lt;Carter&gt;');
    expect(us.html).not.toContain('Emily <Carter>');
  });
});

describe('what a reader sees instead of ids and raw numbers', () => {
  const readable = PlanBook.parse({
    plans: [
      plan([{ id: 'base', type: 'tiered', mode: 'marginal', tiers: TIERS }], { quota: '300000.00' }),
      plan([{ id: 'team-override', type: 'override', teamId: 'east', rate: '0.01' }], {
        id: 'mgr',
        quota: '900000.00',
      }),
    ],
    assignments: [
      { repId: 'u1', planId: 'p', from: '2024-01-01' },
      { repId: 'u3', planId: 'p', from: '2024-01-01' },
      { repId: 'm1', planId: 'mgr', from: '2024-01-01' },
    ],
    reps: [
      { id: 'u1', locale: 'zh-CN', name: '王芳' },
      { id: 'u3', locale: 'en', name: 'Emily Carter' },
      { id: 'm1', locale: 'en', name: 'Li Ming' },
    ],
    teams: [{ id: 'east', managerId: 'm1', members: ['u1', 'u3'] }],
    fxRates: [{ period: '2025-Q1', from: 'USD', to: 'CNY', rate: '7.1' }],
  });
  const statements = closePeriod({
    book: readable,
    periodKey: '2025-03',
    deals: [
      deal('185000.50', '2025-03-03', { id: 'D-1001', owners: [{ repId: 'u1', percent: '100' }] }),
      deal('10000.00', '2025-03-12', {
        id: 'D-1002',
        currency: 'USD',
        owners: [
          { repId: 'u3', percent: '60' },
          { repId: 'u1', percent: '40' },
        ],
      }),
    ],
    closed: [],
  }).statements;
  const of = (rep: string) => {
    const s = statements.find((x) => x.repId === rep);
    if (!s) throw new Error(`no statement for ${rep}`);
    return s;
  };
  const names = statementNames(
    readable,
    new Map([
      ['D-1001', '华东物流 年度合同'],
      ['D-1002', 'Acme <Corp> renewal'],
    ]),
  );

  it('deals by name with the id beside it, hostile names escaped; attainment to one decimal', () => {
    const m = statementMail(of('u1'), { repName: '王芳', tenantName: 'Demo', names });
    expect(m.html).toContain('华东物流 年度合同<br>');
    expect(m.html).toContain('(D-1001)');
    expect(m.html).toContain('Acme &lt;Corp&gt; renewal');
    expect(m.html).not.toContain('<Corp>');
    expect(m.text).toContain('- 华东物流 年度合同 (D-1001), 3月3日: ¥185,000.50');
    // (185,000.50 + 40% × 71,000.00) / 300,000 = 71.1335%
    expect(m.text).toContain('完成率: 71.1%');
    expect(m.text).not.toMatch(/\d\.\d{2,}%/);
  });

  it('a converted deal shows its original amount and the rate, and a split shows the share of the whole', () => {
    const m = statementMail(of('u3'), { repName: 'Emily Carter', tenantName: 'Demo', names });
    expect(m.text).toContain(
      '- Acme <Corp> renewal (D-1002), Mar 12: CN¥42,600.00 · $10,000.00 × 7.10 · 60% of CN¥71,000.00',
    );
    expect(m.html).toContain('$10,000.00 × 7.10');
  });

  it('the manager sees component labels and names, and no attainment line for a plan that does not pay on it', () => {
    const m = statementMail(of('m1'), { repName: 'Li Ming', tenantName: 'Demo', names });
    expect(m.text).toContain('- Team override');
    expect(m.text).not.toContain('team-override');
    expect(m.text).toContain('team member 王芳');
    expect(m.text).toContain('team member Emily Carter');
    expect(m.text).not.toMatch(/team member u\d/);
    expect(m.text).not.toContain('Attainment');
    const zhLabel = statementMail(of('m1'), { repName: '李明', tenantName: 'Demo', names, locale: 'zh-CN' });
    expect(zhLabel.text).toContain('- 团队管理提成');
    expect(zhLabel.text).not.toContain('完成率');
  });

  it('a component label can be given per locale', () => {
    const labelled = PlanBook.parse({
      plans: [
        plan([
          { id: 'base', label: { 'zh-CN': '基础提成', en: 'Base commission' }, type: 'flat', rate: '0.05' },
        ]),
      ],
      assignments: [{ repId: 'r1', planId: 'p', from: '2024-01-01' }],
      reps: [{ id: 'r1', locale: 'en', name: 'Emily' }],
    });
    const [s] = closePeriod({
      book: labelled,
      periodKey: '2025-03',
      deals: [deal('1000.00', '2025-03-03')],
      closed: [],
    }).statements;
    if (!s) throw new Error('no statement');
    const names = statementNames(labelled);
    expect(statementMail(s, { repName: 'E', tenantName: 'D', names }).text).toContain('- Base commission');
    expect(statementMail(s, { repName: 'E', tenantName: 'D', names, locale: 'zh-CN' }).text).toContain(
      '- 基础提成',
    );
  });
});
