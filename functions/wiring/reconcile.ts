/**
 * What the scheduled reconcile runs with, from the function's environment: the tenant's scanner, its table and its
 * bus. Built once per container; tests and the CLI assemble ReconcileDeps themselves.
 */
import { SyncStateRepository } from '../../shared/store/sync-state';
import type { ReconcileDeps } from '../../shared/sync/reconcile';
import { clock } from './clock';
import { crmScanner } from './crm-scanner';
import { domainBus } from './domain-bus';
import { runtimeEnv } from './env';
import { once } from './once';
import { documentClient, records, tableName } from './store';

const syncState = /* @__PURE__ */ once(() => new SyncStateRepository(documentClient(), tableName()));

/** Undefined for generic tenants (nothing to scan). */
export const reconcileDeps = async (): Promise<ReconcileDeps | undefined> => {
  const scanner = await crmScanner();
  if (!scanner) return undefined;
  return {
    tenantId: runtimeEnv().tenant.id,
    scanner,
    state: syncState(),
    records: records(),
    bus: domainBus(),
    now: () => clock().now(),
  };
};
