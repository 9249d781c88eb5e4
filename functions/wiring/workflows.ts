/**
 * The container's workflow runner: the tenant's workflow document (workflow-document.ts), the ledger and its
 * performers, enrolments, send counters, consent (suppression list and signed one-click unsubscribe links) and the
 * CRM writer. Undefined for a tenant without workflows.
 */
import { unsubscribeSigningKey } from '../../shared/config/secrets';
import { unsubscribeHeaders } from '../../shared/mail/unsubscribe';
import { SendCounters } from '../../shared/store/send-counters';
import type { ConsentPort } from '../../shared/workflows/perform';
import { WorkflowRunner } from '../../shared/workflows/runner';
import { clock } from './clock';
import { crmWriter } from './crm-writer';
import { schedulerOnFirstUse } from './effects';
import { runtimeEnv } from './env';
import { once } from './once';
import { secrets } from './secrets';
import { documentClient, records, tableName } from './store';
import { suppression } from './suppression';
import { workflows } from './workflow-document';
import { enrolments, workflowEffects } from './workflow-effects';

export { calendarWarningsAt, workflows } from './workflow-document';

const consent = (): ConsentPort => ({
  isSuppressed: (address) => suppression().isSuppressed(address),
  unsubscribeHeaders: async (address, lang) => {
    const env = runtimeEnv();
    // The stack sets it to the tenant's publicBaseUrl when there is one, else the API's own URL.
    const baseUrl = env.publicBaseUrl;
    // Without a public URL there is no link to offer; the mail still honours the suppression list.
    if (!baseUrl) return {};
    const secret = unsubscribeSigningKey(await secrets().tenantSecrets());
    return unsubscribeHeaders({ baseUrl, tenantId: env.tenant.id, address, secret, lang });
  },
});

export const workflowRunner = /* @__PURE__ */ once(() => {
  const wf = workflows();
  if (!wf) return undefined;
  const tenant = runtimeEnv().tenant;
  return new WorkflowRunner({
    tenant,
    workflows: wf,
    effects: workflowEffects(),
    enrolments: enrolments(),
    records: records(),
    counters: new SendCounters(documentClient(), tableName(), wf.config.sendLimits, tenant.timeZone),
    scheduler: schedulerOnFirstUse(),
    consent: consent(),
    crm: crmWriter,
    now: () => clock().now(),
  });
});
