/**
 * Signed unsubscribe links and headers: the token binds tenant and address, survives a key rotation, and the
 * headers are exactly what RFC 8058 (and RFC 2369's angle-bracket syntax) require, with the address escaped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normaliseAddress,
  unsubscribeHeaders,
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from '../../../shared/mail/unsubscribe';

const KEY = 'current-unsubscribe-key-0001-abcdefghij';
const OLD = 'previous-unsubscribe-key-001-abcdefghij';
const BASE = 'https://abc123.execute-api.ap-east-1.amazonaws.com';

describe('unsubscribeToken', () => {
  it('is 43 url-safe characters, the same for the same tenant and address', () => {
    const t = unsubscribeToken(KEY, 'demo', 'wang.fang@example.com');
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(unsubscribeToken(KEY, 'demo', 'wang.fang@example.com')).toBe(t);
  });

  it('signs the normalised address: case and surrounding spaces do not matter', () => {
    expect(unsubscribeToken(KEY, 'demo', '  Wang.Fang@Example.COM ')).toBe(
      unsubscribeToken(KEY, 'demo', 'wang.fang@example.com'),
    );
  });

  it('differs per tenant, per address and per key', () => {
    const t = unsubscribeToken(KEY, 'demo', 'a@example.com');
    expect(unsubscribeToken(KEY, 'acme', 'a@example.com')).not.toBe(t);
    expect(unsubscribeToken(KEY, 'demo', 'b@example.com')).not.toBe(t);
    expect(unsubscribeToken(OLD, 'demo', 'a@example.com')).not.toBe(t);
  });

  it('refuses an empty key and a non-address', () => {
    expect(() => unsubscribeToken('', 'demo', 'a@example.com')).toThrow(/key is empty/);
    expect(() => unsubscribeToken(KEY, 'demo', 'not an address')).toThrow(/not an email address/);
    expect(() => unsubscribeToken(KEY, 'demo', '   ')).toThrow(/empty/);
  });
});

describe('verifyUnsubscribeToken', () => {
  const token = unsubscribeToken(KEY, 'demo', 'a@example.com');

  it('accepts the current key, and the previous one during a rotation', () => {
    expect(verifyUnsubscribeToken([KEY], 'demo', 'a@example.com', token)).toBe(true);
    expect(verifyUnsubscribeToken([KEY, OLD], 'demo', 'A@Example.com', token)).toBe(true);
    const old = unsubscribeToken(OLD, 'demo', 'a@example.com');
    expect(verifyUnsubscribeToken([KEY, OLD], 'demo', 'a@example.com', old)).toBe(true);
    expect(verifyUnsubscribeToken([KEY], 'demo', 'a@example.com', old)).toBe(false);
  });

  it('refuses another address, another tenant, no keys, and malformed tokens', () => {
    expect(verifyUnsubscribeToken([KEY], 'demo', 'b@example.com', token)).toBe(false);
    expect(verifyUnsubscribeToken([KEY], 'acme', 'a@example.com', token)).toBe(false);
    expect(verifyUnsubscribeToken([], 'demo', 'a@example.com', token)).toBe(false);
    expect(verifyUnsubscribeToken([''], 'demo', 'a@example.com', token)).toBe(false);
    for (const bad of ['', token.slice(1), `${token}A`, `${token.slice(0, 42)}=`, token.replace(/.$/, '+')])
      expect(verifyUnsubscribeToken([KEY], 'demo', 'a@example.com', bad), bad).toBe(false);
    expect(verifyUnsubscribeToken([KEY], 'demo', 'not an address', token)).toBe(false);
  });

  it('accepts every token it makes and refuses any one-character change (property)', () => {
    const local = fc.stringMatching(/^[a-z0-9._+-]{1,20}$/);
    fc.assert(
      fc.property(local, fc.nat(42), fc.constantFrom(...'ABCxyz019-_'), (name, pos, ch) => {
        const address = `${name}@example.com`;
        const t = unsubscribeToken(KEY, 'demo', address);
        expect(verifyUnsubscribeToken([OLD, KEY], 'demo', address, t)).toBe(true);
        const changed = t.slice(0, pos) + ch + t.slice(pos + 1);
        expect(verifyUnsubscribeToken([KEY], 'demo', address, changed)).toBe(changed === t);
      }),
      { numRuns: 200 },
    );
  });
});

describe('unsubscribeHeaders (RFC 8058 + RFC 2369)', () => {
  it('is exactly List-Unsubscribe with one https URI in angle brackets, and the one-click POST marker', () => {
    const h = unsubscribeHeaders({ baseUrl: BASE, tenantId: 'demo', address: 'a@example.com', secret: KEY });
    expect(Object.keys(h).sort()).toEqual(['List-Unsubscribe', 'List-Unsubscribe-Post']);
    expect(h['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const m = /^<(https:\/\/[^<>\s,]+)>$/.exec(h['List-Unsubscribe'] ?? '');
    expect(m, h['List-Unsubscribe']).not.toBeNull();
    const url = new URL(m?.[1] ?? '');
    expect(url.origin + url.pathname).toBe(`${BASE}/unsubscribe`);
    expect(url.searchParams.get('address')).toBe('a@example.com');
    const token = url.searchParams.get('token') ?? '';
    expect(verifyUnsubscribeToken([KEY], 'demo', 'a@example.com', token)).toBe(true);
  });

  it('escapes the address so that nothing in it can end the <...> or the header', () => {
    const address = "O'Brien+Sales&Co=1%~!*@Example.com";
    const h = unsubscribeHeaders({ baseUrl: BASE, tenantId: 'demo', address, secret: KEY });
    const value = h['List-Unsubscribe'] ?? '';
    expect(value).toMatch(/^<[\x21-\x7e]+>$/);
    expect(value.slice(1, -1)).not.toMatch(/[<>,\s"]/);
    expect(value).toContain('%2B'); // '+' would read as a space once form-decoded
    expect(value).toContain('%26');
    const url = new URL(value.slice(1, -1));
    expect(url.searchParams.get('address')).toBe(normaliseAddress(address));
  });

  it('keeps a custom domain base path and drops a trailing slash', () => {
    expect(
      unsubscribeUrl({
        baseUrl: 'https://api.example.com/qf/',
        tenantId: 'demo',
        address: 'a@b.co',
        secret: KEY,
      }),
    ).toMatch(/^https:\/\/api\.example\.com\/qf\/unsubscribe\?address=a%40b\.co&token=[A-Za-z0-9_-]{43}$/);
  });

  it('allows plain http for the local runtime on loopback only', () => {
    expect(
      unsubscribeUrl({ baseUrl: 'http://127.0.0.1:3000', tenantId: 'demo', address: 'a@b.co', secret: KEY }),
    ).toMatch(/^http:\/\/127\.0\.0\.1:3000\/unsubscribe\?/);
    expect(() =>
      unsubscribeHeaders({
        baseUrl: 'http://api.example.com',
        tenantId: 'demo',
        address: 'a@b.co',
        secret: KEY,
      }),
    ).toThrow(/must be https/);
  });

  it('refuses a base URL that could inject into the header or carries a query', () => {
    for (const baseUrl of [
      'https://api.example.com\r\nBcc: victim@example.com',
      'https://api.example.com/>, <mailto:x@evil.example',
      'https://api.example.com/?x=1',
      'https://user:pw@api.example.com',
      'not a url',
    ])
      expect(
        () => unsubscribeHeaders({ baseUrl, tenantId: 'demo', address: 'a@b.co', secret: KEY }),
        baseUrl,
      ).toThrow(/public base URL/);
  });
});
