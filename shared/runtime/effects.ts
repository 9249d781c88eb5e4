/**
 * The effect ledger with its performers: email through SES, one-time schedules through EventBridge Scheduler, CRM
 * activities through the tenant's CRM writer, chat messages through the group's webhook, and sequence enrolments in
 * the tenant's table. Any function holding the ledger (the recovery sweep above all) can complete any of them.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { EventBridgeScheduler } from '../adapters/aws/scheduler';
import { SesMailer } from '../adapters/aws/ses';
import { ChatWebhookClient } from '../adapters/chat/webhook';
import { EffectLedger } from '../effects/ledger';
import type { MailerPort, SchedulerPort } from '../ports';
import { EnrolmentRepository } from '../store/enrolments';
import { clock } from './clock';
import { crmWriter } from './crm-writer';
import { required, runtimeEnv } from './env';
import { once } from './once';
import { documentClient, tableName } from './store';

export const mailer = once<MailerPort>(
  () => new SesMailer(new SESv2Client({}), runtimeEnv().sesConfigurationSet),
);
export const scheduler = once<SchedulerPort>(
  () =>
    new EventBridgeScheduler(
      new SchedulerClient({}),
      required(runtimeEnv().scheduler, 'SCHEDULE_* settings'),
    ),
);
export const chatWebhooks = once(() => {
  const redirectTo = runtimeEnv().chatEndpointOverride;
  return new ChatWebhookClient(redirectTo ? { redirectTo } : {});
});
export const enrolments = once(
  () => new EnrolmentRepository(documentClient(), tableName(), () => clock().now()),
);

export const effects = once(
  () =>
    new EffectLedger(
      documentClient(),
      tableName(),
      {
        email: async ({ email }) => (await mailer().send(email)).messageId,
        schedule: async ({ schedule }) => {
          await scheduler().scheduleOnce(schedule);
          return schedule.name;
        },
        crm_activity: async ({ activity }) => {
          const writer = await crmWriter();
          if (!writer) throw new Error("the tenant's CRM takes no write-back");
          return `${activity.activity} ${(await writer.createActivity(activity)).id}`;
        },
        chat: ({ url, body }) => chatWebhooks().post(url, body),
        enrol: async ({ enrolment }) =>
          (await enrolments().start(enrolment)).started ? 'enrolled' : 'already enrolled',
      },
      () => clock().now(),
    ),
);
