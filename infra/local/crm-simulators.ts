/**
 * For tenants on Zoho CRM or Fxiaoke, `npm start` runs the matching simulator (seeded with demo data) and points the
 * tenant at it: base URLs go to the simulator, the credentials the admin's connect step would store go into the local
 * Secrets Manager, and the receiver is subscribed (Zoho: notification channels enabled through the product's own
 * watch client; Fxiaoke: the callback URL and key). `POST /_local/crm/change` then changes a record as a user would,
 * so a person can watch the change flow through.
 */

import { z } from 'zod';
import type { TenantSecrets } from '../../shared/config/secrets';
import type { TenantConfig } from '../../shared/config/tenant';
import { requireCrmSettings } from '../../shared/crm/registry';
import type { ZohoChannelRepository } from '../../shared/store/zoho-channels';

export interface CrmSimulation {
  provider: string;
  url: string;
  /** The tenant as the functions see it: CRM base URLs pointed at the simulator. */
  tenant: TenantConfig;
  secrets: Partial<TenantSecrets>;
  /** Subscribes the gateway's receiver once it listens. */
  /** `channels` records enabled Zoho channels as `quotaflow connect zoho` does, so scheduled renewal finds them. */
  connect(gatewayUrl: string, channels?: ZohoChannelRepository): Promise<void>;
  /** Changes one record (module or object name, id, field values) and delivers the notification. */
  change(target: string, id: string, values: Record<string, unknown>): Promise<unknown>;
  /** A few records per module/object, for a person choosing what to change, and the newest activities written back. */
  sample(): Record<string, SampleRecord[]>;
  /** Switches faults on for a person trying the failure modes from `npm start` (POST /_local/crm/faults). */
  faults(f: LocalFaults): void;
  /** Delivers the notifications held back by `outOfOrder`, newest first. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The faults a person can switch on in the running simulator; the same for both CRMs. Counts apply to the next
 * API calls; the flags stay until turned off.
 */
export const localFaultsSchema = z.strictObject({
  tooManyRequests: z.optional(z.int().min(0).max(100)),
  serverErrors: z.optional(z.int().min(0).max(100)),
  slowMs: z.optional(z.int().min(0).max(60_000)),
  expireTokens: z.optional(z.literal(true)),
  duplicateNotifications: z.optional(z.boolean()),
  outOfOrderNotifications: z.optional(z.boolean()),
});
export type LocalFaults = z.infer<typeof localFaultsSchema>;

export interface SampleRecord {
  id: string;
  name: string;
  /** Deals: the stage (Zoho `Stage`, Fxiaoke `sales_stage`), the field a person changes to win or lose one. */
  stage?: string;
}

export const SAMPLE_SIZE = 8;

export const sampleOf = (
  records: readonly Record<string, unknown>[],
  newest: boolean,
  pick: (r: Record<string, unknown>) => SampleRecord,
): SampleRecord[] =>
  (newest ? records.slice(-SAMPLE_SIZE).reverse() : records.slice(0, SAMPLE_SIZE)).map(pick);

export const stageOf = (v: unknown): { stage?: string } =>
  typeof v === 'string' && v !== '' ? { stage: v } : {};

/** The simulator for the tenant's CRM (its descriptor's operator tools), or undefined when it has none (generic). */
export const startCrmSimulation = async (
  tenant: TenantConfig,
  now: () => number = Date.now,
): Promise<CrmSimulation | undefined> => {
  const tools = await requireCrmSettings(tenant.crm.provider).operator?.();
  return tools?.simulate?.(tenant, now);
};
