/** The small pages of the unsubscribe endpoint, in the tenant's locale; every dynamic value is HTML-escaped. */
import { escapeHtml } from './escape';

export type Locale = 'zh-CN' | 'en';

export type PageKind =
  | 'confirm'
  | 'done'
  | 'already'
  | 'incomplete'
  | 'invalid-address'
  | 'invalid-token'
  | 'invalid-body';

interface Texts {
  title: string;
  body: string;
  button?: string;
}

type Copy = (v: { tenant: string; address: string }) => Texts;

const COPY: Record<Locale, Record<PageKind, Copy>> = {
  en: {
    confirm: (v) => ({
      title: 'Unsubscribe',
      body: `Stop emails from ${v.tenant} to ${v.address}?`,
      button: 'Unsubscribe',
    }),
    done: (v) => ({
      title: 'You are unsubscribed',
      body: `${v.address} will no longer receive emails from ${v.tenant}.`,
    }),
    already: (v) => ({
      title: 'You are already unsubscribed',
      body: `${v.address} no longer receives emails from ${v.tenant}.`,
    }),
    incomplete: () => ({
      title: 'This unsubscribe link is incomplete',
      body: 'The link is missing its address or its token. Open the complete link from the email, or reply to the sender and ask to be removed.',
    }),
    'invalid-address': () => ({
      title: 'This unsubscribe link is not valid',
      body: 'The address in the link is not an email address. Open the complete link from the email, or reply to the sender and ask to be removed.',
    }),
    'invalid-token': () => ({
      title: 'This unsubscribe link is not valid',
      body: 'The link’s signature does not match its address: it may have been copied incompletely or changed. Open the link from the email again, or reply to the sender and ask to be removed.',
    }),
    'invalid-body': () => ({
      title: 'Unsubscribe request not understood',
      body: 'A one-click unsubscribe is a POST with the body List-Unsubscribe=One-Click (RFC 8058).',
    }),
  },
  'zh-CN': {
    confirm: (v) => ({
      title: '退订邮件',
      body: `不再接收 ${v.tenant} 发送到 ${v.address} 的邮件？`,
      button: '确认退订',
    }),
    done: (v) => ({ title: '已退订', body: `${v.address} 将不再收到 ${v.tenant} 的邮件。` }),
    already: (v) => ({ title: '您已退订', body: `${v.address} 已不再接收 ${v.tenant} 的邮件。` }),
    incomplete: () => ({
      title: '退订链接不完整',
      body: '链接缺少邮箱地址或签名。请打开邮件中的完整链接，或直接回复发件人要求退订。',
    }),
    'invalid-address': () => ({
      title: '退订链接无效',
      body: '链接中的地址不是有效的邮箱地址。请打开邮件中的完整链接，或直接回复发件人要求退订。',
    }),
    'invalid-token': () => ({
      title: '退订链接无效',
      body: '链接签名与邮箱地址不符，可能复制不完整或已被修改。请重新打开邮件中的链接，或直接回复发件人要求退订。',
    }),
    'invalid-body': () => ({
      title: '无法识别的退订请求',
      body: '一键退订须以 POST 提交，内容为 List-Unsubscribe=One-Click（RFC 8058）。',
    }),
  },
};

export const unsubscribePage = (
  tenant: { displayName: string; locale: Locale },
  kind: PageKind,
  opts: { address?: string | undefined; action?: string | undefined } = {},
): string => {
  const t = COPY[tenant.locale][kind]({ tenant: tenant.displayName, address: opts.address ?? '' });
  const form =
    t.button && opts.action
      ? `<form method="post" action="${escapeHtml(opts.action)}">` +
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
        `<button type="submit" style="font-size:16px;padding:8px 20px">${escapeHtml(t.button)}</button></form>`
      : '';
  return (
    `<!doctype html><html lang="${tenant.locale}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">' +
    `<title>${escapeHtml(t.title)}</title></head>` +
    '<body style="font-family:sans-serif;line-height:1.5;color:#222;max-width:36em;margin:3em auto;padding:0 1em">' +
    `<h1 style="font-size:22px">${escapeHtml(t.title)}</h1><p>${escapeHtml(t.body)}</p>${form}` +
    `<p style="color:#888;font-size:12px">${escapeHtml(tenant.displayName)} · Quotaflow</p></body></html>`
  );
};
