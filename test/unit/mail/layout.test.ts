/**
 * The one mail layout as a reader's mail client gets it: escaped values, a plain-text part that reads on its own,
 * the tenant's branding, dark-mode and phone support, and the page language an unsubscribe link asks for.
 */
import { describe, expect, it } from 'vitest';
import { parseTenantConfig, TenantConfigError } from '../../../shared/config/tenant';
import { renderMail } from '../../../shared/mail/layout';
import { repSenderOf, senderOf } from '../../../shared/mail/sender';
import { unsubscribeToken, unsubscribeUrl } from '../../../shared/mail/unsubscribe';
import { handleUnsubscribe } from '../../../shared/mail/unsubscribe-endpoint';

const HOSTILE = '<img src=x onerror=alert(1)> & "Co"';

describe('renderMail', () => {
  const mail = renderMail(
    { name: HOSTILE, branding: { logoUrl: 'https://cdn.example.com/logo.png', color: '#C8102E' } },
    {
      locale: 'en',
      title: `Hello ${HOSTILE}`,
      blocks: [
        { type: 'paragraph', text: `Hi ${HOSTILE},` },
        { type: 'facts', rows: [['Total', HOSTILE]] },
        { type: 'table', head: ['Rep', 'Amount'], rows: [[HOSTILE, '¥1.00']], numeric: [1] },
        { type: 'button', link: { text: 'Open', href: 'javascript:alert(1)' } },
      ],
      footer: [{ text: 'Unsubscribe', href: 'https://api.example.com/unsubscribe?a=1&lang=en' }],
    },
  );

  it('escapes every value, and a link that is not http(s) is shown as text', () => {
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;');
    expect(mail.html).not.toContain('javascript:');
    expect(mail.html).toContain('href="https://api.example.com/unsubscribe?a=1&amp;lang=en"');
  });

  it('is a single 600 px column with inline styles, dark-mode aware and with no text colour without a background', () => {
    expect(mail.html).toContain('max-width:600px');
    expect(mail.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(mail.html).toContain('@media (prefers-color-scheme:dark)');
    expect(mail.html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    for (const style of mail.html.match(/style="[^"]*"/g) ?? []) {
      if (/(^|[;"])color:/.test(style)) expect(style, style).toMatch(/background(-color)?:/);
    }
  });

  it('shows the logo and the brand colour', () => {
    expect(mail.html).toContain('<img src="https://cdn.example.com/logo.png"');
    expect(mail.html).toContain('background:#c8102e');
  });

  it('has a plain-text part with the same content, links written out, the footer after "-- "', () => {
    expect(mail.text).toContain(`Hi ${HOSTILE},`);
    expect(mail.text).toContain(`Total: ${HOSTILE}`);
    expect(mail.text).toContain(`- ${HOSTILE}: Amount ¥1.00`);
    expect(mail.text).toContain('\n-- \nUnsubscribe: https://api.example.com/unsubscribe?a=1&lang=en\n');
    expect(mail.text).not.toMatch(/<(p|table|td|a|div)\b/);
  });
});

describe('tenant branding', () => {
  const base = {
    id: 'demo',
    displayName: 'Demo',
    timeZone: 'Asia/Shanghai',
    locale: 'zh-CN',
    currency: 'CNY',
    mail: { sender: 'a@demo.example' },
    crm: { provider: 'generic' },
  };
  it('takes an https logo and a #rrggbb colour, and names what is wrong otherwise', () => {
    expect(
      parseTenantConfig({ ...base, branding: { logoUrl: 'https://x.example/l.png', color: '#00aa11' } }, 't')
        .branding,
    ).toEqual({ logoUrl: 'https://x.example/l.png', color: '#00aa11' });
    try {
      parseTenantConfig({ ...base, branding: { logoUrl: 'http://x.example/l.png', color: 'red' } }, 't');
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(TenantConfigError);
      const paths = (err as TenantConfigError).problems.map((p) => p.path);
      expect(paths).toEqual(['branding.logoUrl', 'branding.color']);
    }
  });
});

describe('senders', () => {
  it('quotes a display name with specials; mail for a contact comes from the rep at the tenant address', () => {
    expect(senderOf({ sender: 'q@demo.example', senderName: 'Quotaflow Demo' })).toBe(
      'Quotaflow Demo <q@demo.example>',
    );
    expect(senderOf({ sender: 'q@demo.example', senderName: 'Demo "Trading" Co.' })).toBe(
      '"Demo \\"Trading\\" Co." <q@demo.example>',
    );
    expect(repSenderOf({ sender: 'q@demo.example' }, { name: '王芳' }, 'Demo Trading', 'en')).toBe(
      '王芳 via Demo Trading <q@demo.example>',
    );
    expect(repSenderOf({ sender: 'q@demo.example' }, {}, 'Demo Trading', 'en')).toBe('q@demo.example');
  });
});

describe('unsubscribe page language', () => {
  const KEY = 'test-unsubscribe-key-0123456789abcdef';
  const deps = {
    tenant: { id: 'demo', displayName: 'Demo', locale: 'zh-CN' as const },
    keys: async () => [KEY],
    isSuppressed: async () => undefined,
    unsubscribe: async () => ({ added: true }),
  };
  const query = (lang?: string) => {
    const url = new URL(
      unsubscribeUrl({
        baseUrl: 'https://api.example.com',
        tenantId: 'demo',
        address: 'sarah@example.com',
        secret: KEY,
        ...(lang === 'en' || lang === 'zh-CN' ? { lang } : {}),
      }),
    );
    const q = Object.fromEntries(url.searchParams);
    return lang && !q.lang ? { ...q, lang } : q;
  };

  it('speaks the language the link carries, keeps it through the confirmation, and falls back to the tenant', async () => {
    const en = await handleUnsubscribe(
      { method: 'GET', query: query('en'), contentType: undefined, body: '' },
      deps,
    );
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('Stop emails from Demo to sarah@example.com?');
    expect(en.html).toContain('&amp;lang=en"');
    const done = await handleUnsubscribe(
      { method: 'POST', query: query('en'), contentType: 'text/plain', body: 'List-Unsubscribe=One-Click' },
      deps,
    );
    expect(done.html).toContain('You are unsubscribed');
    const zh = await handleUnsubscribe(
      { method: 'GET', query: query(), contentType: undefined, body: '' },
      deps,
    );
    expect(zh.html).toContain('<html lang="zh-CN">');
    const odd = await handleUnsubscribe(
      { method: 'GET', query: query('fr'), contentType: undefined, body: '' },
      deps,
    );
    expect(odd.html).toContain('<html lang="zh-CN">');
    // The language is not part of the signature: the token is the same with or without it.
    expect(query('en').token).toBe(unsubscribeToken(KEY, 'demo', 'sarah@example.com'));
  });
});
