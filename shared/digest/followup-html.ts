/**
 * The digest's follow-up section: late first touches, each rep's median first response, each rep's active
 * sequences and sequence reply rate, overdue tasks.
 */

import { formatAttainment } from '../incentives/money';
import { escapeHtml } from '../mail/escape';
import type { Block } from '../mail/layout';
import type { Locale } from '../org/config';
import { MUTED } from './charts-html';
import type { DigestModel } from './model';
import { formatCount, formatDate, T } from './words';

const LIMIT = 20;

/** One formatter per locale and zone (making one costs far more than formatting with it). */
const whenFormats = new Map<string, Intl.DateTimeFormat>();
const when = (iso: string, timeZone: string, locale: Locale) => {
  const key = `${locale}|${timeZone}`;
  let f = whenFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    });
    whenFormats.set(key, f);
  }
  return f.format(new Date(iso));
};

const list = (items: readonly { html: string; text: string }[], more: number, locale: Locale): Block => ({
  type: 'html',
  html:
    '<ul style="margin:0 0 14px;padding:0 0 0 18px">' +
    items.map((i) => `<li style="margin:0 0 6px;font-size:14px;line-height:1.5">${i.html}</li>`).join('') +
    (more > 0 ? `<li style="font-size:13px;color:${MUTED}">+${formatCount(String(more), locale)}</li>` : '') +
    '</ul>',
  text: [...items.map((i) => `- ${i.text}`), ...(more > 0 ? [`- +${more}`] : [])].join('\n'),
});

export const followUpBlocks = (m: DigestModel, locale: Locale): Block[] => {
  const w = T[locale];
  const f = m.followUp;
  const sequenced = f.reps.filter((r) => r.activeSequences > 0 || r.sequencesInPeriod > 0);
  if (!f.linked && f.newLeads === 0 && f.overdueTasks.length === 0 && sequenced.length === 0) return [];
  const blocks: Block[] = [{ type: 'heading', text: w.followUp }];
  if (!f.linked) blocks.push({ type: 'note', text: w.unlinked });
  blocks.push({ type: 'paragraph', text: w.followUpSummary(f.newLeads, f.untouchedLeads.length) });
  const reps = f.reps.filter((r) => r.newLeads > 0);
  if (reps.length)
    blocks.push(
      list(
        reps.map((r) => {
          const h =
            r.medianFirstResponseHours === null ? null : formatCount(r.medianFirstResponseHours, locale);
          const t = w.firstResponse(r.name, h, r.touched, r.newLeads);
          return { html: escapeHtml(t), text: t };
        }),
        0,
        locale,
      ),
    );
  if (sequenced.length) {
    blocks.push({ type: 'paragraph', text: w.sequences });
    blocks.push(
      list(
        sequenced.map((r) => {
          const count = (n: number) => formatCount(String(n), locale);
          const rate = r.sequenceReplyRate === null ? null : formatAttainment(r.sequenceReplyRate, locale);
          const t = w.sequenceLine(
            r.name,
            count(r.activeSequences),
            rate,
            count(r.sequenceReplies),
            count(r.sequencesInPeriod),
          );
          return { html: escapeHtml(t), text: t };
        }),
        0,
        locale,
      ),
      { type: 'note', text: w.sequenceNote },
    );
  }
  if (f.untouchedLeads.length) {
    blocks.push({ type: 'paragraph', text: w.firstTouch(f.firstTouchWithin) });
    const shown = f.untouchedLeads.slice(0, LIMIT);
    blocks.push(
      list(
        shown.map((l) => {
          const detail = `${l.owner.name} · ${w.createdAt(when(l.createdAt, m.manager.timeZone, locale))}`;
          return {
            html: `<strong>${escapeHtml(l.name)}</strong><br><span style="font-size:13px;color:${MUTED}">${escapeHtml(detail)}</span>`,
            text: `${l.name}: ${detail}`,
          };
        }),
        f.untouchedLeads.length - shown.length,
        locale,
      ),
    );
  }
  if (f.overdueTasks.length) {
    blocks.push({
      type: 'paragraph',
      text: `${w.overdueTasks} · ${formatCount(String(f.overdueTasks.length), locale)}`,
    });
    const shown = f.overdueTasks.slice(0, LIMIT);
    blocks.push(
      list(
        shown.map((t) => {
          const detail = `${t.owner.name} · ${w.dueOn(formatDate(t.dueDate, locale))}`;
          return {
            html: `<strong>${escapeHtml(t.name)}</strong><br><span style="font-size:13px;color:${MUTED}">${escapeHtml(detail)}</span>`,
            text: `${t.name}: ${detail}`,
          };
        }),
        f.overdueTasks.length - shown.length,
        locale,
      ),
    );
  }
  return blocks;
};
