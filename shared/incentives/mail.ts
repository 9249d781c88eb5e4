/**
 * Statement and team-summary emails, per locale (zh-CN, en), as HTML and plain text. Every merge field (names, deal
 * ids, traces) is escaped for HTML and kept on one line in subjects; amounts are formatted from their decimal
 * strings. The statement's content hash is printed so a rep and payroll can refer to exactly one frozen statement.
 */
import { escapeHtml, oneLine } from '../mail/escape';
import type { LineKind } from './lines';
import { formatMoney, formatPercent } from './money';
import type { Locale } from './plan';
import { describeLine, type ManagerSummary } from './render';
import type { Statement } from './statement';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** Longer statements list their first lines; the rest are in the CSV/JSON export. */
export const MAIL_LINE_LIMIT = 100;

const KIND: Record<Locale, Record<LineKind, string>> = {
  en: {
    commission: 'Commission',
    spiff: 'SPIFF',
    milestone: 'Milestone bonus',
    override: 'Manager override',
    teamBonus: 'Team bonus',
    cap: 'Cap',
    gate: 'Gate',
    adjustment: 'Adjustment',
    clawback: 'Clawback',
    draw: 'Draw',
  },
  'zh-CN': {
    commission: '提成',
    spiff: '专项奖励',
    milestone: '里程碑奖金',
    override: '管理提成',
    teamBonus: '团队奖金',
    cap: '封顶',
    gate: '门槛',
    adjustment: '调整',
    clawback: '追回',
    draw: '预支',
  },
};

const T = {
  en: {
    subject: (p: string, amount: string) => `Commission statement ${p}: ${amount} payable`,
    hello: (name: string) => `Hi ${name},`,
    intro: (p: string) =>
      `Here is your commission statement for ${p}. The period is closed and this statement is final.`,
    credited: 'Credited',
    deals: (n: number) => `${n} deal${n === 1 ? '' : 's'}`,
    attainment: 'Attainment',
    earnings: 'Earnings',
    adjustments: 'Adjustments',
    draws: 'Draws',
    payable: 'Total payable',
    lines: 'Lines',
    kind: 'Item',
    deal: 'Deal',
    amount: 'Amount',
    how: 'How it was computed',
    more: (n: number) => `… and ${n} more lines in the statement export.`,
    reference: (h: string) => `Statement reference ${h}. Questions? Reply to this email.`,
    teamSubject: (p: string, amount: string) => `Team commission summary ${p}: ${amount} payable`,
    teamIntro: (p: string) => `The team's statements for ${p} are closed. One line per rep:`,
    rep: 'Rep',
    total: 'Team total',
  },
  'zh-CN': {
    subject: (p: string, amount: string) => `${p} 提成对账单：应付 ${amount}`,
    hello: (name: string) => `${name}，你好：`,
    intro: (p: string) => `这是你 ${p} 的提成对账单。该期间已结账，本对账单为最终结果。`,
    credited: '计入业绩',
    deals: (n: number) => `${n} 笔交易`,
    attainment: '完成率',
    earnings: '本期收入',
    adjustments: '调整',
    draws: '预支',
    payable: '应付合计',
    lines: '明细',
    kind: '项目',
    deal: '交易',
    amount: '金额',
    how: '计算方式',
    more: (n: number) => `……另有 ${n} 条明细，请查看对账单导出文件。`,
    reference: (h: string) => `对账单编号 ${h}。如有疑问，请直接回复本邮件。`,
    teamSubject: (p: string, amount: string) => `${p} 团队提成汇总：应付 ${amount}`,
    teamIntro: (p: string) => `团队 ${p} 的对账单已结账，每位成员一行：`,
    rep: '成员',
    total: '团队合计',
  },
} as const;

const layout = (title: string, body: string, footer: string): string =>
  '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;color:#222">' +
  `<h2 style="margin:0 0 12px">${title}</h2>${body}` +
  `<p style="color:#888;font-size:12px">${footer}</p></body></html>`;

/** Every cell is escaped here; `head` undefined makes a key/value table. */
const table = (head: string[] | undefined, rows: string[][], numeric: ReadonlySet<number>): string => {
  const cell = (tag: 'th' | 'td', v: string, i: number) =>
    `<${tag} style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:${numeric.has(i) ? 'right' : 'left'}">${escapeHtml(v)}</${tag}>`;
  return (
    '<table style="border-collapse:collapse;font-size:14px">' +
    (head ? `<tr>${head.map((h, i) => cell('th', h, i)).join('')}</tr>` : '') +
    rows.map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`).join('') +
    '</table>'
  );
};

export interface StatementMailContext {
  repName: string;
  tenantName: string;
  locale?: Locale;
}

export const statementMail = (s: Statement, ctx: StatementMailContext): RenderedMail => {
  const locale = ctx.locale ?? s.locale;
  const t = T[locale];
  const m = (a: string) => formatMoney(a, s.currency, locale);
  const attainment = s.segments.at(-1)?.attainment;
  const summary: [string, string][] = [
    [t.credited, `${m(s.totals.credited)} (${t.deals(s.credits.length)})`],
    ...(attainment !== undefined
      ? [[t.attainment, formatPercent(attainment, locale)] as [string, string]]
      : []),
    [t.earnings, m(s.totals.earnings)],
    [t.adjustments, m(s.totals.adjustments)],
    [t.draws, m(s.totals.draws)],
    [t.payable, m(s.totals.payable)],
  ];
  const shown = s.lines.slice(0, MAIL_LINE_LIMIT);
  const rows = shown.map((l) => [
    KIND[locale][l.kind],
    l.dealId ?? l.componentId ?? '',
    m(l.amount),
    describeLine(l, s, locale),
  ]);
  const more = s.lines.length - shown.length;
  const subject = oneLine(t.subject(s.periodKey, m(s.totals.payable)));
  const footerLines = [t.reference(s.hash.slice(0, 16)), `${ctx.tenantName} · Quotaflow`];
  const footer = footerLines.join(' ');
  const html = layout(
    escapeHtml(subject),
    `<p>${escapeHtml(t.hello(ctx.repName))}</p><p>${escapeHtml(t.intro(s.periodKey))}</p>` +
      table(undefined, summary, new Set([1])) +
      (rows.length
        ? `<h3>${escapeHtml(t.lines)}</h3>${table([t.kind, t.deal, t.amount, t.how], rows, new Set([2]))}`
        : '') +
      (more > 0 ? `<p>${escapeHtml(t.more(more))}</p>` : ''),
    escapeHtml(footer),
  );
  const text = [
    t.hello(ctx.repName),
    '',
    t.intro(s.periodKey),
    '',
    ...summary.map(([k, v]) => `${k}: ${v}`),
    '',
    ...(rows.length ? [`${t.lines}:`, ...rows.map((r) => `- ${r[0]} ${r[1]}: ${r[2]} (${r[3]})`)] : []),
    ...(more > 0 ? [t.more(more)] : []),
    '',
    '-- ',
    ...footerLines,
    '',
  ].join('\n');
  return { subject, html, text };
};

export interface TeamMailContext {
  managerName: string;
  tenantName: string;
  locale: Locale;
  /** Rep id → display name. */
  names: ReadonlyMap<string, string>;
}

export const teamSummaryMail = (summary: ManagerSummary, ctx: TeamMailContext): RenderedMail => {
  const t = T[ctx.locale];
  const m = (a: string) => formatMoney(a, summary.currency, ctx.locale);
  const head = [t.rep, t.credited, t.attainment, t.earnings, t.adjustments, t.payable];
  const rows = summary.reps.map((r) => [
    ctx.names.get(r.repId) ?? r.repId,
    m(r.credited),
    formatPercent(r.attainment, ctx.locale),
    m(r.earnings),
    m(r.adjustments),
    m(r.payable),
  ]);
  const totals = [
    t.total,
    m(summary.totals.credited),
    '',
    m(summary.totals.earnings),
    m(summary.totals.adjustments),
    m(summary.totals.payable),
  ];
  const subject = oneLine(t.teamSubject(summary.periodKey, m(summary.totals.payable)));
  const footer = `${ctx.tenantName} · Quotaflow`;
  const footerLines = [footer];
  const html = layout(
    escapeHtml(subject),
    `<p>${escapeHtml(t.hello(ctx.managerName))}</p><p>${escapeHtml(t.teamIntro(summary.periodKey))}</p>` +
      table(head, [...rows, totals], new Set([1, 2, 3, 4, 5])),
    escapeHtml(footer),
  );
  const text = [
    t.hello(ctx.managerName),
    '',
    t.teamIntro(summary.periodKey),
    '',
    ...[...rows, totals].map(
      (r) =>
        `- ${r[0]}: ${head
          .slice(1)
          .map((h, i) => `${h} ${r[i + 1] || '—'}`)
          .join(', ')}`,
    ),
    '',
    '-- ',
    ...footerLines,
    '',
  ].join('\n');
  return { subject, html, text };
};
