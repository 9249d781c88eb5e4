/**
 * A CRM's operator-side tools, loaded only by the CLI and the local runtime (never bundled into a function:
 * infra/build/bundle-aliases.ts marks every provider's ./operator module external): the CLI `connect` step and the
 * local simulator factory.
 */
import type { CrmSimulation } from '../../infra/local/crm-simulators';
import type { TenantConfig } from '../config/tenant';

/** What `quotaflow connect <provider>` hands the provider's step. */
export interface CliConnectContext<C> {
  tenant: TenantConfig & { crm: C };
  /** The tenant secret as stored, and a way to replace it (the step adds what it obtained). */
  secret: Record<string, unknown>;
  writeSecret(next: Record<string, unknown>): Promise<void>;
  secretId: string;
  /** The tenant's table (tokens, subscription state). */
  doc: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient;
  tableName: string;
  /** The tenant API's base URL (the webhooks' host). */
  apiUrl: string;
  /** The command's options, as given (provider-specific ones included). */
  options: { code: string; redirectUri: string; accountsServer?: string };
  now: () => Date;
  /** A progress line on stderr. */
  step(text: string): void;
}

export interface CliConnectStep<C> {
  /** Checks before anything is called; messages name what is wrong. */
  check?(tenant: TenantConfig & { crm: C }): string[];
  /** Returns the result printed with --json, and the one-line summary otherwise. */
  run(ctx: CliConnectContext<C>): Promise<{ result: Record<string, unknown>; summary: string }>;
  /** A CRM error explained for the admin, or undefined to let the CLI explain it. */
  explain?(err: unknown, secretId: string): string | undefined;
}

export interface CrmOperatorTools<C> {
  /** The CLI connect step; absent when the CRM needs none (its credentials go straight into the secret). */
  connect?: CliConnectStep<C>;
  /** Starts the local simulator for `npm start` and points the tenant at it. */
  simulate?(tenant: TenantConfig & { crm: C }, now: () => number): Promise<CrmSimulation>;
}
