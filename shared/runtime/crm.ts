/**
 * The tenant's CrmReader, built once per container from the tenant config, its secrets and the token cache in the
 * tenant's table (so every container shares one access token and one refresh budget). Generic tenants push whole
 * records and have no reader. A failed build (secrets unreachable, CRM not connected yet) is not cached: the next
 * invocation tries again.
 */
import { FxiaokeReader } from '../crm/fxiaoke/reader';
import { ZohoReader } from '../crm/zoho/reader';
import type { CrmReader } from '../sync/crm-reader';
import { clock } from './clock';
import { type CrmConnectorDeps, connectCrm, retryingOnce } from './crm-connectors';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

export type CrmReaderDeps = CrmConnectorDeps;

/** Builds the reader for any tenant config (tests call this directly with their own clients). */
export const buildCrmReader = async (deps: CrmReaderDeps): Promise<CrmReader | undefined> => {
  const c = await connectCrm(deps);
  if (!c) return undefined;
  if (c.provider === 'zoho') {
    return new ZohoReader({
      records: c.zoho.records,
      modules: c.crm.modules,
      normalize: c.normalize,
      people: c.people,
      now: c.now,
    });
  }
  return new FxiaokeReader({
    client: c.fxiaoke,
    directory: c.directory,
    normalize: c.normalize,
  });
};

/** The container's reader (undefined for generic tenants); clocks follow the runtime clock, as the local one moves. */
export const crmReader = retryingOnce(() =>
  buildCrmReader({
    tenant: runtimeEnv().tenant,
    secrets: secrets(),
    tokenTable: { doc: documentClient(), tableName: tableName() },
    now: () => clock().now(),
  }),
);
