/**
 * The container's workflow runner: the tenant's workflow document (shipped with the function) validated and
 * compiled once, the ledger and its performers, enrolments, send counters, consent (suppression list and signed
 * one-click unsubscribe links) and the CRM writer. Undefined for a tenant without workflows.
 */
import { unsubscribeSigningKey } from '../config/secrets';
import { unsubscribeHeaders } from '../mail/unsubscribe';
import { SendCounters } from '../store/send-counters';
import { loadWorkflows } from '../workflows/compiled';
import type { ConsentPort } from '../workflows/perform';
import { WorkflowRunner } from '../workflows/runner';
import { clock } from './clock';
import { crmWriter } from './crm-writer';
import { loadTenantDocument } from './documents';
import { scheduler } from './effects';
import { runtimeEnv } from './env';
import { once } from './once';
import { secrets } from './secrets';
import { documentClient, records, tableName } from './store';
import { suppression } from './suppression';
import { enrolments, workflowEffects } from './workflow-effects';

export const workflows = once(() => {
  const doc = loadTenantDocument('workflows');
  return doc === undefined
    ? undefined
    : loadWorkflows(doc, 'the workflows document', runtimeEnv().tenant.currency);
});

const consent = (): ConsentPort => ({
  isSuppressed: (address) => suppression().isSuppressed(address),
  unsubscribeHeaders: async (address) => {
    const env = runtimeEnv();
    // The stack sets it to the tenant's publicBaseUrl when there is one, else the API's own URL.
    const baseUrl = env.publicBaseUrl;
    // Without a public URL there is no link to offer; the mail still honours the suppression list.
    if (!baseUrl) return {};
    const secret = unsubscribeSigningKey(await secrets().tenantSecrets());
    return unsubscribeHeaders({ baseUrl, tenantId: env.tenant.id, address, secret });
  },
});

export const workflowRunner = once(() => {
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
    scheduler: scheduler(),
    consent: consent(),
    crm: crmWriter,
    now: () => clock().now(),
  });
});
