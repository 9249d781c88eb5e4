/** Workflow mail in the mail layout: the owner's congratulations with the deal's facts, a contact's mail signed. */
import { describe, expect, it } from 'vitest';
import { compileTemplate, type MergeContext, renderTemplate } from '../../../shared/workflows';
import { workflowMail } from '../../../shared/workflows/mail';
import { deal } from './fixtures';

const HOSTILE = '<script>alert(1)</script>';
const ctx = (locale: 'zh-CN' | 'en'): MergeContext => ({
  object: 'deal',
  record: deal({ name: `Acme ${HOSTILE}`, status: 'won', stage: 'Closed Won' }),
  tenant: { name: 'Demo Trading', locale, currency: 'CNY' },
});
const tpl = compileTemplate({
  locales: {
    en: {
      subject: 'Deal won: {{record.name}}',
      text: 'Congratulations {{owner.name}}!\n\nShare what worked.',
    },
    'zh-CN': {
      subject: '恭喜赢单：{{record.name}}',
      text: '{{owner.name}}，恭喜你赢下「{{record.name}}」！',
    },
  },
});

describe('workflow mail', () => {
  it("the owner's congratulations come in the layout with the deal's facts, formatted for the locale", () => {
    const c = ctx('en');
    const m = workflowMail({ rendered: renderTemplate(tpl, 'en', c), merge: c, external: false });
    expect(m.html).toContain('<h1 class="qf-title"');
    expect(m.html).toContain('Congratulations Li Lei!');
    expect(m.html).toContain('CN¥128,000.00');
    expect(m.html).toContain('Mar 31, 2026');
    expect(m.html).not.toContain(HOSTILE);
    expect(m.text).toContain('Amount: CN¥128,000.00');
    expect(m.text).toContain('Owner: Li Lei');
    expect(m.text).toMatch(/\n-- \nDemo Trading · Quotaflow\n$/);
    const zh = ctx('zh-CN');
    const cn = workflowMail({ rendered: renderTemplate(tpl, 'zh-CN', zh), merge: zh, external: false });
    expect(cn.text).toContain('金额: ¥128,000.00');
    expect(cn.text).toContain('成交日期: 2026年3月31日');
  });

  it('mail to a contact is signed by the rep and ends with an unsubscribe link in words, not a raw URL', () => {
    const c = { ...ctx('en'), object: 'lead' };
    const link = 'https://api.example.com/unsubscribe?address=a%40b.co&token=t&lang=en';
    const m = workflowMail({
      rendered: renderTemplate(tpl, 'en', c),
      merge: c,
      external: true,
      unsubscribeLink: link,
    });
    expect(m.html).toContain('<strong>Li Lei</strong><br>Demo Trading<br>li.lei@demo.quotaflow.dev');
    expect(m.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
    expect(m.html).toContain('>Unsubscribe from these emails</a>');
    expect(m.html).not.toContain(`>${link.replace(/&/g, '&amp;')}<`);
    expect(m.text).toContain(`Unsubscribe from these emails: ${link}`);
    // No deal facts for a customer.
    expect(m.text).not.toContain('Amount:');
  });
});
