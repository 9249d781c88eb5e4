/**
 * The From header of the tenant's mail: `Name <address>` when the tenant gave a sender name. Mail a rep sends to a
 * contact comes from the rep's name at the tenant's own address ("王芳 via Demo Trading" <quotaflow@…>): the
 * tenant's domain is the one that is verified and signed, and replies go to the rep through Reply-To.
 */
import { oneLine } from './escape';

/** RFC 5322 display name: as is when it is only atoms, else quoted with `"` and `\` escaped. */
const displayName = (name: string): string => {
  const n = oneLine(name);
  return /^[\p{L}\p{N} !#$%&'*+\-/=?^_`{|}~]+$/u.test(n) ? n : `"${n.replace(/(["\\])/g, '\\$1')}"`;
};

export const senderOf = (mail: { sender: string; senderName?: string | undefined }): string =>
  mail.senderName ? `${displayName(mail.senderName)} <${mail.sender}>` : mail.sender;

const VIA: Record<'zh-CN' | 'en', (rep: string, tenant: string) => string> = {
  en: (rep, tenant) => `${rep} via ${tenant}`,
  'zh-CN': (rep, tenant) => `${rep}（${tenant}）`,
};

/** From for mail sent on a rep's behalf; the tenant's own From when the rep has no name. */
export const repSenderOf = (
  mail: { sender: string; senderName?: string | undefined },
  rep: { name?: string | undefined },
  tenantName: string,
  locale: 'zh-CN' | 'en',
): string => {
  const name = rep.name?.trim();
  return name ? `${displayName(VIA[locale](name, tenantName))} <${mail.sender}>` : senderOf(mail);
};
