/** The digest's words in each locale, and number, money and date formats for the reader's locale. */
import { formatAttainment, formatMoney } from '../incentives/money';
import type { Locale } from '../org/config';
import type { GoalLine, RiskReason } from './model';
import type { DigestPeriod } from './period';

const counts = new Map<Locale, Intl.NumberFormat>();
export const formatCount = (v: string, locale: Locale): string => {
  let f = counts.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    counts.set(locale, f);
  }
  return f.format(v as unknown as number);
};

/** A goal value in its unit: money in the currency, counts as numbers. */
export const formatValue = (v: string, unit: string, locale: Locale): string =>
  unit === 'count' ? formatCount(v, locale) : formatMoney(v, unit, locale);

const date = (d: string, locale: Locale, withYear = false): string => {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale, {
    ...(withYear ? { year: 'numeric' } : {}),
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, day)));
};
export const formatDate = date;

export const formatPeriodLabel = (p: DigestPeriod, locale: Locale): string => {
  if (p.kind === 'day') return date(p.start, locale, true);
  if (p.kind === 'month')
    return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
      new Date(`${p.start}T00:00:00Z`),
    );
  const week = Number(p.key.slice(6));
  return locale === 'zh-CN'
    ? `${p.key.slice(0, 4)}年第${week}周（${date(p.start, locale)}–${date(p.end, locale)}）`
    : `week ${week} (${date(p.start, locale)} – ${date(p.end, locale, true)})`;
};

type Status = GoalLine['status'];
const STATUS: Record<Status, Record<Locale, string>> = {
  on_track: { en: 'on track', 'zh-CN': '进度正常' },
  at_risk: { en: 'at risk', 'zh-CN': '有风险' },
  behind: { en: 'behind', 'zh-CN': '落后' },
  met: { en: 'met', 'zh-CN': '已达成' },
  missed: { en: 'missed', 'zh-CN': '未达成' },
  no_target: { en: 'no target', 'zh-CN': '未设目标' },
};
export const statusWord = (s: Status, locale: Locale) => STATUS[s][locale];

/** Bar colours by status (the text says the status too; colour only helps). */
export const STATUS_COLOR: Record<Status, string> = {
  on_track: '#1a7f37',
  met: '#1a7f37',
  at_risk: '#bf8700',
  behind: '#cf222e',
  missed: '#cf222e',
  no_target: '#8c959f',
};

const pct = (v: string | null, locale: Locale) => (v === null ? '—' : formatAttainment(v, locale));

export const T = {
  en: {
    subject: (period: string, team: string) => `${team}: team digest, ${period}`,
    title: (period: string) => `Your team, ${period}`,
    hello: (name: string) => `Hi ${name},`,
    headline: (g: GoalLine, l: Locale) => {
      const v = (x: string | null) => (x === null ? '—' : formatValue(x, g.unit, l));
      const parts = [
        `The team is at ${pct(g.attainment, l)} of ${g.goalName.en} (${v(g.actual)} of ${v(g.target)}), against ${pct(g.expectedAttainment, l)} expected by now.`,
      ];
      if (g.status === 'met') parts.push('The goal is met.');
      else {
        if (g.projected !== null) parts.push(`At this pace it finishes at ${v(g.projected)}.`);
        if (g.neededPerWeek !== null) parts.push(`It needs ${v(g.neededPerWeek)} a week to make it.`);
      }
      return parts.join(' ');
    },
    noGoal: 'No goal with a target covers this team yet, so there is no pace to report.',
    noReps: 'Nobody reports to you in this period, so there is nothing to digest.',
    quiet: 'A quiet period: no deals were created, won, lost or moved, and nothing is at risk.',
    team: 'Your reps',
    gap: (v: string) => `gap ${v}`,
    needs: (v: string) => `needs ${v} a week`,
    coverage: (v: string) => `coverage ${v}`,
    accrued: (v: string) => `accrued ${v}`,
    noFigures: 'no goal figures',
    expected: (p: string) => `expected ${p}`,
    tier: (n: number, rate: string) => ` (tier ${n}, ${rate})`,
    changes: 'What changed',
    created: 'New deals',
    won: 'Won',
    lost: 'Lost',
    pushed: 'Pushed (close date later)',
    pulledIn: 'Pulled in (close date earlier)',
    moved: (from: string, to: string) => `${from} → ${to}`,
    atRisk: 'Deals at risk',
    reason: (r: RiskReason, l: Locale) =>
      r.code === 'close_date_passed'
        ? `close date ${date(r.closeDate, l)} has passed`
        : r.code === 'no_update'
          ? `no change in ${r.businessDays} business days (since ${date(r.lastChange, l)})`
          : `close date pushed ${r.times} times this period`,
    recognition: 'Wins and goals met',
    winLine: (rep: string, deal: string, amount: string) =>
      `${rep} won ${deal}${amount ? ` (${amount})` : ''}.`,
    metLine: (rep: string, goal: string, value: string) => `${rep} met ${goal}: ${value}.`,
    forward: 'Worth a word of thanks — forward this part to the team.',
    quality: 'Data to fix',
    missingAmount: 'Open deals without an amount',
    missingCloseDate: 'Open deals without a close date',
    noAmount: 'no amount',
    footer: (zone: string) => `Figures as of the time this digest was made, in ${zone}.`,
    chartTitle: 'Attainment vs expected by now',
    chartLegend: 'Bar: attained. Grey line: expected by now.',
  },
  'zh-CN': {
    subject: (period: string, team: string) => `${team}：团队简报 ${period}`,
    title: (period: string) => `团队简报 ${period}`,
    hello: (name: string) => `${name}，您好：`,
    headline: (g: GoalLine, l: Locale) => {
      const v = (x: string | null) => (x === null ? '—' : formatValue(x, g.unit, l));
      const parts = [
        `团队「${g.goalName['zh-CN']}」已完成 ${pct(g.attainment, l)}（${v(g.actual)} / ${v(g.target)}），按进度此时应达 ${pct(g.expectedAttainment, l)}。`,
      ];
      if (g.status === 'met') parts.push('目标已达成。');
      else {
        if (g.projected !== null) parts.push(`照当前速度预计完成 ${v(g.projected)}。`);
        if (g.neededPerWeek !== null) parts.push(`要达成目标，每周还需 ${v(g.neededPerWeek)}。`);
      }
      return parts.join('');
    },
    noGoal: '团队暂无设定了目标值的目标，因此没有进度可报。',
    noReps: '本周期没有向您汇报的成员，因此没有简报内容。',
    quiet: '本周期很平静：没有新建、赢单、丢单或改期的商机，也没有风险商机。',
    team: '团队成员',
    gap: (v: string) => `差距 ${v}`,
    needs: (v: string) => `每周还需 ${v}`,
    coverage: (v: string) => `管道覆盖 ${v}`,
    accrued: (v: string) => `已计提成 ${v}`,
    noFigures: '暂无目标数据',
    expected: (p: string) => `应达 ${p}`,
    tier: (n: number, rate: string) => `（第 ${n} 档，${rate}）`,
    changes: '本期变化',
    created: '新建商机',
    won: '赢单',
    lost: '丢单',
    pushed: '推迟（预计成交日延后）',
    pulledIn: '提前（预计成交日提前）',
    moved: (from: string, to: string) => `${from} → ${to}`,
    atRisk: '风险商机',
    reason: (r: RiskReason, l: Locale) =>
      r.code === 'close_date_passed'
        ? `预计成交日 ${date(r.closeDate, l)} 已过`
        : r.code === 'no_update'
          ? `${r.businessDays} 个工作日无更新（自 ${date(r.lastChange, l)}）`
          : `本期预计成交日已推迟 ${r.times} 次`,
    recognition: '赢单与达成目标',
    winLine: (rep: string, deal: string, amount: string) =>
      `${rep} 赢得 ${deal}${amount ? `（${amount}）` : ''}。`,
    metLine: (rep: string, goal: string, value: string) => `${rep} 达成「${goal}」：${value}。`,
    forward: '值得表扬——可将这一部分转发给团队。',
    quality: '待完善的数据',
    missingAmount: '缺少金额的进行中商机',
    missingCloseDate: '缺少预计成交日的进行中商机',
    noAmount: '无金额',
    footer: (zone: string) => `数据截至本简报生成时，时区 ${zone}。`,
    chartTitle: '完成率与应达进度',
    chartLegend: '色条：已完成；灰线：此时应达。',
  },
} as const;
