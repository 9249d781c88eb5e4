/**
 * The digest's charts as HTML tables with background colours: no SVG (Gmail drops it), no script, no images, no
 * CSS a client may strip to lose the figure. Bar widths are table-cell widths in percent and heights are cell
 * heights, which Outlook's Word engine, Gmail, Apple Mail and QQ/Foxmail all lay out. Every chart says its figures
 * in text too, and the text part carries them line by line.
 */
import { Dec } from '../incentives/money';
import { escapeHtml } from '../mail/escape';
import type { Block } from '../mail/layout';
import type { Locale } from '../org/config';
import type { DigestCharts } from './charts';
import { formatDate, formatValue, T } from './words';

export const TRACK = '#eaeef2';
export const MUTED = '#57606a';
const BAR = '#2f6feb';

const TABLE = 'role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"';
const cell = (color: string, height: number, width?: number) =>
  `<td${width === undefined ? '' : ` width="${width}%"`} bgcolor="${color}" height="${height}" ` +
  `style="${width === undefined ? '' : `width:${width}%;`}height:${height}px;line-height:${height}px;font-size:0;background:${color}">&nbsp;</td>`;

/** A horizontal bar filled to `percent` (0–100) of the width. */
export const tableBar = (percent: number, height: number, color: string): string => {
  const p = Math.max(0, Math.min(100, Math.round(percent * 10) / 10));
  const cells =
    p <= 0
      ? cell(TRACK, height)
      : p >= 100
        ? cell(color, height)
        : cell(color, height, p) + cell(TRACK, height);
  return `<table ${TABLE} style="border-collapse:collapse;table-layout:fixed"><tr>${cells}</tr></table>`;
};

const share = (v: string, max: Dec) => (max.isZero() ? 0 : new Dec(v).dividedBy(max).times(100).toNumber());

/** Open pipeline by stage: one labelled bar per stage, widths relative to the largest stage. */
export const pipelineChart = (c: DigestCharts, locale: Locale): Block[] => {
  const w = T[locale];
  if (c.pipeline.length === 0) return [];
  const max = Dec.max(...c.pipeline.map((s) => new Dec(s.amount)));
  const rows = c.pipeline.map((s) => {
    const amount = formatValue(s.amount, c.currency, locale);
    return (
      `<table ${TABLE} style="margin:0 0 8px"><tr>` +
      `<td style="font-size:13px;line-height:1.5">${escapeHtml(s.stage)} <span style="color:${MUTED}">· ${escapeHtml(w.dealsCount(s.deals))}</span></td>` +
      `<td align="right" style="font-size:13px;line-height:1.5;white-space:nowrap;font-weight:600">${escapeHtml(amount)}</td>` +
      `</tr><tr><td colspan="2">${tableBar(share(s.amount, max), 10, BAR)}</td></tr></table>`
    );
  });
  const note = c.unconverted
    ? `<p style="margin:0 0 10px;font-size:12px;color:${MUTED}">${escapeHtml(w.unconverted(c.unconverted))}</p>`
    : '';
  return [
    { type: 'heading', text: w.pipelineTitle },
    {
      type: 'html',
      html: rows.join('') + note,
      text: [
        ...c.pipeline.map(
          (s) => `- ${s.stage}: ${formatValue(s.amount, c.currency, locale)} (${w.dealsCount(s.deals)})`,
        ),
        ...(c.unconverted ? [w.unconverted(c.unconverted)] : []),
      ].join('\n'),
    },
  ];
};

const COLUMN_HEIGHT = 80;

/** Won amount per week: twelve columns, heights relative to the best week, week numbers under them. */
export const trendChart = (c: DigestCharts, locale: Locale): Block[] => {
  const w = T[locale];
  const weeks = c.wonByWeek;
  if (weeks.length === 0) return [];
  const max = Dec.max(...weeks.map((x) => new Dec(x.amount)));
  const total = weeks.reduce((s, x) => s.plus(x.amount), new Dec(0));
  const columns = weeks
    .map((x) => {
      const h = Math.max(1, Math.round((share(x.amount, max) / 100) * COLUMN_HEIGHT));
      const color = new Dec(x.amount).isZero() ? TRACK : BAR;
      return (
        `<td valign="bottom" height="${COLUMN_HEIGHT}" style="height:${COLUMN_HEIGHT}px;vertical-align:bottom;padding:0 2px;border-bottom:1px solid #8c959f">` +
        `<table ${TABLE} style="border-collapse:collapse"><tr>${cell(color, h)}</tr></table></td>`
      );
    })
    .join('');
  const labels = weeks
    .map(
      (x) =>
        `<td align="center" style="font-size:10px;line-height:1.4;color:${MUTED};padding:2px 0 0">${Number(x.week.slice(6))}</td>`,
    )
    .join('');
  const best = weeks.reduce((a, b) => (new Dec(b.amount).gt(a.amount) ? b : a));
  const summary = w.trendSummary(
    formatValue(total.toFixed(), c.currency, locale),
    formatDate(best.start, locale),
    formatValue(best.amount, c.currency, locale),
  );
  return [
    { type: 'heading', text: w.trendTitle },
    {
      type: 'html',
      html:
        `<p style="margin:0 0 8px;font-size:13px;color:${MUTED}">${escapeHtml(summary)}</p>` +
        `<table ${TABLE} style="table-layout:fixed;margin:0 0 14px"><tr>${columns}</tr><tr>${labels}</tr></table>`,
      text: [
        summary,
        ...weeks.map(
          (x) =>
            `- ${x.week} (${formatDate(x.start, locale)}): ${formatValue(x.amount, c.currency, locale)}, ${w.dealsCount(x.deals)}`,
        ),
      ].join('\n'),
    },
  ];
};
