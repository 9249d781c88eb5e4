/**
 * The small pages of the unsubscribe endpoint, in the mail layout, in the language the link carries (else the
 * tenant's); every dynamic value is HTML-escaped.
 */
import { escapeHtml } from './escape';
import { type Branding, brandLine, renderHtml } from './layout';

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
  tenant: { displayName: string; locale: Locale; branding?: Branding | undefined },
  kind: PageKind,
  opts: { address?: string | undefined; action?: string | undefined } = {},
): string => {
  const t = COPY[tenant.locale][kind]({ tenant: tenant.displayName, address: opts.address ?? '' });
  const brand = { name: tenant.displayName, branding: tenant.branding };
  const accent = tenant.branding?.color ?? '#2f6feb';
  // A real button (a POST), not a link: a GET never unsubscribes (link scanners fetch every link).
  const form =
    t.button && opts.action
      ? `<form method="post" action="${escapeHtml(opts.action)}" style="margin:18px 0 0">` +
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
        `<button type="submit" style="font-size:16px;padding:10px 24px;border:0;border-radius:6px;cursor:pointer;background:${escapeHtml(accent)};color:#ffffff">${escapeHtml(t.button)}</button></form>`
      : '';
  const html = renderHtml(brand, {
    locale: tenant.locale,
    title: t.title,
    blocks: [
      { type: 'paragraph', text: t.body },
      ...(form ? [{ type: 'html', html: form, text: '' } as const] : []),
    ],
    footer: [brandLine(brand)],
  });
  return html.replace(
    '<meta charset="utf-8">',
    '<meta charset="utf-8"><meta name="robots" content="noindex">',
  );
};
