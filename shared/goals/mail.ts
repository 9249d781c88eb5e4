/**
 * Goal messages in the reader's locale through the one mail layout: the daily pace reminder (all of a rep's goals
 * that need a word, in one message), the manager's note about reps who stay behind, the congratulation, and the
 * weekly check-in. Every reminder shows its numbers: target, actual, expected by now, gap and what is needed per
 * week, money in the tenant currency formatted for the locale (Intl), counts as plain numbers.
 */
import { formatDayInPeriod, formatPeriod } from '../incentives/labels';
import { formatAttainment, formatMoney } from '../incentives/money';
import { oneLine } from '../mail/escape';
import { type Block, type Branding, brandLine, renderMail } from '../mail/layout';
import type { Locale } from '../org/config';
import type { Goal } from './definition';
import type { PaceStatus } from './pace';
import type { GoalFigures } from './progress';
import type { Recognition, ReminderReason } from './reminders';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export interface GoalMailContext {
  locale: Locale;
  tenantName: string;
  branding?: Branding | undefined;
}

type StreakKind = 'month' | 'quarter' | 'year';
const ORDINALS: Record<number, string> = {
  2: 'second',
  3: 'third',
  4: 'fourth',
  5: 'fifth',
  6: 'sixth',
  7: 'seventh',
  8: 'eighth',
  9: 'ninth',
  10: 'tenth',
  11: 'eleventh',
  12: 'twelfth',
};

/** A met goal's recognition: `streak` periods in a row (this one included) when known. */
export interface RecognitionItem {
  goal: Goal;
  figures: GoalFigures;
  recognition: Recognition;
  streak?: number;
}

/** "That is the third month in a row." for a streak of two or more periods of a month/quarter/year goal. */
const streakText = (item: RecognitionItem, locale: Locale): string | undefined => {
  const kind = item.goal.period.kind;
  if (item.recognition.kind !== 'met' || kind === 'range' || !item.streak || item.streak < 2)
    return undefined;
  return T[locale].streak(item.streak, kind);
};

const T = {
  en: {
    hello: (n: string) => `Hi ${n},`,
    target: 'Target',
    actual: 'Actual',
    expected: 'Expected by now',
    gap: 'Gap',
    perWeek: 'Needed per week',
    attainment: 'Attainment',
    status: 'Pace',
    reminderSubject: (n: number) => (n === 1 ? 'A goal needs attention' : `${n} goals need attention`),
    reminderIntro: 'Here is where your goals stand against where they should be by now.',
    behind: 'Behind pace.',
    worsened: 'The gap has grown since the last reminder.',
    stillBehind: (since: string) => `Still behind, since ${since}.`,
    milestoneMissed: (v: string, by: string) => `Milestone missed: ${v} by ${by}.`,
    noActivity: (days: number) =>
      `No activity logged in the last ${days} business days: log them in the CRM so your goals count them.`,
    footer: 'You hear from us when a goal falls behind or slips further, not every day.',
    escSubject: (n: number) =>
      n === 1 ? 'A rep has been behind for a while' : `${n} reps behind for a while`,
    escIntro: 'These goals have stayed behind pace. A conversation may help.',
    escLine: (rep: string, goal: string, since: string, days: number) =>
      `${rep} · ${goal}: behind since ${since} (${days} business days)`,
    metSubject: (goal: string) => `Goal met: ${goal}`,
    metIntro: (goal: string, period: string) => `Congratulations! You met your goal “${goal}” for ${period}.`,
    teamMetIntro: (goal: string, period: string) =>
      `Congratulations, team! You met the goal “${goal}” for ${period}.`,
    milestoneSubject: (goal: string) => `Milestone reached: ${goal}`,
    milestoneIntro: (goal: string, v: string, by: string) =>
      `Well done: you reached the milestone of ${v} by ${by} on “${goal}”.`,
    chatMet: (who: string, goal: string, period: string) => `🎉 ${who} met “${goal}” for ${period}.`,
    streak: (n: number, kind: StreakKind) => `That is the ${ORDINALS[n] ?? `${n}th`} ${kind} in a row.`,
    chatMilestone: (who: string, goal: string, v: string) => `👏 ${who} reached ${v} on “${goal}”.`,
    checkinSubject: (d: string) => `Your goals this week (${d})`,
    checkinIntro: 'Your weekly check-in: each goal, where it stands, and what each week needs from here.',
    checkinFooter: 'Questions about a goal? Talk to your manager.',
    statuses: {
      on_track: 'On track',
      at_risk: 'At risk',
      behind: 'Behind',
      met: 'Met',
      missed: 'Missed',
    } as Record<PaceStatus, string>,
  },
  'zh-CN': {
    hello: (n: string) => `${n}，你好：`,
    target: '目标',
    actual: '实际',
    expected: '当前应达成',
    gap: '差距',
    perWeek: '每周还需',
    attainment: '完成率',
    status: '进度',
    reminderSubject: (n: number) => (n === 1 ? '有 1 个目标需要关注' : `有 ${n} 个目标需要关注`),
    reminderIntro: '以下是你的目标与当前应达成进度的对比。',
    behind: '进度落后。',
    worsened: '与上次提醒相比，差距进一步扩大。',
    stillBehind: (since: string) => `自 ${since} 起仍然落后。`,
    milestoneMissed: (v: string, by: string) => `未达成里程碑：${by} 前达到 ${v}。`,
    noActivity: (days: number) => `最近 ${days} 个工作日没有记录任何活动：活动记入 CRM 后才会计入目标。`,
    footer: '只有目标落后或差距扩大时我们才会提醒你，不会每天打扰。',
    escSubject: (n: number) => `有 ${n} 位成员的目标持续落后`,
    escIntro: '以下目标已持续落后，建议与成员沟通。',
    escLine: (rep: string, goal: string, since: string, days: number) =>
      `${rep} · ${goal}：自 ${since} 起落后（${days} 个工作日）`,
    metSubject: (goal: string) => `目标达成：${goal}`,
    metIntro: (goal: string, period: string) => `恭喜！你已达成 ${period} 的目标“${goal}”。`,
    teamMetIntro: (goal: string, period: string) => `恭喜团队！已达成 ${period} 的目标“${goal}”。`,
    milestoneSubject: (goal: string) => `里程碑达成：${goal}`,
    milestoneIntro: (goal: string, v: string, by: string) =>
      `干得好：你在“${goal}”上已于 ${by} 前达到 ${v} 的里程碑。`,
    chatMet: (who: string, goal: string, period: string) => `🎉 ${who} 达成了 ${period} 的目标“${goal}”！`,
    streak: (n: number, kind: StreakKind) =>
      `已连续 ${n} ${{ month: '个月', quarter: '个季度', year: '年' }[kind]}达成。`,
    chatMilestone: (who: string, goal: string, v: string) => `👏 ${who} 在“${goal}”上达到了 ${v}！`,
    checkinSubject: (d: string) => `本周目标进展（${d}）`,
    checkinIntro: '每周目标沟通：每个目标的进展、节奏，以及接下来每周需要完成多少。',
    checkinFooter: '对目标有疑问？欢迎与经理沟通。',
    statuses: {
      on_track: '正常',
      at_risk: '有风险',
      behind: '落后',
      met: '已达成',
      missed: '未达成',
    } as Record<PaceStatus, string>,
  },
} as const;

const counts = new Map<string, Intl.NumberFormat>();
/** An amount in its currency, or a count, formatted for the locale. */
export const formatFigure = (value: string, unit: string, locale: Locale): string => {
  if (unit !== 'count' && unit !== 'hours') return formatMoney(value, unit, locale);
  let f = counts.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    counts.set(locale, f);
  }
  // Counts are at most two decimals (progress.ts): Number() is exact enough to show them.
  const shown = f.format(Number(value));
  return unit === 'hours' ? `${shown} ${locale === 'zh-CN' ? '小时' : 'h'}` : shown;
};

export const goalName = (goal: Pick<Goal, 'name' | 'id'>, locale: Locale): string =>
  goal.name[locale] ?? goal.name.en ?? goal.name['zh-CN'] ?? goal.id;

/** The numbers of one goal, as label / value rows. */
export const figureRows = (f: GoalFigures, locale: Locale): [string, string][] => {
  const t = T[locale];
  const v = (x: string | null) => (x === null ? '—' : formatFigure(x, f.unit, locale));
  const rows: [string, string][] = [
    [t.target, v(f.target)],
    [t.actual, v(f.actual)],
  ];
  if (f.status !== 'met' && f.status !== 'no_target') {
    rows.push([t.expected, v(f.expected)]);
    if (f.gap !== null && !f.gap.startsWith('-') && !/^0(\.0+)?$/.test(f.gap)) rows.push([t.gap, v(f.gap)]);
    if (f.neededPerWeek !== null) rows.push([t.perWeek, v(f.neededPerWeek)]);
  }
  if (f.attainment !== null) rows.push([t.attainment, formatAttainment(f.attainment, locale)]);
  return rows;
};

const reasonText = (r: ReminderReason, f: GoalFigures, locale: Locale): string => {
  const t = T[locale];
  switch (r.kind) {
    case 'behind':
      return t.behind;
    case 'worsened':
      return t.worsened;
    case 'still_behind':
      return t.stillBehind(formatDayInPeriod(r.since, locale));
    case 'milestone_missed':
      return t.milestoneMissed(formatFigure(r.value, f.unit, locale), formatDayInPeriod(r.by, locale));
    case 'no_activity':
      return t.noActivity(r.days);
  }
};

export interface GoalItem {
  goal: Goal;
  figures: GoalFigures;
  reasons: readonly ReminderReason[];
}

const render = (ctx: GoalMailContext, subject: string, title: string, blocks: Block[], footer: string[]) => {
  const brand = { name: ctx.tenantName, branding: ctx.branding };
  return {
    subject: oneLine(subject),
    ...renderMail(brand, { locale: ctx.locale, title, blocks, footer: [...footer, brandLine(brand)] }),
  };
};

const goalBlocks = (items: readonly GoalItem[], locale: Locale, withStatus: boolean): Block[] =>
  items.flatMap((i) => {
    const t = T[locale];
    const status = i.figures.status === 'no_target' ? undefined : t.statuses[i.figures.status];
    return [
      { type: 'heading', text: `${goalName(i.goal, locale)} · ${formatPeriod(i.figures.period, locale)}` },
      ...i.reasons.map((r) => ({ type: 'paragraph', text: reasonText(r, i.figures, locale) }) as const),
      {
        type: 'facts',
        rows: [
          ...(withStatus && status ? [[t.status, status] as [string, string]] : []),
          ...figureRows(i.figures, locale),
        ],
      },
    ];
  });

/** The rep's daily reminder: every goal that needs a word today, in one message. */
export const reminderMail = (
  name: string,
  items: readonly GoalItem[],
  ctx: GoalMailContext,
): RenderedMail => {
  const t = T[ctx.locale];
  const subject = t.reminderSubject(items.length);
  return render(
    ctx,
    subject,
    subject,
    [
      { type: 'paragraph', text: t.hello(name) },
      { type: 'paragraph', text: t.reminderIntro },
      ...goalBlocks(items, ctx.locale, false),
    ],
    [t.footer],
  );
};

export interface Escalation {
  repName: string;
  goal: Goal;
  figures: GoalFigures;
  since: string;
  days: number;
}

/** The manager's note: reps whose goals have stayed behind, with their numbers. */
export const escalationMail = (
  name: string,
  items: readonly Escalation[],
  ctx: GoalMailContext,
): RenderedMail => {
  const t = T[ctx.locale];
  const subject = t.escSubject(new Set(items.map((i) => i.repName)).size);
  return render(
    ctx,
    subject,
    subject,
    [
      { type: 'paragraph', text: t.hello(name) },
      { type: 'paragraph', text: t.escIntro },
      ...items.flatMap((i): Block[] => [
        {
          type: 'heading',
          text: t.escLine(
            i.repName,
            goalName(i.goal, ctx.locale),
            formatDayInPeriod(i.since, ctx.locale),
            i.days,
          ),
        },
        { type: 'facts', rows: figureRows(i.figures, ctx.locale) },
      ]),
    ],
    [],
  );
};

/** The congratulation: a goal met (a rep's, or a team's to the whole team) or a milestone reached. */
export const recognitionMail = (name: string, item: RecognitionItem, ctx: GoalMailContext): RenderedMail => {
  const t = T[ctx.locale];
  const goal = goalName(item.goal, ctx.locale);
  const period = formatPeriod(item.figures.period, ctx.locale);
  const r = item.recognition;
  const subject = r.kind === 'met' ? t.metSubject(goal) : t.milestoneSubject(goal);
  const intro =
    r.kind === 'milestone'
      ? t.milestoneIntro(
          goal,
          formatFigure(r.value, item.figures.unit, ctx.locale),
          formatDayInPeriod(r.by, ctx.locale),
        )
      : item.figures.owner === 'team'
        ? t.teamMetIntro(goal, period)
        : t.metIntro(goal, period);
  const streak = streakText(item, ctx.locale);
  return render(
    ctx,
    subject,
    subject,
    [
      { type: 'paragraph', text: t.hello(name) },
      { type: 'paragraph', text: streak ? `${intro} ${streak}` : intro },
      { type: 'facts', rows: figureRows(item.figures, ctx.locale) },
    ],
    [],
  );
};

/** The team chat line for a recognition (plain text; chat.ts wraps it per provider). */
export const recognitionChatText = (who: string, item: RecognitionItem, locale: Locale): string => {
  const t = T[locale];
  const goal = goalName(item.goal, locale);
  const r = item.recognition;
  const streak = streakText(item, locale);
  return r.kind === 'met'
    ? `${t.chatMet(who, goal, formatPeriod(item.figures.period, locale))}${streak ? ` ${streak}` : ''}`
    : t.chatMilestone(who, goal, formatFigure(r.value, item.figures.unit, locale));
};

/** The weekly check-in: every goal with its pace, and today's reminders folded in. */
export const checkinMail = (
  name: string,
  today: string,
  items: readonly GoalItem[],
  ctx: GoalMailContext,
  /** Sections after the goals (goals/checkin.ts: wins, deals due, catching up). */
  extra: readonly Block[] = [],
): RenderedMail => {
  const t = T[ctx.locale];
  const subject = t.checkinSubject(formatDayInPeriod(today, ctx.locale));
  return render(
    ctx,
    subject,
    subject,
    [
      { type: 'paragraph', text: t.hello(name) },
      { type: 'paragraph', text: t.checkinIntro },
      ...goalBlocks(items, ctx.locale, true),
      ...extra,
    ],
    [t.checkinFooter],
  );
};
