/** How the incentive commands print: money and a statement as a person reads it on a terminal. */
import { describeLine, formatMoney, formatPercent, type Statement } from '../../shared/incentives';
import type { Locale } from '../../shared/incentives/plan';
import { columns } from './table';

export const money = (amount: string, currency: string) => `${amount} ${currency}`;

/** The statement as a person reads it on a terminal, in `locale`. */
export const statementText = (s: Statement, locale: Locale, repName: string): string => {
  const zh = locale === 'zh-CN';
  const m = (a: string) => formatMoney(a, s.currency, locale);
  const seg = s.segments.at(-1);
  const head = [
    zh
      ? `${repName}（${s.repId}）${s.periodKey} 提成对账单`
      : `Statement ${s.periodKey} for ${repName} (${s.repId})`,
    `${zh ? '计入业绩' : 'credited'}: ${m(s.totals.credited)} (${s.credits.length} ${zh ? '笔交易' : s.credits.length === 1 ? 'deal' : 'deals'})` +
      (seg ? `, ${zh ? '完成率' : 'attainment'} ${formatPercent(seg.attainment, locale)}` : ''),
  ];
  const rows = s.lines.map((l) => [
    l.kind,
    l.dealId ?? l.componentId ?? '',
    m(l.amount),
    describeLine(l, s, locale),
  ]);
  const totals = [
    [zh ? '本期收入' : 'earnings', m(s.totals.earnings)],
    [zh ? '调整' : 'adjustments', m(s.totals.adjustments)],
    [zh ? '预支' : 'draws', m(s.totals.draws)],
    [zh ? '应付合计' : 'total payable', m(s.totals.payable)],
  ];
  return `${head.join('\n')}\n\n${rows.length ? columns(rows) : ''}\n${columns(totals)}${zh ? '内容哈希' : 'content hash'} ${s.hash}\n`;
};
