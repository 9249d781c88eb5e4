/**
 * What a reader of a statement sees instead of ids: a component's label in the reader's locale (or a readable
 * default per component type), a period key as a month or quarter name, and whether a plan pays on attainment at
 * all (a plan that does not has no attainment line: "0%" of a quota nothing depends on means nothing).
 */
import type { Component, Locale, Plan } from './plan';

const DEFAULT_LABEL: Record<Locale, Record<Component['type'], string>> = {
  en: {
    flat: 'Commission',
    tiered: 'Tiered commission',
    spiff: 'SPIFF',
    milestone: 'Milestone bonus',
    override: 'Team override',
    teamBonus: 'Team bonus',
  },
  'zh-CN': {
    flat: '提成',
    tiered: '阶梯提成',
    spiff: '专项奖励',
    milestone: '里程碑奖金',
    override: '团队管理提成',
    teamBonus: '团队奖金',
  },
};

export const componentLabel = (c: Component, locale: Locale): string => {
  const l = c.label;
  if (typeof l === 'string' && l.trim() !== '') return l;
  if (l && typeof l === 'object') {
    const own = l[locale]?.trim();
    if (own) return own;
  }
  return DEFAULT_LABEL[locale][c.type];
};

/** True when some component's pay depends on attainment (tiers, milestones, a gate). */
export const usesAttainment = (plan: Plan): boolean =>
  plan.components.some(
    (c) => c.type === 'tiered' || c.type === 'milestone' || ('gate' in c && c.gate !== undefined),
  );

/** "2026-03" → "March 2026" / "2026年3月"; "2026-Q1" → "Q1 2026" / "2026年第一季度". Unknown shapes as given. */
export const formatPeriod = (key: string, locale: Locale): string => {
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month)
    return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
      new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1)),
    );
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key);
  if (quarter)
    return locale === 'zh-CN'
      ? `${quarter[1]}年第${'一二三四'[Number(quarter[2]) - 1]}季度`
      : `Q${quarter[2]} ${quarter[1]}`;
  return key;
};

/** A local date (yyyy-mm-dd) inside a period the reader knows: "Mar 12" / "3月12日". */
export const formatDayInPeriod = (date: string, locale: Locale): string => {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!d) return date;
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]))),
  );
};
