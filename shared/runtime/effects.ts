/**
 * The effect ledger with the performers every function may need: email through SES and one-time schedules through
 * EventBridge Scheduler. Workflow effects (CRM write-backs, chat, enrolments) are added in workflow-effects.ts, so a
 * function that only mails (the incentive close) does not bundle the CRM connectors and their HTTP client.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { EventBridgeScheduler } from '../adapters/aws/scheduler';
import { SesMailer } from '../adapters/aws/ses';
import { EffectLedger, type Performers } from '../effects/ledger';
import type { MailerPort, SchedulerPort } from '../ports';
import { clock } from './clock';
import { required, runtimeEnv } from './env';
import { ACCESS_ENV, ENV } from './env-names';
import { once } from './once';
import { documentClient, tableName } from './store';

export const mailer = once<MailerPort>(
  () =>
    new SesMailer(new SESv2Client({}), required(runtimeEnv().sesConfigurationSet, ENV.sesConfigurationSet)),
);
export const scheduler = once<SchedulerPort>(
  () =>
    new EventBridgeScheduler(
      new SchedulerClient({}),
      required(runtimeEnv().scheduler, ACCESS_ENV.scheduler.join(', ')),
    ),
);

export const basePerformers = (): Performers => ({
  email: async ({ email }) => (await mailer().send(email)).messageId,
  schedule: async ({ schedule }) => {
    await scheduler().scheduleOnce(schedule);
    return schedule.name;
  },
});

/** A ledger over the tenant's table with the given performers (the clock follows the runtime's). */
export const ledgerWith = (performers: Performers): EffectLedger =>
  new EffectLedger(documentClient(), tableName(), performers, () => clock().now());

export const effects = once(() => ledgerWith(basePerformers()));
