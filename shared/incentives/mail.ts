/**
 * Statement and team-summary emails, per locale (zh-CN, en), as HTML and plain text through the one mail layout
 * (shared/mail/layout.ts), which escapes every value. Readers see names, not ids: deals by name (id beside it),
 * components by label, people by name; attainment to one decimal, and only for plans that pay on it; a deal in
 * another currency with its original amount and the rate beside the converted one. The statement's content hash
 * is printed so a rep and payroll can refer to exactly one frozen statement.
 */

import { oneLine } from '../mail/escape';
import { type Branding, brandLine, type MailDocument, renderMail } from '../mail/layout';
import { formatDayInPeriod, formatPeriod } from './labels';
import type { LineKind } from './lines';
import { formatAttainment, formatMoney, formatPercent, formatRate } from './money';
import type { Locale } from './plan';
import { describeLine, type ManagerSummary } from './render';
import type { Statement } from './statement';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** Longer statements list their first lines (and deals); the rest are in the CSV/JSON export. */
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
    title: (p: string) => `Your commission statement, ${p}`,
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
    dealsHeading: 'Credited deals',
    date: 'Date',
    share: (pct: string, whole: string) => `${pct} of ${whole}`,
    lines: 'How your pay adds up',
    kind: 'Item',
    deal: 'Deal',
    amount: 'Amount',
    how: 'How it was computed',
    more: (n: number) => `… and ${n} more in the statement export.`,
    reference: (h: string) => `Statement reference ${h}. Questions? Reply to this email.`,
    teamSubject: (p: string, amount: string) => `Team commission summary ${p}: ${amount} payable`,
    teamTitle: (p: string) => `Team commission summary, ${p}`,
    teamIntro: (p: string) => `The team's statements for ${p} are closed. One line per rep:`,
    rep: 'Rep',
    total: 'Team total',
  },
  'zh-CN': {
    subject: (p: string, amount: string) => `${p} 提成对账单：应付 ${amount}`,
    title: (p: string) => `${p} 提成对账单`,
    hello: (name: string) => `${name}，你好：`,
    intro: (p: string) => `这是你 ${p} 的提成对账单。该期间已结账，本对账单为最终结果。`,
    credited: '计入业绩',
    deals: (n: number) => `${n} 笔交易`,
    attainment: '完成率',
    earnings: '本期收入',
    adjustments: '调整',
    draws: '预支',
    payable: '应付合计',
    dealsHeading: '计入业绩的交易',
    date: '日期',
    share: (pct: string, whole: string) => `${whole} 的 ${pct}`,
    lines: '收入明细',
    kind: '项目',
    deal: '交易',
    amount: '金额',
    how: '计算方式',
    more: (n: number) => `……另有 ${n} 条，请查看对账单导出文件。`,
    reference: (h: string) => `对账单编号 ${h}。如有疑问，请直接回复本邮件。`,
    teamSubject: (p: string, amount: string) => `${p} 团队提成汇总：应付 ${amount}`,
    teamTitle: (p: string) => `${p} 团队提成汇总`,
    teamIntro: (p: string) => `团队 ${p} 的对账单已结账，每位成员一行：`,
    rep: '成员',
    total: '团队合计',
  },
} as const;

/** Names for the ids a statement holds; each falls back to the id when it knows none. */
export interface StatementNames {
  person?: (repId: string) => string | undefined;
  deal?: (dealId: string) => string | undefined;
  /** A component's label in the locale (labels.ts componentLabel), looked up in the statement's plans. */
  component?: (componentId: string, locale: Locale, planIds: readonly string[]) => string | undefined;
  /** Whether the rep's plan pays on attainment; false hides the attainment line. Default true. */
  attainment?: (repId: string) => boolean;
}

export interface StatementMailContext {
  repName: string;
  tenantName: string;
  locale?: Locale;
  branding?: Branding | undefined;
  names?: StatementNames | undefined;
}

const isZero = (amount: string): boolean => /^-?0(\.0+)?$/.test(amount);

/** "Acme renewal (D-1001)", or the id alone when the deal has no name. */
const dealLabel = (id: string, names: StatementNames | undefined, sep = ' '): string => {
  const name = names?.deal?.(id)?.trim();
  return name && name !== id ? `${name}${sep}(${id})` : id;
};

export const statementMail = (s: Statement, ctx: StatementMailContext): RenderedMail => {
  const locale = ctx.locale ?? s.locale;
  const t = T[locale];
  const names = ctx.names;
  const m = (a: string) => formatMoney(a, s.currency, locale);
  const person = (id: string) => names?.person?.(id) ?? id;
  const period = formatPeriod(s.periodKey, locale);
  const attainment = names?.attainment?.(s.repId) === false ? undefined : s.segments.at(-1)?.attainment;
  const summary: [string, string][] = [
    // A manager paid only on the team's deals has none of their own: no "0.00 (0 deals)" line.
    ...(s.credits.length
      ? [[t.credited, `${m(s.totals.credited)} (${t.deals(s.credits.length)})`] as [string, string]]
      : []),
    ...(attainment !== undefined
      ? [[t.attainment, formatAttainment(attainment, locale)] as [string, string]]
      : []),
    [t.earnings, m(s.totals.earnings)],
    // Zero adjustments and draws are left out: most statements have neither.
    ...(isZero(s.totals.adjustments) ? [] : [[t.adjustments, m(s.totals.adjustments)] as [string, string]]),
    ...(isZero(s.totals.draws) ? [] : [[t.draws, m(s.totals.draws)] as [string, string]]),
    [t.payable, m(s.totals.payable)],
  ];
  const credits = s.credits.slice(0, MAIL_LINE_LIMIT);
  const dealRows = credits.map((c) => {
    const notes: string[] = [];
    if (c.originalCurrency !== s.currency)
      notes.push(
        `${formatMoney(c.originalAmount, c.originalCurrency, locale)} × ${formatRate(c.fxRate, locale)}`,
      );
    if (c.share !== '1') notes.push(t.share(formatPercent(c.share, locale), m(c.dealAmount)));
    return [
      dealLabel(c.dealId, names, '\n'),
      formatDayInPeriod(c.date, locale),
      [m(c.amount), ...notes].join('\n'),
    ];
  });
  const shown = s.lines.slice(0, MAIL_LINE_LIMIT);
  const planIds = s.segments.map((x) => x.planId);
  // Three columns, the deal under the item, so the table still reads on a phone.
  const rows = shown.map((l) => [
    [
      (l.componentId && names?.component?.(l.componentId, locale, planIds)) || KIND[locale][l.kind],
      ...(l.dealId ? [dealLabel(l.dealId, names)] : []),
    ].join('\n'),
    m(l.amount),
    describeLine(l, s, locale, person),
  ]);
  const more = Math.max(s.lines.length - shown.length, s.credits.length - credits.length);
  const subject = oneLine(t.subject(period, m(s.totals.payable)));
  const brand = { name: ctx.tenantName, branding: ctx.branding };
  const doc: MailDocument = {
    locale,
    title: t.title(period),
    preheader: `${t.payable}: ${m(s.totals.payable)}`,
    blocks: [
      { type: 'paragraph', text: t.hello(ctx.repName) },
      { type: 'paragraph', text: t.intro(period) },
      { type: 'facts', rows: summary },
      ...(dealRows.length
        ? [
            { type: 'heading', text: t.dealsHeading } as const,
            {
              type: 'table',
              head: [t.deal, t.date, t.credited],
              rows: dealRows,
              numeric: [2],
              textRow: (r: readonly string[]) =>
                `- ${(r[0] ?? '').replace('\n', ' ')}, ${r[1]}: ${(r[2] ?? '').split('\n').join(' · ')}`,
            } as const,
          ]
        : []),
      ...(rows.length
        ? [
            { type: 'heading', text: t.lines } as const,
            {
              type: 'table',
              head: [t.kind, t.amount, t.how],
              rows,
              numeric: [1],
              textRow: (r: readonly string[]) => `- ${(r[0] ?? '').replace('\n', ' · ')}: ${r[1]} (${r[2]})`,
            } as const,
          ]
        : []),
      ...(more > 0 ? [{ type: 'note', text: t.more(more) } as const] : []),
    ],
    footer: [t.reference(s.hash.slice(0, 16)), brandLine(brand)],
  };
  return { subject, ...renderMail(brand, doc) };
};

export interface TeamMailContext {
  managerName: string;
  tenantName: string;
  locale: Locale;
  /** Rep id → display name. */
  names: ReadonlyMap<string, string>;
  branding?: Branding | undefined;
  /** Whether a rep's plan pays on attainment; false shows "—". Default true. */
  attainment?: ((repId: string) => boolean) | undefined;
}

export const teamSummaryMail = (summary: ManagerSummary, ctx: TeamMailContext): RenderedMail => {
  const t = T[ctx.locale];
  const m = (a: string) => formatMoney(a, summary.currency, ctx.locale);
  const period = formatPeriod(summary.periodKey, ctx.locale);
  // Columns a phone can show: earnings and adjustments only when they say something payable does not.
  const zero = (a: string) => /^-?0(\.0+)?$/.test(a);
  const showAdjustments = summary.reps.some((r) => !zero(r.adjustments));
  const showEarnings = summary.reps.some((r) => r.earnings !== r.payable);
  const cols: { head: string; of: (r: ManagerSummary['reps'][number]) => string; total: string }[] = [
    { head: t.credited, of: (r) => m(r.credited), total: m(summary.totals.credited) },
    {
      head: t.attainment,
      of: (r) => (ctx.attainment?.(r.repId) === false ? '—' : formatAttainment(r.attainment, ctx.locale)),
      total: '',
    },
    ...(showEarnings
      ? [
          {
            head: t.earnings,
            of: (r: ManagerSummary['reps'][number]) => m(r.earnings),
            total: m(summary.totals.earnings),
          },
        ]
      : []),
    ...(showAdjustments
      ? [
          {
            head: t.adjustments,
            of: (r: ManagerSummary['reps'][number]) => m(r.adjustments),
            total: m(summary.totals.adjustments),
          },
        ]
      : []),
    { head: t.payable, of: (r) => m(r.payable), total: m(summary.totals.payable) },
  ];
  const head = [t.rep, ...cols.map((c) => c.head)];
  const rows = summary.reps.map((r) => [ctx.names.get(r.repId) ?? r.repId, ...cols.map((c) => c.of(r))]);
  const totals = [t.total, ...cols.map((c) => c.total)];
  const subject = oneLine(t.teamSubject(period, m(summary.totals.payable)));
  const brand = { name: ctx.tenantName, branding: ctx.branding };
  return {
    subject,
    ...renderMail(brand, {
      locale: ctx.locale,
      title: t.teamTitle(period),
      preheader: `${t.total}: ${m(summary.totals.payable)}`,
      blocks: [
        { type: 'paragraph', text: t.hello(ctx.managerName) },
        { type: 'paragraph', text: t.teamIntro(period) },
        { type: 'table', head, rows, numeric: cols.map((_, i) => i + 1), total: totals },
      ],
      footer: [brandLine(brand)],
    }),
  };
};
