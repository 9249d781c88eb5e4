/**
 * The unsubscribe endpoint behind the List-Unsubscribe link.
 *   POST /unsubscribe?address=…&token=…  body `List-Unsubscribe=One-Click` (RFC 8058; form-urlencoded, or
 *        multipart/form-data, which RFC 8058 prefers): suppress the address, answer 200. Repeats answer 200 too.
 *   GET  /unsubscribe?address=…&token=…  a confirmation page with a button that makes that same POST. A GET never
 *        unsubscribes by itself: mail scanners and link previews fetch every link in a message.
 * A missing or malformed link answers 400, a token that does not verify 403; neither stores anything.
 */
import type { Branding } from './layout';
import {
  InvalidAddressError,
  linkLanguage,
  normaliseAddress,
  ONE_CLICK_BODY,
  verifyUnsubscribeToken,
} from './unsubscribe';
import { type PageKind, unsubscribePage } from './unsubscribe-page';

export interface UnsubscribeRequest {
  method: string;
  query: Record<string, string | undefined>;
  contentType: string | undefined;
  body: string;
}

export interface UnsubscribeDeps {
  tenant: { id: string; displayName: string; locale: 'zh-CN' | 'en'; branding?: Branding | undefined };
  /** The keys a link may be signed with (current, then previous during a rotation). */
  keys: () => Promise<string[]>;
  isSuppressed: (address: string) => Promise<{ reason: string } | undefined>;
  /** Suppresses and announces (shared/mail/suppress.ts). */
  unsubscribe: (address: string) => Promise<{ added: boolean }>;
}

export type UnsubscribeOutcome =
  | 'confirm'
  | 'unsubscribed'
  | 'already-unsubscribed'
  | 'incomplete-link'
  | 'invalid-address'
  | 'invalid-token'
  | 'invalid-body'
  | 'method-not-allowed';

export interface UnsubscribeResponse {
  statusCode: number;
  outcome: UnsubscribeOutcome;
  html: string;
}

const STATUS: Record<UnsubscribeOutcome, number> = {
  confirm: 200,
  unsubscribed: 200,
  'already-unsubscribed': 200,
  'incomplete-link': 400,
  'invalid-address': 400,
  'invalid-token': 403,
  'invalid-body': 400,
  'method-not-allowed': 405,
};

const PAGE: Record<UnsubscribeOutcome, PageKind> = {
  confirm: 'confirm',
  unsubscribed: 'done',
  'already-unsubscribed': 'already',
  'incomplete-link': 'incomplete',
  'invalid-address': 'invalid-address',
  'invalid-token': 'invalid-token',
  'invalid-body': 'invalid-body',
  'method-not-allowed': 'invalid-body',
};

/** The value of one form field in a multipart/form-data body (RFC 7578), or undefined. */
const multipartField = (body: string, contentType: string, field: string): string | undefined => {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return undefined;
  for (const part of body.split(`--${boundary}`)) {
    const sep = /\r?\n\r?\n/.exec(part);
    if (!sep) continue;
    const head = part.slice(0, sep.index);
    const disposition = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head);
    if (disposition?.[1] === field) return part.slice(sep.index + sep[0].length).replace(/\r?\n$/, '');
  }
  return undefined;
};

/** Whether the body is RFC 8058's one-click request, in either encoding it allows. */
export const isOneClickBody = (contentType: string | undefined, body: string): boolean => {
  const [key, value] = ONE_CLICK_BODY.split('=') as [string, string];
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') return multipartField(body, contentType ?? '', key)?.trim() === value;
  if (type === '' || type === 'application/x-www-form-urlencoded' || type === 'text/plain')
    return new URLSearchParams(body.trim()).get(key) === value;
  return false;
};

export const handleUnsubscribe = async (
  req: UnsubscribeRequest,
  deps: UnsubscribeDeps,
): Promise<UnsubscribeResponse> => {
  // The link says which language its recipient reads; without it (older links) the tenant's.
  const locale = linkLanguage(req.query.lang) ?? deps.tenant.locale;
  const respond = (outcome: UnsubscribeOutcome, address?: string, action?: string): UnsubscribeResponse => ({
    statusCode: STATUS[outcome],
    outcome,
    html: unsubscribePage({ ...deps.tenant, locale }, PAGE[outcome], { address, action }),
  });
  if (req.method !== 'GET' && req.method !== 'POST') return respond('method-not-allowed');
  const rawAddress = req.query.address;
  const token = req.query.token;
  if (!rawAddress || !token) return respond('incomplete-link');
  let address: string;
  try {
    address = normaliseAddress(rawAddress);
  } catch (err) {
    if (err instanceof InvalidAddressError) return respond('invalid-address');
    throw err;
  }
  if (!verifyUnsubscribeToken(await deps.keys(), deps.tenant.id, address, token))
    return respond('invalid-token');

  if (req.method === 'GET') {
    if (await deps.isSuppressed(address)) return respond('already-unsubscribed', address);
    // Relative to /unsubscribe, so it also works behind a custom domain's base path.
    const lang = linkLanguage(req.query.lang);
    const action = `unsubscribe?address=${encodeURIComponent(address)}&token=${encodeURIComponent(token)}${lang ? `&lang=${lang}` : ''}`;
    return respond('confirm', address, action);
  }
  if (!isOneClickBody(req.contentType, req.body)) return respond('invalid-body');
  const { added } = await deps.unsubscribe(address);
  return respond(added ? 'unsubscribed' : 'already-unsubscribed', address);
};

/** For log lines: enough to find the entry, not the whole address. */
export const maskAddress = (address: string): string => {
  const at = address.lastIndexOf('@');
  return at <= 0 ? '***' : `${address[0]}***${address.slice(at)}`;
};
