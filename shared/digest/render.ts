/**
 * The manager digest as an email, in the manager's locale (zh-CN or en), through the one mail layout: names, not
 * ids; money, percentages and dates in the reader's format; deal names linked to the CRM record where it has a
 * URL; attainment against expected as CSS bars (spans, which survive email clients and the dark-mode rules).
 * Every value is escaped: names and deal names come from the CRM.
 */
import { Dec, formatAttainment, formatPercent } from '../incentives/money';
import { escapeHtml, oneLine } from '../mail/escape';
import { type Block, type Brand, brandLine, type MailDocument, renderMail } from '../mail/layout';
import type { Locale } from '../org/config';
import type { OutgoingEmail } from '../ports';
import { MUTED, pipelineChart, tableBar, trendChart } from './charts-html';
import { followUpBlocks } from './followup-html';
import type { DealRef, DigestModel, GoalLine } from './model';
import {
  formatCount,
  formatDate,
  formatPeriodLabel,
  formatValue,
  STATUS_COLOR,
  statusWord,
  T,
} from './words';

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

const LIST_LIMIT = 20;

const pctOf = (v: string | null) =>
  v === null ? 0 : Math.max(0, Math.min(100, new Dec(v).times(100).toDecimalPlaces(1).toNumber()));

/** What a rep's row says under the bars: expected by now, gap, needed per week, coverage, accrual and tier. */
const repDetail = (r: DigestModel['reps'][number], locale: Locale): string => {
  const w = T[locale];
  const g = r.goal;
  const a = r.accrual;
  const parts: string[] = [];
  if (g) {
    const value = (v: string) => formatValue(v, g.unit, locale);
    parts.push(w.actual(value(g.actual), g.target === null ? null : value(g.target)));
    parts.push(w.expected(formatPercentOrDash(g.expectedAttainment, locale)));
    if (g.gap !== null && new Dec(g.gap).gt(0)) parts.push(w.gap(formatValue(g.gap, g.unit, locale)));
    if (g.neededPerWeek !== null) parts.push(w.needs(formatValue(g.neededPerWeek, g.unit, locale)));
    if (g.coverage !== null) parts.push(w.coverage(`${formatCount(g.coverage, locale)}×`));
  }
  if (a) {
    const tier = a.tier ? w.tier(a.tier.tier, formatPercent(a.tier.rate, locale)) : '';
    parts.push(w.accrued(`${formatValue(a.earned, a.currency, locale)}${tier}`));
    if (a.tier?.nextTierNeeds) parts.push(w.nextTier(formatValue(a.tier.nextTierNeeds, a.currency, locale)));
  }
  return parts.join(' · ');
};

/**
 * One row per rep: name and attainment with its status, a bar of what is attained and a thin grey one of what is
 * expected by now, then the figures in a line that wraps (a table of six money columns does not fit a phone).
 */
const repsBlock = (m: DigestModel, locale: Locale): Block => {
  const w = T[locale];
  const status = (g: GoalLine | null) =>
    g ? `${formatPercentOrDash(g.attainment, locale)} · ${statusWord(g.status, locale)}` : w.noFigures;
  const html = m.reps
    .map((r) => {
      const g = r.goal;
      const bars =
        g?.attainment != null
          ? tableBar(pctOf(g.attainment), 10, STATUS_COLOR[g.status]) +
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td height="3" style="height:3px;line-height:3px;font-size:0">&nbsp;</td></tr></table>' +
            tableBar(pctOf(g.expectedAttainment), 3, '#8c959f')
          : '';
      const detail = repDetail(r, locale);
      return (
        '<div style="margin:0 0 14px">' +
        `<span style="display:block;font-size:14px;line-height:1.4;margin:0 0 4px"><strong>${escapeHtml(r.name)}</strong>` +
        `<span style="float:right;color:${g ? STATUS_COLOR[g.status] : MUTED};font-weight:600">${escapeHtml(status(g))}</span></span>` +
        bars +
        (detail
          ? `<span style="display:block;font-size:12px;line-height:1.5;color:${MUTED};margin:4px 0 0">${escapeHtml(detail)}</span>`
          : '') +
        '</div>'
      );
    })
    .join('');
  const text = m.reps
    .map((r) => {
      const detail = repDetail(r, locale);
      return `- ${r.name}: ${status(r.goal)}${detail ? `; ${detail}` : ''}`;
    })
    .join('\n');
  const legend = m.reps.some((r) => r.goal?.attainment != null)
    ? `<p style="margin:0 0 10px;font-size:12px;color:${MUTED}">${escapeHtml(w.chartLegend)}</p>`
    : '';
  return { type: 'html', html: legend + html, text };
};

/** Attainment as the headline and `goals progress` show it: one decimal ("40.0%"). */
const formatPercentOrDash = (v: string | null, locale: Locale) =>
  v === null ? '—' : formatAttainment(v, locale);

const money = (d: DealRef, locale: Locale) =>
  d.amount !== null && d.currency !== null ? formatValue(d.amount, d.currency, locale) : '';

const dealLink = (d: DealRef): string =>
  d.url
    ? `<a href="${escapeHtml(d.url)}" style="color:#2f6feb;text-decoration:underline">${escapeHtml(d.name)}</a>`
    : `<strong>${escapeHtml(d.name)}</strong>`;

/** A list of deals: the name (linked), then who owns it, the amount and what is said about it. */
const deals = <D extends DealRef>(
  list: readonly D[],
  locale: Locale,
  extra: (d: D) => string = () => '',
): Block => {
  const shown = list.slice(0, LIST_LIMIT);
  const more = list.length - shown.length;
  const detail = (d: D) =>
    [d.owner.name, money(d, locale) || T[locale].noAmount, extra(d)].filter((s) => s !== '').join(' · ');
  return {
    type: 'html',
    html:
      '<ul style="margin:0 0 14px;padding:0 0 0 18px">' +
      shown
        .map(
          (d) =>
            `<li style="margin:0 0 6px;font-size:14px;line-height:1.5">${dealLink(d)}<br><span style="font-size:13px;color:${MUTED}">${escapeHtml(detail(d))}</span></li>`,
        )
        .join('') +
      (more > 0
        ? `<li style="font-size:13px;color:${MUTED}">+${formatCount(String(more), locale)}</li>`
        : '') +
      '</ul>',
    text: [
      ...shown.map((d) => `- ${d.name}: ${detail(d)}${d.url ? ` <${d.url}>` : ''}`),
      ...(more > 0 ? [`- +${more}`] : []),
    ].join('\n'),
  };
};

export const digestDocument = (
  m: DigestModel,
  brand: Brand,
  teamName: string,
  locale: Locale,
): { subject: string; doc: MailDocument } => {
  const w = T[locale];
  const period = formatPeriodLabel(m.period, locale);
  const blocks: Block[] = [{ type: 'paragraph', text: w.hello(m.manager.name) }];
  if (m.reps.length === 0) blocks.push({ type: 'paragraph', text: w.noReps });
  else {
    blocks.push({ type: 'paragraph', text: m.headline ? w.headline(m.headline, locale) : w.noGoal });
    if (m.quiet) blocks.push({ type: 'paragraph', text: w.quiet });
    blocks.push({ type: 'heading', text: w.team }, repsBlock(m, locale));
    blocks.push(...pipelineChart(m.charts, locale), ...trendChart(m.charts, locale));
  }
  const ch = m.changes;
  const moved = (d: DealRef & { from: string; to: string }) =>
    w.moved(formatDate(d.from, locale), formatDate(d.to, locale));
  const amountMoved = (d: DealRef & { from: string; to: string }) =>
    w.moved(
      formatValue(d.from, d.currency ?? m.charts.currency, locale),
      formatValue(d.to, d.currency ?? m.charts.currency, locale),
    );
  const sections: [string, Block | undefined, number][] = [
    [w.created, ch.created.length ? deals(ch.created, locale) : undefined, ch.created.length],
    [w.won, ch.won.length ? deals(ch.won, locale) : undefined, ch.won.length],
    [w.lost, ch.lost.length ? deals(ch.lost, locale) : undefined, ch.lost.length],
    [w.pushed, ch.pushed.length ? deals(ch.pushed, locale, moved) : undefined, ch.pushed.length],
    [w.pulledIn, ch.pulledIn.length ? deals(ch.pulledIn, locale, moved) : undefined, ch.pulledIn.length],
    [
      w.amountUp,
      ch.amountUp.length ? deals(ch.amountUp, locale, amountMoved) : undefined,
      ch.amountUp.length,
    ],
    [
      w.amountDown,
      ch.amountDown.length ? deals(ch.amountDown, locale, amountMoved) : undefined,
      ch.amountDown.length,
    ],
  ];
  if (sections.some(([, b]) => b)) {
    blocks.push({ type: 'heading', text: w.changes });
    for (const [label, b, n] of sections)
      if (b) blocks.push({ type: 'paragraph', text: `${label} · ${formatCount(String(n), locale)}` }, b);
  }
  if (m.atRisk.length) {
    blocks.push({ type: 'heading', text: w.atRisk });
    blocks.push(
      deals(m.atRisk, locale, (d) =>
        d.reasons.map((r) => w.reason(r, locale)).join(locale === 'zh-CN' ? '；' : '; '),
      ),
    );
  }
  if (m.reps.length) blocks.push(...followUpBlocks(m, locale));
  const rec = m.recognition;
  if (rec.wins.length || rec.goalsMet.length) {
    blocks.push({ type: 'heading', text: w.recognition });
    const lines = [
      ...rec.wins.map((d) => w.winLine(d.owner.name, d.name, money(d, locale))),
      ...rec.goalsMet.map((g) =>
        w.metLine(g.person.name, g.goal.goalName[locale], formatValue(g.goal.actual, g.goal.unit, locale)),
      ),
    ];
    blocks.push({ type: 'paragraph', text: lines.join('\n') }, { type: 'note', text: w.forward });
  }
  const q = m.dataQuality;
  if (q.missingAmount.length || q.missingCloseDate.length || q.heldOut.length) {
    blocks.push({ type: 'heading', text: w.quality });
    if (q.missingAmount.length)
      blocks.push({ type: 'paragraph', text: w.missingAmount }, deals(q.missingAmount, locale));
    if (q.missingCloseDate.length)
      blocks.push({ type: 'paragraph', text: w.missingCloseDate }, deals(q.missingCloseDate, locale));
    if (q.heldOut.length)
      blocks.push(
        { type: 'paragraph', text: w.heldOut },
        deals(q.heldOut, locale, (d) => w.held(d.reason)),
      );
  }
  return {
    subject: oneLine(w.subject(period, teamName)),
    doc: {
      locale,
      title: w.title(period),
      preheader: m.headline ? w.headline(m.headline, locale) : m.quiet ? w.quiet : undefined,
      blocks,
      footer: [w.footer(m.manager.timeZone), brandLine(brand)],
    },
  };
};

export const renderDigest = (
  m: DigestModel,
  brand: Brand,
  opts: { teamName: string; locale?: Locale },
): RenderedDigest => {
  const { subject, doc } = digestDocument(m, brand, opts.teamName, opts.locale ?? m.manager.locale);
  return { subject, ...renderMail(brand, doc) };
};

/** The message to send: the rendered digest to the manager, marked `X-Quotaflow-Kind: manager-digest`. */
export const digestEmail = (r: RenderedDigest, from: string, to: string): OutgoingEmail => ({
  kind: 'manager-digest',
  from,
  to: [to],
  subject: r.subject,
  html: r.html,
  text: r.text,
});
