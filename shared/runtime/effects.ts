/** The effect ledger with its performers: email through SES, one-time schedules through EventBridge Scheduler. */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { EventBridgeScheduler } from '../adapters/aws/scheduler';
import { SesMailer } from '../adapters/aws/ses';
import { EffectLedger } from '../effects/ledger';
import type { MailerPort, SchedulerPort } from '../ports';
import { clock } from './clock';
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
      },
      () => clock().now(),
    ),
);
