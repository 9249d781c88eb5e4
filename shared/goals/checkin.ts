/**
 * What the weekly check-in adds to each goal's pace: the rep's wins of the past seven days, their open deals whose
 * close date falls this week or has already passed, and what each goal behind pace needs per week to catch up.
 * Deals are read through the owner index (close dates, one bounded Query per question); amounts are shown in the
 * tenant currency, converted exactly like won amounts (a deal without a rate is listed without an amount).
 */
import type { CanonicalRecord } from '../../events';
import { formatDayInPeriod } from '../incentives/labels';
import { Dec, moneyString } from '../incentives/money';
import { addDays } from '../incentives/periods';
import type { Block } from '../mail/layout';
import type { Locale } from '../org/config';
import { isoWeekday } from '../workflows/calendar';
import { formatFigure, type GoalItem, goalName } from './mail';
import { type MetricContext, tenantAmount } from './metrics';

export interface CheckinDeal {
  id: string;
  name: string;
  stage: string | null;
  closeDate: string;
  /** In the tenant currency; null when the deal has no amount or no FX rate for it. */
  amount: string | null;
}

export interface CheckinDeals {
  currency: string;
  /** Won with a close date in the seven days before the check-in day. */
  wins: CheckinDeal[];
  /** Open, closing by the end of this ISO week (Sunday), overdue ones from the last `OVERDUE_DAYS` included. */
  due: CheckinDeal[];
}

/** How far back an open deal's passed close date is still listed (older ones are stale, not this week's work). */
export const OVERDUE_DAYS = 90;
const MAX_ROWS = 10;

export const checkinDeals = async (
  owned: (lower: string, upper: string) => Promise<CanonicalRecord[]>,
  today: string,
  ctx: Pick<MetricContext, 'currency' | 'fxRate'>,
): Promise<CheckinDeals> => {
  const weekEnd = addDays(today, 7 - isoWeekday(today));
  const line = (r: CanonicalRecord): CheckinDeal => {
    const a = tenantAmount(r, ctx);
    return {
      id: r.id,
      name: r.name ?? r.id,
      stage: r.stage ?? null,
      closeDate: r.closeDate ?? '',
      amount: typeof a === 'string' || r.amount === undefined ? null : moneyString(a, ctx.currency),
    };
  };
  const byDate = (a: CheckinDeal, b: CheckinDeal) =>
    a.closeDate.localeCompare(b.closeDate) || a.id.localeCompare(b.id);
  const [recent, open] = await Promise.all([
    owned(addDays(today, -7), addDays(today, -1)),
    owned(addDays(today, -OVERDUE_DAYS), weekEnd),
  ]);
  return {
    currency: ctx.currency,
    wins: recent
      .filter((r) => r.status === 'won')
      .map(line)
      .sort(byDate),
    due: open
      .filter((r) => r.status === 'open' || r.status === undefined)
      .map(line)
      .sort(byDate),
  };
};

const T = {
  en: {
    wins: 'Wins this week',
    noWins: 'No deals won in the past seven days.',
    due: 'Closing this week or overdue',
    noDue: 'No open deal closes this week, and none is overdue.',
    head: ['Deal', 'Stage', 'Closes', 'Amount'],
    overdue: (d: string) => `${d} (overdue)`,
    more: (n: number) => `… and ${n} more`,
    pace: 'Back on pace',
    needed: (goal: string, perWeek: string, days: number, gap: string | null) =>
      `“${goal}”: ${perWeek} a week over the ${days} business days left${gap ? `; ${gap} behind where you should be today` : ''}.`,
    onPace: 'Every goal is on pace: keep going.',
  },
  'zh-CN': {
    wins: '本周赢单',
    noWins: '过去七天没有赢单。',
    due: '本周到期或已逾期的商机',
    noDue: '本周没有到期的商机，也没有逾期的商机。',
    head: ['商机', '阶段', '成交日', '金额'],
    overdue: (d: string) => `${d}（逾期）`,
    more: (n: number) => `……另有 ${n} 个`,
    pace: '追回进度',
    needed: (goal: string, perWeek: string, days: number, gap: string | null) =>
      `“${goal}”：剩余 ${days} 个工作日，每周需完成 ${perWeek}${gap ? `；目前比应达进度落后 ${gap}` : ''}。`,
    onPace: '所有目标进度正常，继续保持！',
  },
} as const;

/** The check-in's extra sections, after the goals: wins, deals due, and what catching up takes. */
export const checkinBlocks = (
  deals: CheckinDeals | undefined,
  items: readonly GoalItem[],
  today: string,
  locale: Locale,
): Block[] => {
  const t = T[locale];
  const blocks: Block[] = [];
  const day = (d: string) => (d ? formatDayInPeriod(d, locale) : '—');
  const money = (v: string | null) => (v === null ? '—' : formatFigure(v, deals?.currency ?? '', locale));
  // Wins need no stage column (they are won); deals due show theirs.
  const table = (rows: readonly CheckinDeal[], due: boolean): Block[] => [
    {
      type: 'table',
      head: due ? t.head : [t.head[0], t.head[2], t.head[3]],
      numeric: [due ? 3 : 2],
      rows: rows
        .slice(0, MAX_ROWS)
        .map((d) =>
          due
            ? [
                d.name,
                d.stage ?? '—',
                d.closeDate < today ? t.overdue(day(d.closeDate)) : day(d.closeDate),
                money(d.amount),
              ]
            : [d.name, day(d.closeDate), money(d.amount)],
        ),
    },
    ...(rows.length > MAX_ROWS ? [{ type: 'note' as const, text: t.more(rows.length - MAX_ROWS) }] : []),
  ];
  if (deals) {
    blocks.push({ type: 'heading', text: t.wins });
    blocks.push(
      ...(deals.wins.length ? table(deals.wins, false) : [{ type: 'paragraph' as const, text: t.noWins }]),
    );
    blocks.push({ type: 'heading', text: t.due });
    blocks.push(
      ...(deals.due.length ? table(deals.due, true) : [{ type: 'paragraph' as const, text: t.noDue }]),
    );
  }
  const behind = items.filter(
    (i) =>
      (i.figures.status === 'behind' || i.figures.status === 'at_risk') && i.figures.neededPerWeek !== null,
  );
  blocks.push({ type: 'heading', text: t.pace });
  if (!behind.length) blocks.push({ type: 'paragraph', text: t.onPace });
  for (const i of behind) {
    const f = i.figures;
    const v = (x: string) => formatFigure(x, f.unit, locale);
    const gap = f.gap !== null && new Dec(f.gap).gt(0) ? v(f.gap) : null;
    blocks.push({
      type: 'paragraph',
      text: t.needed(goalName(i.goal, locale), v(f.neededPerWeek as string), f.businessDays.remaining, gap),
    });
  }
  return blocks;
};
