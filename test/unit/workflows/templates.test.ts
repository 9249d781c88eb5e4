import { describe, expect, it } from 'vitest';
import { chatPayload, compileTemplate, type MergeContext, renderTemplate } from '../../../shared/workflows';
import { deal, demoConfig } from './fixtures';

const HOSTILE = '<script>alert("x")</script> & Co\'s';
const ctx = (over: Partial<MergeContext> = {}): MergeContext => ({
  object: 'deal',
  record: deal({ name: HOSTILE, fields: { industry: '<b>retail</b>' } }),
  change: undefined,
  tenant: { name: 'Demo Trading', locale: 'zh-CN', currency: 'CNY' },
  ...over,
});

describe('rendering tenant templates', () => {
  it('merge values are escaped in HTML and kept as written in text; the subject is one line', () => {
    const tpl = compileTemplate({
      locales: {
        en: {
          subject: 'Re: {{record.name}}\n',
          text: 'Deal {{record.name}}\n\nIndustry {{record.fields.industry}}',
        },
      },
    });
    const m = renderTemplate(
      tpl,
      'en',
      ctx({
        record: deal({ name: `${HOSTILE}\r\nBcc: x@evil.test`, fields: { industry: '<b>retail</b>' } }),
      }),
    );
    expect(m.subject).toBe(`Re: ${HOSTILE} Bcc: x@evil.test`);
    expect(m.text).toContain(`Deal ${HOSTILE}`);
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s');
    expect(m.html).toContain('<p>Industry &lt;b&gt;retail&lt;/b&gt;</p>');
  });

  it("the tenant's own HTML is kept; only the merge values in it are escaped", () => {
    const tpl = compileTemplate({
      locales: { en: { subject: 's', text: 't', html: '<h1>{{record.name}}</h1>' } },
    });
    expect(renderTemplate(tpl, 'en', ctx()).html).toBe(
      '<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s</h1>',
    );
  });

  it('fallbacks fill empty values; amounts are formatted exactly in the locale and currency', () => {
    const tpl = compileTemplate({
      locales: { 'zh-CN': { subject: '{{contact.name|您好}}', text: '金额 {{record.amount}}' } },
    });
    const m = renderTemplate(tpl, 'zh-CN', ctx({ record: deal({ name: undefined, amount: '1234567.89' }) }));
    expect(m.subject).toBe('您好');
    expect(m.text).toBe('金额 ¥1,234,567.89');
  });

  it('a locale the template lacks falls back to one it has, and says which', () => {
    const tpl = compileTemplate({ locales: { 'zh-CN': { subject: '你好', text: '正文' } } });
    expect(renderTemplate(tpl, 'en', ctx()).locale).toBe('zh-CN');
  });

  it('every demo template renders in every locale it declares without leftover braces', () => {
    const cfg = demoConfig();
    for (const def of Object.values(cfg.templates)) {
      const tpl = compileTemplate(def);
      for (const locale of Object.keys(def.locales) as ('zh-CN' | 'en')[]) {
        const m = renderTemplate(tpl, locale, ctx());
        expect(`${m.subject}${m.text}${m.html}`).not.toMatch(/\{\{|\}\}/);
      }
    }
  });
});

describe('chat webhook bodies', () => {
  it.each([
    ['feishu', { msg_type: 'text', content: { text: 'a < b & c' } }],
    ['dingtalk', { msgtype: 'text', text: { content: 'a < b & c' } }],
    ['wecom', { msgtype: 'text', text: { content: 'a < b & c' } }],
    ['slack', { text: 'a &lt; b &amp; c' }],
  ] as const)('%s', (format, body) => {
    expect(chatPayload(format, 'a < b & c')).toEqual(body);
  });
});
