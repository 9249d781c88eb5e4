/**
 * The tenant's CrmActivityWriter, built once per container on the same connector assembly as the reader and the
 * scanner (runtime/crm-connectors.ts), so write-backs share the tenant's one access token and refresh budget.
 * Generic tenants have no CRM to write to. A failed build (secrets unreachable, CRM not connected yet) is not
 * cached: the next invocation tries again.
 */
import { FxiaokeActivityWriter } from '../crm/fxiaoke/writer';
import { ZohoActivityWriter } from '../crm/zoho/writer';
import type { CrmActivityWriter } from '../sync/crm-writer';
import { clock } from './clock';
import { type CrmConnectorDeps, connectCrm, retryingOnce } from './crm-connectors';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

export type CrmWriterDeps = CrmConnectorDeps;

/** Builds the writer for any tenant config (tests call this directly with their own clients). */
export const buildCrmWriter = async (deps: CrmWriterDeps): Promise<CrmActivityWriter | undefined> => {
  const c = await connectCrm(deps);
  if (!c) return undefined;
  if (c.provider === 'zoho') {
    return new ZohoActivityWriter({
      records: c.zoho.records,
      apiVersion: c.zoho.client.apiVersion,
      timeZone: c.tenant.timeZone,
      ...(c.crm.activityKeyField ? { activityKeyField: c.crm.activityKeyField } : {}),
      now: c.now,
    });
  }
  return new FxiaokeActivityWriter({
    client: c.fxiaoke,
    opportunityObject: c.crm.opportunityObject,
    locale: c.tenant.locale,
    ...(c.crm.activityKeyField ? { activityKeyField: c.crm.activityKeyField } : {}),
  });
};

/** The container's writer (undefined for generic tenants). */
export const crmWriter = retryingOnce(() =>
  buildCrmWriter({
    tenant: runtimeEnv().tenant,
    secrets: secrets(),
    tokenTable: { doc: documentClient(), tableName: tableName() },
    now: () => clock().now(),
  }),
);
