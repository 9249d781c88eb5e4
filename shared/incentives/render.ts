/**
 * Human-readable traces in the rep's locale ("¥120,000.00 × 8% — tier 2, 50%–100% of quota"), CSV export and the
 * manager's team summary. Rendering is separate from calculation so that a frozen statement's hash does not
 * depend on wording, and wording can improve without restating anything.
 */
import type { Trace } from './lines';
import { Dec, formatAttainment, formatMoney, formatPercent, moneyString, sum } from './money';
import type { Locale } from './plan';
import type { Statement, StatementLine } from './statement';

const pct = (fraction: string, locale: Locale) => formatPercent(fraction, locale);

/** `person` names a rep id (a team member in an override line); without it the id is shown. */
export const describeTrace = (
  t: Trace,
  currency: string,
  locale: Locale,
  person: (repId: string) => string = (id) => id,
): string => {
  const zh = locale === 'zh-CN';
  const att = (fraction: string) => formatAttainment(fraction, locale);
  const m = (a: string) => formatMoney(a, currency, locale);
  switch (t.code) {
    case 'rate': {
      const head = `${m(t.base)} × ${pct(t.rate, locale)}`;
      if (t.tier === undefined) return head;
      const range =
        t.tierTo === undefined
          ? zh
            ? `完成率 ${pct(t.tierFrom ?? '0', locale)} 及以上`
            : `${pct(t.tierFrom ?? '0', locale)}+ of quota`
          : zh
            ? `完成率 ${pct(t.tierFrom ?? '0', locale)}–${pct(t.tierTo, locale)}`
            : `${pct(t.tierFrom ?? '0', locale)}–${pct(t.tierTo, locale)} of quota`;
      const mode =
        t.mode === 'whole'
          ? zh
            ? '（整档：全部按达到的最高档计）'
            : ' (whole-tier: all at the highest tier reached)'
          : '';
      return zh ? `${head} — 第${t.tier}档，${range}${mode}` : `${head} — tier ${t.tier}, ${range}${mode}`;
    }
    case 'fixed':
      return zh
        ? `固定奖励 ${m(t.amount)} × 分成 ${pct(t.share, locale)}`
        : `fixed ${m(t.amount)} × ${pct(t.share, locale)} split`;
    case 'milestone':
      return zh
        ? `首次达到完成率 ${pct(t.threshold, locale)}（当前 ${att(t.attainment)}）`
        : `attainment first reached ${pct(t.threshold, locale)} (now ${att(t.attainment)})`;
    case 'override':
      return zh
        ? `团队成员 ${person(t.memberId)}：${m(t.base)} × ${pct(t.rate, locale)}`
        : `team member ${person(t.memberId)}: ${m(t.base)} × ${pct(t.rate, locale)}`;
    case 'teamBonus':
      return zh
        ? `团队奖金池 ${m(t.pool)}（团队业绩 ${m(t.teamCredited)} ≥ 目标 ${m(t.goal)}，${t.split === 'equal' ? '平均分配' : '按业绩比例分配'}）`
        : `team pool ${m(t.pool)} (team credited ${m(t.teamCredited)} ≥ goal ${m(t.goal)}, split ${t.split === 'equal' ? 'equally' : 'pro rata'})`;
    case 'capDeal':
      return zh
        ? `单笔上限 ${m(t.cap)}（原为 ${m(t.uncapped)}）`
        : `per-deal cap ${m(t.cap)} (earned ${m(t.uncapped)})`;
    case 'capComponent':
      return zh
        ? `组件上限 ${m(t.cap)}（原为 ${m(t.uncapped)}）`
        : `component cap ${m(t.cap)} (earned ${m(t.uncapped)})`;
    case 'capPeriod':
      return zh
        ? `周期上限 ${m(t.cap)}（原为 ${m(t.uncapped)}）`
        : `period cap ${m(t.cap)} (earned ${m(t.uncapped)})`;
    case 'gate':
      return zh
        ? `完成率 ${att(t.attainment)} 低于门槛 ${pct(t.gate, locale)}，不计发`
        : `attainment ${att(t.attainment)} below the ${pct(t.gate, locale)} gate: nothing paid`;
    case 'restated': {
      const why = {
        changed: zh ? '交易变更' : 'deal changed',
        reversed: zh ? '已赢单被撤销（追回）' : 'won deal reversed (clawback)',
        late: zh ? '迟到交易' : 'late deal',
      }[t.reason];
      return zh
        ? `${t.originPeriod} 期调整：${why}，原 ${m(t.was)}，现 ${m(t.now)}`
        : `adjusts ${t.originPeriod}: ${why}, was ${m(t.was)}, now ${m(t.now)}`;
    }
    case 'drawTopUp':
      return zh
        ? `保底 ${m(t.guarantee)}，本期收入 ${m(t.earnings)}${t.recoverable ? '（可追回）' : '（不可追回）'}`
        : `draw guarantee ${m(t.guarantee)}, earnings ${m(t.earnings)}${t.recoverable ? ' (recoverable)' : ' (non-recoverable)'}`;
    case 'drawRecovery':
      return zh
        ? `追回预支：余额 ${m(t.balanceBefore)}，可用 ${m(t.available)}`
        : `draw recovery: balance ${m(t.balanceBefore)}, available ${m(t.available)}`;
    case 'deficit':
      return zh
        ? `本期收入为负 ${m(t.earnings)}，结转至以后期间抵扣`
        : `negative earnings ${m(t.earnings)} carried forward to later periods`;
  }
};

export const describeLine = (
  line: StatementLine,
  s: Pick<Statement, 'currency' | 'locale'>,
  locale: Locale = s.locale,
  person?: (repId: string) => string,
): string => describeTrace(line.trace, s.currency, locale, person);

/** RFC 4180 quoting; text cells that a spreadsheet would run as a formula are prefixed with an apostrophe. */
const cell = (v: string, text = true) => {
  const safe = text && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const statementCsv = (s: Statement, locale: Locale = s.locale): string => {
  const head = ['rep', 'period', 'kind', 'component', 'deal', 'amount', 'currency', 'trace', 'origin_period'];
  const rows = s.lines.map((l) =>
    [
      cell(s.repId),
      cell(s.periodKey),
      l.kind,
      cell(l.componentId ?? ''),
      cell(l.dealId ?? ''),
      cell(l.amount, false),
      s.currency,
      cell(describeLine(l, s, locale)),
      cell(l.origin?.periodKey ?? ''),
    ].join(','),
  );
  const total = [
    cell(s.repId),
    cell(s.periodKey),
    'total',
    '',
    '',
    cell(s.totals.payable, false),
    s.currency,
    cell(locale === 'zh-CN' ? '应付合计' : 'total payable'),
    '',
  ].join(',');
  return `${[head.join(','), ...rows, total].join('\r\n')}\r\n`;
};

export interface ManagerSummary {
  periodKey: string;
  currency: string;
  reps: {
    repId: string;
    credited: string;
    attainment: string;
    earnings: string;
    adjustments: string;
    payable: string;
    hash: string;
  }[];
  totals: { credited: string; earnings: string; adjustments: string; payable: string };
}

/** One row per rep of the team (statements in the same currency), with team totals equal to the sum of rows. */
export const managerSummary = (statements: readonly Statement[]): ManagerSummary => {
  const first = statements[0];
  const currency = first?.currency ?? 'CNY';
  const reps = [...statements]
    .sort((a, b) => a.repId.localeCompare(b.repId))
    .map((s) => ({
      repId: s.repId,
      credited: s.totals.credited,
      attainment: s.segments.at(-1)?.attainment ?? '0',
      earnings: s.totals.earnings,
      adjustments: s.totals.adjustments,
      payable: s.totals.payable,
      hash: s.hash,
    }));
  const total = (k: 'credited' | 'earnings' | 'adjustments' | 'payable') =>
    moneyString(sum(reps.map((r) => new Dec(r[k]))), currency);
  return {
    periodKey: first?.periodKey ?? '',
    currency,
    reps,
    totals: {
      credited: total('credited'),
      earnings: total('earnings'),
      adjustments: total('adjustments'),
      payable: total('payable'),
    },
  };
};
