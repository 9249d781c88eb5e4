/**
 * The effect ledger with the performers every workflow function needs: email through SES (mail-effects.ts) and
 * one-time schedules through EventBridge Scheduler. Workflow effects (CRM write-backs, chat, enrolments) are added in
 * workflow-effects.ts, so a function that only mails does not bundle the CRM connectors and their HTTP client; one
 * that never schedules uses mail-effects.ts and does not bundle the Scheduler client either.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeScheduler } from '../../shared/adapters/aws/scheduler';
import type { Performers } from '../../shared/effects/ledger';
import type { SchedulerPort } from '../../shared/ports';
import { required, runtimeEnv } from './env';
import { ACCESS_ENV } from './env-names';
import { ledgerWith, mailer } from './mail-effects';
import { once } from './once';

export { ledgerWith, mailer } from './mail-effects';

export const scheduler = once<SchedulerPort>(
  () =>
    new EventBridgeScheduler(
      new SchedulerClient({}),
      required(runtimeEnv().scheduler, ACCESS_ENV.scheduler.join(', ')),
    ),
);

/**
 * The Scheduler as a port whose client is built on its first call: the workflow runner schedules only for a step
 * that waits or is deferred, and most domain events plan none. The settings are checked now, so a function
 * deployed without them still fails its cold start.
 */
export const schedulerOnFirstUse = (): SchedulerPort => {
  required(runtimeEnv().scheduler, ACCESS_ENV.scheduler.join(', '));
  return {
    scheduleOnce: (schedule) => scheduler().scheduleOnce(schedule),
    cancel: (name) => scheduler().cancel(name),
  };
};

export const basePerformers = (): Performers => ({
  email: async ({ email }) => (await mailer().send(email)).messageId,
  schedule: async ({ schedule }) => {
    await scheduler().scheduleOnce(schedule);
    return schedule.name;
  },
});

export const effects = /* @__PURE__ */ once(() => ledgerWith(basePerformers()));
