/**
 * The container's connection to the tenant's CRM, through the registry (shared/crm/connect.ts): built once from
 * the tenant config, its secrets and the token cache in the tenant's table, so that the reader, the writer, the
 * scanner and the users source share one access token and one refresh budget. Undefined for a CRM with nothing to
 * call (the generic webhook).
 */
import { connectCrm } from '../../shared/crm/connect';
import type { CrmConnection } from '../../shared/crm/provider';
import { clock } from './clock';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

export type { CrmConnection, CrmConnectorDeps } from '../../shared/crm/provider';
export { DEFAULT_CRM_HTTP } from '../../shared/crm/provider';
export { connectCrm };

/** A per-container builder that does not cache a failed build (secrets unreachable, CRM not connected yet). */
export const retryingOnce = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
};

/** The container's connection; clocks follow the runtime clock, as the local one moves. */
export const crmConnection = retryingOnce(
  (): Promise<CrmConnection | undefined> =>
    connectCrm({
      tenant: runtimeEnv().tenant,
      secrets: secrets(),
      tokenTable: { doc: documentClient(), tableName: tableName() },
      now: () => clock().now(),
    }),
);
