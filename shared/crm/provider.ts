/**
 * What a CRM is to the product: one descriptor per provider (shared/crm/<provider>/), listed once in the registry
 * (shared/crm/registry.ts). Nothing outside shared/crm/ names a provider: the tenant schema, the manifest, the runtime
 * wiring, the CLI, the watchdog and the local runtime all read these descriptors.
 *
 * A descriptor comes in two layers, so that a function that only parses the tenant config does not carry a CRM
 * client in its bundle:
 * - `CrmSettings`: what is known without talking to the CRM (config schema, receivers and functions, secrets,
 *   watchdog facts, CLI hints) and, behind `operator()`, the operator-side tools (CLI connect step, local simulator),
 *   which are never bundled into a Lambda (infra/build/bundle-aliases.ts marks them external);
 * - `CrmProvider`: the settings plus `connect()`, which builds the reader, writer, scanner and users source.
 * Apart from both, `CrmWriteBack` builds the writer alone, for the functions that only write back.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CrmObject } from '../../events/records';
import type * as z from '../../events/zod';
import type { FunctionSpec } from '../../functions/manifest';
import type { TenantSecrets } from '../config/secrets';
import type { Delivery, IngestStrategy } from '../ingest/pipeline';
import type { SecretsPort } from '../ports';
import type { CrmReader } from '../sync/crm-reader';
import type { CrmScanner } from '../sync/crm-scanner';
import type { CrmActivityWriter } from '../sync/crm-writer';
import type { UserRefresh } from '../sync/reconcile';
import type { CrmOperatorTools } from './operator';

/** A provider's `crm` section of the tenant config: a strict object whose `provider` literal is the provider id. */
export type CrmConfigSchema = z.core.$ZodTypeDiscriminable & z.ZodMiniType<{ provider: string }>;

/** The tenant as a CRM descriptor sees it (the full TenantConfig would make the config schema depend on itself). */
export interface CrmTenant<C = { provider: string }> {
  id: string;
  timeZone: string;
  locale: 'zh-CN' | 'en';
  currency: string;
  crm: C;
}

type SecretName = keyof TenantSecrets;

export interface CrmSettings<S extends CrmConfigSchema = CrmConfigSchema> {
  /** The `crm.provider` value in tenants/<id>.json. */
  id: z.output<S>['provider'];
  /** How people name it ("Zoho CRM"): in errors, the CLI and mail. */
  label: string;
  config: S;
  /**
   * The provider's own functions: its webhook receivers (each a handler that runs the one ingest mechanism,
   * shared/ingest/pipeline.ts, with the provider's authentication strategy) and anything else only it needs. The
   * manifest deploys them for tenants on this CRM only.
   */
  functions: readonly FunctionSpec[];
  /** Deliveries carry ids only, so records are read back from the CRM (sync-crm, reconcile, import). */
  readsRecords: boolean;
  /** The records a workflow's CRM write-back may go to (none: the CRM takes no write-back). */
  writeBack?: { objects: readonly CrmObject[] };
  secrets: {
    /** What the admin puts into the tenant secret before the CRM works. */
    supplied: readonly SecretName[];
    /** What `quotaflow deploy` generates when absent. */
    generated?: (crm: z.output<S>) => Partial<Record<SecretName, () => string>>;
  };
  /** Watchdog facts (shared/watchdog/plan.ts). */
  watch: {
    /** Modules whose reconcile watermark should keep moving. */
    reconcileModules: (crm: z.output<S>) => string[];
    /** Subscriptions that expire and must be renewed (Zoho's notification channels). */
    channelExpiry: boolean;
  };
  /** The config pointed at another base URL (a simulator): `--crm-url` of the CLI, the local runtime. */
  withBaseUrl?: (crm: z.output<S>, url: string) => z.output<S>;
  /** The webhook URLs `quotaflow deploy` prints: label and path under the API. */
  webhooks: (crm: z.output<S>) => { label: string; path: string }[];
  /** What the admin runs after a deploy (`quotaflow connect …`, `quotaflow import …`). */
  nextSteps: (tenantId: string, crm: z.output<S>) => string[];
  /** The demo tenant (tenants/<name>.json) whose skeleton `quotaflow init --crm <id>` copies. */
  demoTenant?: string;
  /** The operator-side tools: the CLI connect step and the local simulator. Never loaded by a function. */
  operator?: () => Promise<CrmOperatorTools<z.output<S>>>;
}

/** The shared token table and the clients a connection is built with (the same on AWS, in the CLI and in tests). */
export interface CrmConnectorDeps {
  tenant: CrmTenant;
  secrets: SecretsPort;
  /** The table tokens and users are shared in: the tenant's on AWS, a local one in tests. */
  tokenTable: { doc: DynamoDBDocumentClient; tableName: string };
  now?: () => Date;
  /** Per-call patience: timeout, attempts and the longest backoff between them. */
  http?: { timeoutMs: number; attempts: number; maxBackoffMs: number };
  /** Objects to scan (default: every object the provider normalizes). */
  scanObjects?: readonly string[];
}

/** A connected CRM: what sync, reconcile, the write-backs and the CLI use, sharing one token and refresh budget. */
export interface CrmConnection {
  reader: CrmReader;
  writer: CrmActivityWriter;
  scanner: CrmScanner;
  users: UserRefresh;
}

/** What a receiver's authentication strategy is built from: the tenant, its secrets (read when needed), the time. */
export interface CrmReceiverContext<C> {
  tenant: CrmTenant<C>;
  secrets: () => Promise<TenantSecrets>;
  now: Date;
}

/** One webhook route of the CRM: the function serving it and the strategy it plugs into shared/ingest/pipeline.ts. */
export interface CrmReceiver<C> {
  /** The id of the function (in the settings' `functions`) that serves the route. */
  functionId: string;
  strategy: (ctx: CrmReceiverContext<C>) => IngestStrategy<unknown, Delivery>;
}

export interface CrmProvider<S extends CrmConfigSchema = CrmConfigSchema> extends CrmSettings<S> {
  /** The CRM's webhook routes and how each proves its sender and reads its changes. */
  receivers?: readonly CrmReceiver<z.output<S>>[];
  /** Absent: nothing to call (the generic webhook pushes whole records). */
  connect?: (deps: CrmConnectorDeps & { crm: z.output<S> }) => Promise<CrmConnection>;
}

/**
 * A CRM's write-back alone (`shared/crm/<id>/write-back.ts` exports it as `writeBack`): the writer on the same
 * token cache as the full connection, for the functions that only write back (the workflow runner, scheduled steps,
 * effect recovery), whose bundles then leave out the reader, scanner and users source. A provider without one takes
 * no write-back; a provider registered at run time writes back through its connection.
 */
export interface CrmWriteBack<C = { provider: string }> {
  /** The provider id. */
  id: string;
  connect: (deps: CrmConnectorDeps & { crm: C }) => Promise<CrmActivityWriter>;
}

/**
 * A sync call gives up after at most 3 attempts × 10 s + 2 backoffs, well inside the functions' timeouts, so a slow
 * or failing CRM ends in a thrown error naming the call (the platform retries), not in a Lambda timeout.
 */
export const DEFAULT_CRM_HTTP = { timeoutMs: 10_000, attempts: 3, maxBackoffMs: 8_000 };

/** Keeps a descriptor's literal types (its schema's output) while checking it against the interface. */
export const defineCrmSettings = <S extends CrmConfigSchema>(s: CrmSettings<S>): CrmSettings<S> => s;
export const defineCrmProvider = <S extends CrmConfigSchema>(p: CrmProvider<S>): CrmProvider<S> => p;
export const defineCrmWriteBack = <C>(w: CrmWriteBack<C>): CrmWriteBack<C> => w;

/** The tenant's `crm` section if it is this provider's, else an error naming both (a function deployed wrongly). */
export const crmConfigOf = <S extends CrmConfigSchema>(
  settings: CrmSettings<S>,
  tenant: { id: string; crm: { provider: string } },
): z.output<S> => {
  if (tenant.crm.provider !== settings.id)
    throw new Error(`tenant ${tenant.id} uses ${tenant.crm.provider}, not ${settings.label}`);
  return tenant.crm as z.output<S>;
};
