/**
 * Signed one-click unsubscribe links (RFC 8058 on top of RFC 2369's List-Unsubscribe). The link names the address
 * and carries an HMAC-SHA256 over (tenant, address) under the tenant's unsubscribe key, so it cannot be forged for
 * another address or replayed against another tenant, and it stays valid as long as the key (or, during a rotation,
 * the previous key) does: mail that is already sent must keep working.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { codedError } from '../errors';

export const UNSUBSCRIBE_PATH = '/unsubscribe';
/** The one body RFC 8058 defines, and the value of List-Unsubscribe-Post. */
export const ONE_CLICK_BODY = 'List-Unsubscribe=One-Click';

const MAX_ADDRESS = 254;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
// Deliberately loose (RFC 5322 allows far more than any form validator); enough to refuse what is not an address.
const ADDRESS = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/;

export class InvalidAddressError extends codedError('invalid_address') {
  override readonly name = 'InvalidAddressError';
}

/** Trimmed and lower-cased: the form the suppression list and the signature use. */
export const normaliseAddress = (address: string): string => {
  const a = address.trim().toLowerCase();
  if (a.length === 0) throw new InvalidAddressError('the address is empty');
  if (a.length > MAX_ADDRESS)
    throw new InvalidAddressError(`the address is longer than ${MAX_ADDRESS} characters`);
  if (!ADDRESS.test(a)) throw new InvalidAddressError('the address is not an email address (name@domain)');
  return a;
};

const mac = (secret: string, tenantId: string, address: string): Buffer =>
  createHmac('sha256', secret).update(`quotaflow-unsubscribe-v1\n${tenantId}\n${address}`).digest();

/** The token for this tenant and (normalised) address: 43 url-safe characters (base64url, no padding). */
export const unsubscribeToken = (secret: string, tenantId: string, address: string): string => {
  if (!secret) throw new Error('the unsubscribe signing key is empty');
  return mac(secret, tenantId, normaliseAddress(address)).toString('base64url');
};

/**
 * True when the token was made by one of `secrets` for this tenant and address. Every secret is checked, each
 * with a constant-time comparison, so the time taken says nothing about the token or which key matched.
 */
export const verifyUnsubscribeToken = (
  secrets: readonly string[],
  tenantId: string,
  address: string,
  token: string,
): boolean => {
  if (!TOKEN.test(token)) return false;
  let normalised: string;
  try {
    normalised = normaliseAddress(address);
  } catch {
    return false;
  }
  const given = Buffer.from(token, 'base64url');
  // 43 characters carry 258 bits for 256: only the canonical spelling is the token (no look-alikes).
  if (given.toString('base64url') !== token) return false;
  let ok = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = mac(secret, tenantId, normalised);
    // Both are 32 bytes (the token pattern guarantees it). The comparison runs first, so every key is checked.
    ok = timingSafeEqual(expected, given) || ok;
  }
  return ok;
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The tenant's public base URL, checked for use inside a header: RFC 8058 requires https (plain http is accepted
 * for loopback only, which is what `npm start` serves), and nothing that could break out of `<...>`.
 */
const baseUrlOf = (baseUrl: string): string => {
  if (!/^[\x21-\x7e]+$/.test(baseUrl) || /[<>,"]/.test(baseUrl))
    throw new Error('the public base URL contains spaces, control characters or <>," characters');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`the public base URL is not a URL: ${baseUrl}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new Error(`the public base URL must be https (RFC 8058), got ${url.protocol}//${url.host}`);
  if (url.username || url.password || url.search || url.hash)
    throw new Error('the public base URL must not carry credentials, a query or a fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
};

export interface UnsubscribeLinkInput {
  baseUrl: string;
  tenantId: string;
  address: string;
  secret: string;
  /**
   * The recipient's language, so the page speaks it. Not signed: it only picks one of two page languages, and a
   * changed or missing value falls back to the tenant's; links sent before it existed keep working.
   */
  lang?: 'zh-CN' | 'en' | undefined;
}

/** The link itself (also for a visible "unsubscribe" link in the body). */
export const unsubscribeUrl = (input: UnsubscribeLinkInput): string => {
  const address = normaliseAddress(input.address);
  const token = unsubscribeToken(input.secret, input.tenantId, address);
  const lang = input.lang ? `&lang=${input.lang}` : '';
  // encodeURIComponent leaves only unreserved characters and !'()*~, none of which can end the header's <...>.
  return `${baseUrlOf(input.baseUrl)}${UNSUBSCRIBE_PATH}?address=${encodeURIComponent(address)}&token=${token}${lang}`;
};

/** The page language a link asks for, when it is one the pages have. */
export const linkLanguage = (value: string | undefined): 'zh-CN' | 'en' | undefined =>
  value === 'zh-CN' || value === 'en' ? value : undefined;

/** The two headers a message to an external contact carries (RFC 2369 List-Unsubscribe + RFC 8058 one-click). */
export const unsubscribeHeaders = (input: UnsubscribeLinkInput): Record<string, string> => ({
  'List-Unsubscribe': `<${unsubscribeUrl(input)}>`,
  'List-Unsubscribe-Post': ONE_CLICK_BODY,
});
