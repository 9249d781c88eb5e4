/**
 * The unsubscribe endpoint's decisions: GET only confirms, POST with RFC 8058's body suppresses, and a missing,
 * malformed or forged link is refused with 400/403 before anything is stored. Pages are in the tenant's locale,
 * with every value escaped.
 */
import { describe, expect, it } from 'vitest';
import { unsubscribeToken } from '../../../shared/mail/unsubscribe';
import {
  handleUnsubscribe,
  isOneClickBody,
  type UnsubscribeDeps,
} from '../../../shared/mail/unsubscribe-endpoint';

const KEY = 'test-unsubscribe-key-0123456789abcdef';

const depsFor = (locale: 'zh-CN' | 'en' = 'en', displayName = 'Demo <Trading> & Co.') => {
  const suppressed = new Map<string, string>();
  const calls: string[] = [];
  const deps: UnsubscribeDeps = {
    tenant: { id: 'demo', displayName, locale },
    keys: async () => [KEY],
    isSuppressed: async (a) => (suppressed.has(a) ? { reason: suppressed.get(a) ?? '' } : undefined),
    unsubscribe: async (a) => {
      calls.push(a);
      const added = !suppressed.has(a);
      suppressed.set(a, 'unsubscribed');
      return { added };
    },
  };
  return { deps, suppressed, calls };
};

const link = (address: string, token = unsubscribeToken(KEY, 'demo', address)) => ({ address, token });
const FORM = 'application/x-www-form-urlencoded';

describe('handleUnsubscribe', () => {
  it('GET shows a confirmation page with a POST button and unsubscribes nobody', async () => {
    const { deps, calls } = depsFor();
    const r = await handleUnsubscribe(
      { method: 'GET', query: link('a@example.com'), contentType: undefined, body: '' },
      deps,
    );
    expect(r.statusCode).toBe(200);
    expect(r.outcome).toBe('confirm');
    expect(r.html).toContain('<form method="post" action="unsubscribe?address=a%40example.com&amp;token=');
    expect(r.html).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(calls).toEqual([]);
  });

  it('POST with List-Unsubscribe=One-Click suppresses; a repeat answers 200 and changes nothing', async () => {
    const { deps, calls, suppressed } = depsFor();
    const req = {
      method: 'POST',
      query: link('a@example.com'),
      contentType: FORM,
      body: 'List-Unsubscribe=One-Click',
    };
    const first = await handleUnsubscribe(req, deps);
    expect(first).toMatchObject({ statusCode: 200, outcome: 'unsubscribed' });
    const again = await handleUnsubscribe(req, deps);
    expect(again).toMatchObject({ statusCode: 200, outcome: 'already-unsubscribed' });
    expect([...suppressed.keys()]).toEqual(['a@example.com']);
    expect(calls).toHaveLength(2);
    // Once unsubscribed, the GET page says so instead of offering the button again.
    const page = await handleUnsubscribe({ ...req, method: 'GET', body: '' }, deps);
    expect(page.outcome).toBe('already-unsubscribed');
    expect(page.html).not.toContain('<form');
  });

  it('accepts the address as written in the link in any case', async () => {
    const { deps, suppressed } = depsFor();
    const token = unsubscribeToken(KEY, 'demo', 'a@example.com');
    const r = await handleUnsubscribe(
      {
        method: 'POST',
        query: { address: ' A@Example.COM', token },
        contentType: FORM,
        body: 'List-Unsubscribe=One-Click',
      },
      deps,
    );
    expect(r.outcome).toBe('unsubscribed');
    expect([...suppressed.keys()]).toEqual(['a@example.com']);
  });

  it('refuses incomplete (400), malformed (400) and forged (403) links, storing nothing', async () => {
    const { deps, calls } = depsFor();
    const body = 'List-Unsubscribe=One-Click';
    const cases: [Record<string, string | undefined>, number, string][] = [
      [{}, 400, 'incomplete-link'],
      [{ address: 'a@example.com' }, 400, 'incomplete-link'],
      [{ token: unsubscribeToken(KEY, 'demo', 'a@example.com') }, 400, 'incomplete-link'],
      [{ address: 'nobody', token: 'x'.repeat(43) }, 400, 'invalid-address'],
      [link('b@example.com', unsubscribeToken(KEY, 'demo', 'a@example.com')), 403, 'invalid-token'],
      [link('a@example.com', unsubscribeToken(KEY, 'acme', 'a@example.com')), 403, 'invalid-token'],
      [
        link('a@example.com', unsubscribeToken('another-key-0123456789abcdefghij', 'demo', 'a@example.com')),
        403,
        'invalid-token',
      ],
      [link('a@example.com', 'garbage'), 403, 'invalid-token'],
    ];
    for (const [query, status, outcome] of cases) {
      for (const method of ['GET', 'POST']) {
        const r = await handleUnsubscribe({ method, query, contentType: FORM, body }, deps);
        expect({ status: r.statusCode, outcome: r.outcome }, `${method} ${JSON.stringify(query)}`).toEqual({
          status,
          outcome,
        });
        expect(r.html).not.toContain('<form');
      }
    }
    expect(calls).toEqual([]);
  });

  it('refuses a POST without the one-click body (400) and other methods (405)', async () => {
    const { deps, calls } = depsFor();
    for (const [contentType, body] of [
      [FORM, ''],
      [FORM, 'List-Unsubscribe=Yes'],
      ['application/json', '{"List-Unsubscribe":"One-Click"}'],
    ] as const) {
      const r = await handleUnsubscribe(
        { method: 'POST', query: link('a@example.com'), contentType, body },
        deps,
      );
      expect(r).toMatchObject({ statusCode: 400, outcome: 'invalid-body' });
    }
    const put = await handleUnsubscribe(
      { method: 'PUT', query: link('a@example.com'), contentType: FORM, body: '' },
      deps,
    );
    expect(put.statusCode).toBe(405);
    expect(calls).toEqual([]);
  });

  it("speaks the tenant's locale and escapes the tenant name and the address", async () => {
    const zh = depsFor('zh-CN', '演示贸易公司');
    const page = await handleUnsubscribe(
      { method: 'GET', query: link("o'brien@example.com"), contentType: undefined, body: '' },
      zh.deps,
    );
    expect(page.html).toContain('lang="zh-CN"');
    expect(page.html).toContain('确认退订');
    expect(page.html).toContain('o&#39;brien@example.com');
    const en = depsFor('en');
    const bad = await handleUnsubscribe(
      { method: 'GET', query: {}, contentType: undefined, body: '' },
      en.deps,
    );
    expect(bad.html).toContain('This unsubscribe link is incomplete');
    expect(bad.html).toContain('Demo &lt;Trading&gt; &amp; Co.');
    expect(bad.html).not.toContain('<Trading>');
  });
});

describe('isOneClickBody', () => {
  it('reads RFC 8058 bodies in both encodings the RFC allows', () => {
    expect(isOneClickBody(FORM, 'List-Unsubscribe=One-Click')).toBe(true);
    expect(isOneClickBody(`${FORM}; charset=utf-8`, 'List-Unsubscribe=One-Click\r\n')).toBe(true);
    expect(isOneClickBody(undefined, 'List-Unsubscribe=One-Click')).toBe(true);
    const multipart = [
      '--XyZ',
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      '--XyZ--',
      '',
    ].join('\r\n');
    expect(isOneClickBody('multipart/form-data; boundary=XyZ', multipart)).toBe(true);
    expect(isOneClickBody('multipart/form-data; boundary="XyZ"', multipart)).toBe(true);
    expect(isOneClickBody('multipart/form-data; boundary=XyZ', multipart.replace('One-Click', 'No'))).toBe(
      false,
    );
    expect(isOneClickBody('multipart/form-data', multipart)).toBe(false);
    expect(isOneClickBody(FORM, 'List-Unsubscribe=one-click')).toBe(false);
  });
});
