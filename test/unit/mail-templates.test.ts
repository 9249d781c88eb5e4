import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../events';
import { type Locale, wonDealCheckIn, wonDealCongratulations } from '../../shared/mail/templates';

const LOCALES: Locale[] = ['zh-CN', 'en'];

const deal = (changes: Partial<CanonicalRecord> = {}): CanonicalRecord => ({
  id: 'D-1001',
  modifiedAt: '2026-03-02T08:00:00.000Z',
  name: 'Acme renewal',
  status: 'won',
  amount: '128000.00',
  currency: 'CNY',
  fields: {},
  ...changes,
});

const context = (record: CanonicalRecord, over: { ownerName?: string; tenantName?: string } = {}) => ({
  record,
  ownerName: over.ownerName ?? 'Li Lei',
  currency: 'CNY',
  tenantName: over.tenantName ?? 'Acme Sales',
});

const HOSTILE = '<script>alert("pwned")</script> & <b>Co\'s</b>';

describe('merge fields: escaped in HTML, readable in text', () => {
  for (const locale of LOCALES) {
    it(`${locale}: a deal name with markup never appears raw in the HTML`, () => {
      const m = wonDealCongratulations(locale, context(deal({ name: HOSTILE })));
      expect(m.html).not.toContain('<script>');
      expect(m.html).not.toContain('<b>Co');
      expect(m.html).toContain(
        '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&#39;s&lt;/b&gt;',
      );
    });

    it(`${locale}: the plain-text body carries the name as written, unescaped`, () => {
      const m = wonDealCongratulations(locale, context(deal({ name: HOSTILE })));
      expect(m.text).toContain(HOSTILE);
      expect(m.text).not.toContain('&lt;');
      expect(m.text).not.toContain('&amp;');
    });

    it(`${locale}: owner and tenant names are escaped too`, () => {
      const m = wonDealCongratulations(
        locale,
        context(deal(), { ownerName: '<img src=x onerror=alert(1)>', tenantName: 'A&B <Sales>' }),
      );
      expect(m.html).not.toContain('<img');
      expect(m.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(m.html).toContain('A&amp;B &lt;Sales&gt;');
      expect(m.html).not.toContain('<Sales>');
      expect(m.text).toContain('<img src=x onerror=alert(1)>');
      expect(m.text).toContain('A&B <Sales>');
    });

    it(`${locale}: the check-in reminder escapes the same way`, () => {
      const m = wonDealCheckIn(locale, { ...context(deal({ name: HOSTILE })), days: 30 });
      expect(m.html).not.toContain('<script>');
      expect(m.html).toContain('&lt;script&gt;');
      expect(m.text).toContain(HOSTILE);
      expect(m.text).toContain('30');
    });
  }
});

describe('subjects are one line', () => {
  const injected = 'Acme renewal\r\nBcc: attacker@example.com\nX-Evil: 1\u2028more\u2029end\r';

  for (const locale of LOCALES) {
    it(`${locale}: congratulation subject has no CR/LF even when the deal name does`, () => {
      const { subject } = wonDealCongratulations(locale, context(deal({ name: injected })));
      expect(subject).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(subject).toContain('Acme renewal Bcc: attacker@example.com X-Evil: 1 more end');
    });

    it(`${locale}: check-in subject has no CR/LF even when the deal name does`, () => {
      const { subject } = wonDealCheckIn(locale, { ...context(deal({ name: injected })), days: 7 });
      expect(subject).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(subject).toContain('Acme renewal Bcc: attacker@example.com');
    });

    it(`${locale}: a subject is plain text (not HTML-escaped), and escaped once in the HTML title`, () => {
      const m = wonDealCongratulations(locale, context(deal({ name: 'R&D <pilot>' })));
      expect(m.subject).toContain('R&D <pilot>');
      expect(m.html).toContain('R&amp;D &lt;pilot&gt;');
      expect(m.html).not.toContain('&amp;amp;');
    });
  }

  it('falls back to the record id when the deal has no name', () => {
    const { subject } = wonDealCongratulations('en', context(deal({ name: undefined })));
    expect(subject).toContain('D-1001');
  });
});

describe('amounts are rendered exactly from their decimal strings', () => {
  it('zh-CN, CNY 128000.00 -> ¥128,000.00 in subject, HTML and text', () => {
    const m = wonDealCongratulations('zh-CN', context(deal({ amount: '128000.00', currency: 'CNY' })));
    for (const part of [m.subject, m.html, m.text]) expect(part).toContain('¥128,000.00');
    expect(m.subject).toBe('恭喜赢单：Acme renewal（¥128,000.00）');
  });

  it('en, CNY 128000.00 contains 128,000.00', () => {
    const m = wonDealCongratulations('en', context(deal({ amount: '128000.00', currency: 'CNY' })));
    expect(m.subject).toContain('128,000.00');
    expect(m.text).toContain('128,000.00');
  });

  it('en, USD 0.10 -> $0.10 (not $0.1, not 0.10000000000000001)', () => {
    const m = wonDealCongratulations('en', context(deal({ amount: '0.10', currency: 'USD' })));
    expect(m.subject).toBe('Deal won: Acme renewal ($0.10)');
    expect(m.text).toContain('for $0.10!');
  });

  it('zh-CN, USD 0.10 contains 0.10 with the dollar sign', () => {
    const m = wonDealCongratulations('zh-CN', context(deal({ amount: '0.10', currency: 'USD' })));
    expect(m.subject).toMatch(/\$0\.10/);
  });

  for (const locale of LOCALES) {
    it(`${locale}: a 15-digit amount is not rounded`, () => {
      const exact = wonDealCongratulations(locale, context(deal({ amount: '123456789012345.67' })));
      expect(exact.text).toContain('123,456,789,012,345.67');
      // 999999999999999.99 is not representable as a double: a float round-trip gives 1,000,000,000,000,000.00.
      const edge = wonDealCongratulations(locale, context(deal({ amount: '999999999999999.99' })));
      expect(edge.subject).toContain('999,999,999,999,999.99');
      expect(edge.html).toContain('999,999,999,999,999.99');
      expect(edge.text).not.toContain('1,000,000,000,000,000');
    });
  }

  it("the record's own currency wins over the tenant's", () => {
    const m = wonDealCongratulations('en', context(deal({ amount: '5.00', currency: 'USD' })));
    expect(m.subject).toContain('$5.00');
    expect(m.subject).not.toContain('CN¥');
  });

  it("the tenant's currency is used when the record has none", () => {
    const m = wonDealCongratulations('zh-CN', context(deal({ amount: '5.00', currency: undefined })));
    expect(m.subject).toContain('¥5.00');
  });

  it('no amount: no amount clause and no empty parentheses', () => {
    const en = wonDealCongratulations('en', context(deal({ amount: undefined })));
    expect(en.subject).toBe('Deal won: Acme renewal');
    const zh = wonDealCongratulations('zh-CN', context(deal({ amount: undefined })));
    expect(zh.subject).toBe('恭喜赢单：Acme renewal');
    expect(zh.text).not.toContain('金额');
  });
});

describe('both bodies', () => {
  for (const locale of LOCALES) {
    it(`${locale}: HTML is a document and text carries the footer with the tenant name`, () => {
      const m = wonDealCongratulations(locale, context(deal()));
      expect(m.html.startsWith('<!doctype html>')).toBe(true);
      expect(m.html).toContain('Acme Sales · Quotaflow');
      expect(m.text).toContain('-- Acme Sales · Quotaflow');
      expect(m.text).not.toMatch(/<[a-z]/i);
    });
  }
});
