/**
 * The platform's built-in messages, per locale, as HTML and plain text. Every merge field passes through escapeHtml
 * (HTML) or oneLine (subject); amounts are formatted from their decimal string in the tenant's locale and currency.
 */
import type { CanonicalRecord } from '../../events';
import { escapeHtml, oneLine } from './escape';

export type Locale = 'zh-CN' | 'en';

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

const formatAmount = (amount: string | undefined, currency: string, locale: Locale): string => {
  if (!amount) return '';
  // Intl accepts a decimal string and formats it exactly (no float round-trip), per ECMA-402 2023.
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount as unknown as number);
};

const layout = (title: string, paragraphs: string[], footer: string): string =>
  `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;color:#222">` +
  `<h2 style="margin:0 0 12px">${title}</h2>${paragraphs.map((p) => `<p>${p}</p>`).join('')}` +
  `<p style="color:#888;font-size:12px">${footer}</p></body></html>`;

/** Plain lines become both bodies: escaped into the HTML, as they are into the text. */
const message = (subject: string, lines: string[], tenantName: string): RenderedMessage => {
  const footer = `${tenantName} · Quotaflow`;
  return {
    subject,
    html: layout(escapeHtml(subject), lines.map(escapeHtml), escapeHtml(footer)),
    text: `${lines.join('\n\n')}\n\n-- ${footer}\n`,
  };
};

interface DealContext {
  record: CanonicalRecord;
  ownerName: string;
  currency: string;
  tenantName: string;
}

const dealName = (d: DealContext) => d.record.name ?? d.record.id;

export const wonDealCongratulations = (locale: Locale, d: DealContext): RenderedMessage => {
  const amount = formatAmount(d.record.amount, d.record.currency ?? d.currency, locale);
  const name = dealName(d);
  if (locale === 'zh-CN') {
    const subject = oneLine(`恭喜赢单：${name}${amount ? `（${amount}）` : ''}`);
    const lines = [
      `${d.ownerName}，恭喜你赢下商机「${name}」${amount ? `，金额 ${amount}` : ''}！`,
      '把这次成交的关键做法分享给团队吧，好的经验值得复制。',
    ];
    return message(subject, lines, d.tenantName);
  }
  const subject = oneLine(`Deal won: ${name}${amount ? ` (${amount})` : ''}`);
  const lines = [
    `Congratulations ${d.ownerName}, you won "${name}"${amount ? ` for ${amount}` : ''}!`,
    'Share what made this one work with the team: good practice is worth copying.',
  ];
  return message(subject, lines, d.tenantName);
};

export const wonDealCheckIn = (locale: Locale, d: DealContext & { days: number }): RenderedMessage => {
  const name = dealName(d);
  if (locale === 'zh-CN') {
    const subject = oneLine(`客户回访提醒：${name}`);
    const lines = [
      `${d.ownerName}，商机「${name}」成交已经 ${d.days} 天了。`,
      '请联系客户确认交付与满意度，并询问是否有转介绍或追加采购的机会。',
    ];
    return message(subject, lines, d.tenantName);
  }
  const subject = oneLine(`Customer check-in: ${name}`);
  const lines = [
    `${d.ownerName}, it has been ${d.days} days since you won "${name}".`,
    'Check in with the customer on delivery and satisfaction, and ask about referrals or expansion.',
  ];
  return message(subject, lines, d.tenantName);
};
