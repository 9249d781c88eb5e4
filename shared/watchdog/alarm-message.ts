/**
 * An alarm state change as a chat message: CloudWatch publishes a JSON notice to the alarm topic (AlarmName,
 * AlarmDescription, NewStateValue, NewStateReason, StateChangeTime); the alarm-chat function posts this text in the
 * tenant's language and in the chat provider's format (shared/workflows/chat.ts).
 */
import * as z from '../../events/zod';
import type { TenantConfig } from '../config/tenant';

const notice = z.looseObject({
  AlarmName: z.string(),
  AlarmDescription: z.optional(z.nullable(z.string())),
  NewStateValue: z.string(),
  NewStateReason: z.optional(z.string()),
  StateChangeTime: z.optional(z.string()),
});

const WORDS = {
  en: { ALARM: 'ALARM', OK: 'resolved', INSUFFICIENT_DATA: 'no data', tenant: 'tenant', since: 'since' },
  'zh-CN': { ALARM: '告警', OK: '已恢复', INSUFFICIENT_DATA: '无数据', tenant: '租户', since: '时间' },
} as const;

/** The message text; a notice that is not a CloudWatch alarm's is an error naming what is missing. */
export const alarmChatText = (
  raw: string,
  tenant: Pick<TenantConfig, 'displayName' | 'locale' | 'timeZone'>,
): string => {
  const parsed = z.safeParse(notice, JSON.parse(raw));
  if (!parsed.success)
    throw new Error(
      `not a CloudWatch alarm notice: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  const n = parsed.data;
  const w = WORDS[tenant.locale];
  const state = (w as Record<string, string>)[n.NewStateValue] ?? n.NewStateValue;
  const when = n.StateChangeTime
    ? new Intl.DateTimeFormat(tenant.locale, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone: tenant.timeZone,
        timeZoneName: 'short',
      }).format(new Date(n.StateChangeTime))
    : undefined;
  return [
    `[${state}] ${n.AlarmDescription ?? n.AlarmName}`,
    `${w.tenant}: ${tenant.displayName}${when ? ` · ${w.since}: ${when}` : ''}`,
    ...(n.NewStateValue === 'ALARM' && n.NewStateReason ? [n.NewStateReason] : []),
    n.AlarmName,
  ].join('\n');
};
