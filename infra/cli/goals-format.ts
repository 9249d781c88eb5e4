/** How `goals progress` prints for a person: names, the locale's numbers and currency, a status in words. */

import type { Goal } from '../../shared/goals/definition';
import type { GoalFigures } from '../../shared/goals/progress';
import { formatMoney, formatPercent } from '../../shared/incentives/money';
import type { Locale } from '../../shared/org/config';
import { columns } from './table';

const STATUS: Record<GoalFigures['status'], Record<Locale, string>> = {
  on_track: { en: 'on track', 'zh-CN': '进度正常' },
  at_risk: { en: 'at risk', 'zh-CN': '有风险' },
  behind: { en: 'behind', 'zh-CN': '落后' },
  met: { en: 'met', 'zh-CN': '已达成' },
  missed: { en: 'missed', 'zh-CN': '未达成' },
  no_target: { en: 'no target set', 'zh-CN': '未设目标' },
};

const MILESTONE: Record<GoalFigures['milestones'][number]['state'], Record<Locale, string>> = {
  reached: { en: 'reached', 'zh-CN': '已达到' },
  missed: { en: 'missed', 'zh-CN': '未达到' },
  upcoming: { en: 'not yet', 'zh-CN': '未到期' },
};

const HEAD: Record<Locale, string[]> = {
  en: [
    'who',
    'period',
    'actual',
    'target',
    'attained',
    'expected now',
    'gap',
    'needed/week',
    'projected',
    'coverage',
    'status',
  ],
  'zh-CN': [
    '负责人',
    '周期',
    '实际',
    '目标',
    '完成率',
    '当前应达',
    '差距',
    '每周还需',
    '预计完成',
    '管道覆盖',
    '状态',
  ],
};

const counts = new Map<Locale, Intl.NumberFormat>();
const count = (v: string, locale: Locale) => {
  let f = counts.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    counts.set(locale, f);
  }
  return f.format(v as unknown as number);
};

export const progressText = (
  goals: readonly Goal[],
  figures: readonly GoalFigures[],
  locale: Locale,
): string => {
  const parts: string[] = [];
  for (const goal of goals) {
    const rows = figures.filter((f) => f.goal === goal.id);
    if (!rows.length) continue;
    const n = (v: string | null, f: GoalFigures) =>
      v === null ? '–' : f.unit === 'count' ? count(v, locale) : formatMoney(v, f.unit, locale);
    const title = goal.name[locale] ?? goal.name.en ?? goal.name['zh-CN'] ?? goal.id;
    const why = goal.why?.[locale] ?? goal.why?.en ?? goal.why?.['zh-CN'];
    const table = [
      HEAD[locale],
      ...rows.map((f) => [
        f.name,
        f.period,
        n(f.actual, f),
        n(f.target, f),
        f.attainment === null ? '–' : formatPercent(f.attainment, locale),
        n(f.expected, f),
        n(f.gap, f),
        n(f.neededPerWeek, f),
        n(f.projected, f),
        f.coverage === null ? '–' : `${count(f.coverage, locale)}×`,
        STATUS[f.status][locale],
      ]),
    ];
    const notes = rows.flatMap((f) => [
      ...(f.mismatch
        ? [
            locale === 'zh-CN'
              ? `  ${f.name}：团队目标 ${n(f.mismatch.own, f)} 与成员目标之和 ${n(f.mismatch.members, f)} 不一致`
              : `  ${f.name}: the team's target ${n(f.mismatch.own, f)} differs from its members' sum ${n(f.mismatch.members, f)}`,
          ]
        : []),
      ...f.milestones.map(
        (m) =>
          `  ${f.name}: ${locale === 'zh-CN' ? '里程碑' : 'milestone'} ${n(m.value, f)} ${locale === 'zh-CN' ? '截至' : 'by'} ${m.by}: ${MILESTONE[m.state][locale]}`,
      ),
      ...f.skipped.map(
        (s) => `  ${f.name}: ${s.id} ${locale === 'zh-CN' ? '未计入' : 'not counted'}: ${s.reason}`,
      ),
    ]);
    parts.push(
      `${title} (${goal.id})${why ? `\n${why}` : ''}\n${columns(table)}${notes.length ? `${notes.join('\n')}\n` : ''}`,
    );
  }
  return parts.join('\n');
};
