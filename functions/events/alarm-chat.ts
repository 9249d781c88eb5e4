import type { SNSEvent } from 'aws-lambda';
import { ChatWebhookClient } from '../../shared/adapters/chat/webhook';
import { bindTenant, logger } from '../../shared/observability/logger';
import { alarmChatText } from '../../shared/watchdog/alarm-message';
import { chatPayload } from '../../shared/workflows/chat';
import { runtimeEnv } from '../wiring/env';

const env = runtimeEnv();
const tenant = env.tenant;
bindTenant(tenant.id);
const chat = tenant.alarms.chat;
if (!chat) throw new Error(`tenant ${tenant.id} has no alarms.chat: this function should not be deployed`);
const client = new ChatWebhookClient(
  env.chatEndpointOverride ? { redirectTo: env.chatEndpointOverride } : {},
);

/**
 * Posts each alarm state change from the tenant's alarm topic to its chat group (tenant config alarms.chat). SNS
 * invokes asynchronously: a failed post is retried by Lambda and then lands in this function's DLQ.
 */
export const handler = async (event: SNSEvent): Promise<{ posted: number }> => {
  for (const record of event.Records) {
    const text = alarmChatText(record.Sns.Message, tenant);
    const result = await client.post(chat.url, chatPayload(chat.format, text));
    logger.info('alarm posted to chat', { format: chat.format, result, subject: record.Sns.Subject });
  }
  return { posted: event.Records.length };
};
