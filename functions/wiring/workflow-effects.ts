/**
 * The effect ledger of the functions that run workflows (and of the recovery sweep, which completes any effect):
 * the base performers plus CRM activities through the tenant's CRM writer, chat messages through the group's
 * webhook, and sequence enrolments in the tenant's table.
 */
import { ChatWebhookClient } from '../../shared/adapters/chat/webhook';
import { EnrolmentRepository } from '../../shared/store/enrolments';
import { clock } from './clock';
import { crmWriter } from './crm-writer';
import { basePerformers, ledgerWith } from './effects';
import { runtimeEnv } from './env';
import { once } from './once';
import { documentClient, tableName } from './store';

export const chatWebhooks = /* @__PURE__ */ once(() => {
  const redirectTo = runtimeEnv().chatEndpointOverride;
  return new ChatWebhookClient(redirectTo ? { redirectTo } : {});
});
export const enrolments = /* @__PURE__ */ once(
  () => new EnrolmentRepository(documentClient(), tableName(), () => clock().now()),
);

export const workflowEffects = /* @__PURE__ */ once(() =>
  ledgerWith({
    ...basePerformers(),
    crm_activity: async ({ activity }) => {
      const writer = await crmWriter();
      if (!writer) throw new Error("the tenant's CRM takes no write-back");
      return `${activity.activity} ${(await writer.createActivity(activity)).id}`;
    },
    chat: ({ url, body }) => chatWebhooks().post(url, body),
    enrol: async ({ enrolment }) =>
      (await enrolments().start(enrolment)).started ? 'enrolled' : 'already enrolled',
  }),
);
