/**
 * The container's workflow runner: the tenant's workflow document (shipped with the function) validated and
 * compiled once, the ledger and its performers, enrolments, send counters, consent (suppression list and signed
 * one-click unsubscribe links) and the CRM writer. Undefined for a tenant without workflows.
 */
import { unsubscribeSigningKey } from '../config/secrets';
import { unsubscribeHeaders } from '../mail/unsubscribe';
import { SendCounters } from '../store/send-counters';
import { loadWorkflows } from '../workflows/compiled';
import { type CalendarCoverageWarning, calendarCoverageWarnings } from '../workflows/coverage';
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

/** Coverage is judged once per day per container (the answer only changes with the date). */
let coverage: { day: string; warnings: CalendarCoverageWarning[] } | undefined;

/**
 * The tenant's calendars in use that run out of holiday data within 60 days of `now` (see coverage.ts): the
 * workflow runner counts them in a metric (alarmed), so an admin hears of it while there is time to add the dates.
 */
export const calendarWarningsAt = (now: Date): CalendarCoverageWarning[] => {
  const wf = workflows();
  if (!wf) return [];
  const day = now.toISOString().slice(0, 10);
  if (coverage?.day !== day) coverage = { day, warnings: calendarCoverageWarnings(wf.config, now, 60) };
  return coverage.warnings;
};

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
