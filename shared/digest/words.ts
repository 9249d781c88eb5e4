/** The digest's words in each locale, and number, money and date formats for the reader's locale. */
import { formatAttainment, formatMoney } from '../incentives/money';
import type { Locale } from '../org/config';
import type { HeldReason } from './held';
import type { GoalLine } from './model';
import type { DigestPeriod } from './period';
import type { RiskReason } from './risk';

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

/** One formatter per locale and form: making an Intl.DateTimeFormat costs far more than formatting with it. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const date = (d: string, locale: Locale, withYear = false): string => {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const key = `${locale}|${withYear}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      ...(withYear ? { year: 'numeric' } : {}),
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    });
    dateFormats.set(key, f);
  }
  return f.format(new Date(Date.UTC(y, m - 1, day)));
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
    actual: (actual: string, target: string | null) => (target ? `${actual} of ${target}` : actual),
    gap: (v: string) => `gap ${v}`,
    needs: (v: string) => `needs ${v} a week`,
    coverage: (v: string) => `coverage ${v}`,
    accrued: (v: string) => `accrued ${v}`,
    noFigures: 'no goal figures',
    expected: (p: string) => `expected ${p}`,
    tier: (n: number, rate: string) => ` (tier ${n}, ${rate})`,
    nextTier: (v: string) => `${v} more to the next tier`,
    changes: 'What changed',
    created: 'New deals',
    won: 'Won',
    lost: 'Lost',
    pushed: 'Pushed (close date later)',
    pulledIn: 'Pulled in (close date earlier)',
    moved: (from: string, to: string) => `${from} → ${to}`,
    atRisk: 'Deals at risk',
    reason: (r: RiskReason, l: Locale): string => {
      switch (r.code) {
        case 'close_date_passed':
          return `close date ${date(r.closeDate, l)} has passed`;
        case 'no_update':
          return `no change in ${r.businessDays} business days (since ${date(r.lastChange, l)})`;
        case 'no_activity':
          return r.lastActivity
            ? `no activity in ${r.businessDays} business days (last ${date(r.lastActivity, l)})`
            : `no activity logged in ${r.businessDays} business days`;
        case 'stuck_in_stage':
          return `${r.days} days in ${r.stage} (typically ${formatCount(r.typicalDays, l)} days${r.typicalFrom === 'default' ? ', the default until there is history' : ''})`;
        case 'pushed_repeatedly':
          return `close date pushed ${r.times} times this period`;
        case 'one_contact':
          return 'one contact only';
      }
    },
    amountUp: 'Amount up',
    amountDown: 'Amount down',
    followUp: 'Follow-up',
    firstTouch: (n: number) =>
      `New leads without a first touch within ${n} business day${n === 1 ? '' : 's'}`,
    followUpSummary: (leads: number, late: number) =>
      `${leads} new lead${leads === 1 ? '' : 's'} this period; ${late} without a timely first touch.`,
    firstResponse: (name: string, h: string | null, touched: number, leads: number) =>
      `${name}: ${h === null ? 'no first response yet' : `median first response ${h} h`} (${touched} of ${leads} leads touched)`,
    createdAt: (at: string) => `created ${at}`,
    overdueTasks: 'Overdue tasks',
    dueOn: (d: string) => `due ${d}`,
    sequences: 'Sequences',
    sequenceLine: (name: string, active: string, rate: string | null, replies: string, inPeriod: string) =>
      `${name}: ${active} active sequence${active === '1' ? '' : 's'}; ${rate === null ? 'none active this period' : `reply rate ${rate} (${replies} of ${inPeriod} active this period replied)`}`,
    sequenceNote:
      'Reply rate: enrolments stopped by a reply during the period ÷ enrolments active at any time in it.',
    unlinked:
      'Follow-up and activity figures need activities linked to their lead, deal or contact; none of this team’s are.',
    held: (r: HeldReason) =>
      r.code === 'missing_amount'
        ? `held out of commissions: no ${r.field}`
        : r.code === 'missing_date'
          ? `held out of commissions: no ${r.field}`
          : r.code === 'no_fx_rate'
            ? `held out of commissions: no ${r.currency} exchange rate for its date`
            : r.code === 'bad_split'
              ? `held out of commissions: credit split ${r.detail}`
              : `held out of commissions: ${r.detail}`,
    heldOut: 'Won deals held out of commissions',
    pipelineTitle: 'Open pipeline by stage',
    trendTitle: 'Won amount, last 12 weeks',
    trendSummary: (total: string, week: string, best: string) =>
      `${total} in all · best week ${week}: ${best}`,
    dealsCount: (n: number) => `${n} deal${n === 1 ? '' : 's'}`,
    unconverted: (n: number) =>
      `${n} deal${n === 1 ? '' : 's'} in another currency without a rate: not summed.`,
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
    actual: (actual: string, target: string | null) => (target ? `${actual} / ${target}` : actual),
    gap: (v: string) => `差距 ${v}`,
    needs: (v: string) => `每周还需 ${v}`,
    coverage: (v: string) => `管道覆盖 ${v}`,
    accrued: (v: string) => `已计提成 ${v}`,
    noFigures: '暂无目标数据',
    expected: (p: string) => `应达 ${p}`,
    tier: (n: number, rate: string) => `（第 ${n} 档，${rate}）`,
    nextTier: (v: string) => `再达成 ${v} 进入下一档`,
    changes: '本期变化',
    created: '新建商机',
    won: '赢单',
    lost: '丢单',
    pushed: '推迟（预计成交日延后）',
    pulledIn: '提前（预计成交日提前）',
    moved: (from: string, to: string) => `${from} → ${to}`,
    atRisk: '风险商机',
    reason: (r: RiskReason, l: Locale): string => {
      switch (r.code) {
        case 'close_date_passed':
          return `预计成交日 ${date(r.closeDate, l)} 已过`;
        case 'no_update':
          return `${r.businessDays} 个工作日无更新（自 ${date(r.lastChange, l)}）`;
        case 'no_activity':
          return r.lastActivity
            ? `${r.businessDays} 个工作日无跟进活动（上次 ${date(r.lastActivity, l)}）`
            : `${r.businessDays} 个工作日未记录跟进活动`;
        case 'stuck_in_stage':
          return `停留在「${r.stage}」${r.days} 天（通常 ${formatCount(r.typicalDays, l)} 天${r.typicalFrom === 'default' ? '，历史数据不足时的默认值' : ''}）`;
        case 'pushed_repeatedly':
          return `本期预计成交日已推迟 ${r.times} 次`;
        case 'one_contact':
          return '只有一位联系人';
      }
    },
    amountUp: '金额上调',
    amountDown: '金额下调',
    followUp: '跟进纪律',
    firstTouch: (n: number) => `${n} 个工作日内未首次跟进的新线索`,
    followUpSummary: (leads: number, late: number) =>
      `本期新线索 ${leads} 条，其中 ${late} 条未及时首次跟进。`,
    firstResponse: (name: string, h: string | null, touched: number, leads: number) =>
      `${name}：${h === null ? '尚无首次响应' : `首次响应时间中位数 ${h} 小时`}（${leads} 条线索中已跟进 ${touched} 条）`,
    createdAt: (at: string) => `创建于 ${at}`,
    overdueTasks: '逾期任务',
    dueOn: (d: string) => `截止 ${d}`,
    sequences: '跟进序列',
    sequenceLine: (name: string, active: string, rate: string | null, replies: string, inPeriod: string) =>
      `${name}：进行中的序列 ${active} 个；${rate === null ? '本期没有进行中的序列' : `回复率 ${rate}（本期进行过的 ${inPeriod} 个中 ${replies} 个已回复）`}`,
    sequenceNote: '回复率：本期内因对方回复而停止的序列 ÷ 本期内任一时刻进行中的序列。',
    unlinked: '跟进与活动相关数据需要活动关联到线索、商机或联系人；本团队的活动均未关联。',
    held: (r: HeldReason) =>
      r.code === 'missing_amount' || r.code === 'missing_date'
        ? `未计入提成：缺少 ${r.field}`
        : r.code === 'no_fx_rate'
          ? `未计入提成：缺少该日期的 ${r.currency} 汇率`
          : r.code === 'bad_split'
            ? `未计入提成：业绩分配有误（${r.detail}）`
            : `未计入提成：${r.detail}`,
    heldOut: '未计入提成的赢单',
    pipelineTitle: '进行中商机（按阶段）',
    trendTitle: '近 12 周赢单金额',
    trendSummary: (total: string, week: string, best: string) => `合计 ${total} · 最高一周 ${week}：${best}`,
    dealsCount: (n: number) => `${n} 个商机`,
    unconverted: (n: number) => `${n} 个外币商机缺少汇率，未计入合计。`,
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
