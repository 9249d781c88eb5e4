/**
 * Per-tenant documents too large for a Lambda environment variable (4 KB in all): the workflow definitions, the
 * incentive plans and the goals, kept as `tenants/<kind>/<tenant>.json`. A function that declares `documents` in the manifest gets
 * the file inside its bundle (infra/constructs/function.ts copies it there and sets QUOTAFLOW_<KIND>_FILE); the local
 * runtime points the same variable at the repository file. Each is read and parsed once per container.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codedError } from '../../shared/errors';
import { runtimeEnv } from './env';
import { DOCUMENT_ENV } from './env-names';

export const TENANT_DOCUMENT_KINDS = ['workflows', 'incentives', 'goals'] as const;
export type TenantDocumentKind = (typeof TENANT_DOCUMENT_KINDS)[number];

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** Where a tenant's document lives in the repository (the CLI, the CDK app and the local runtime read it here). */
export const tenantDocumentPath = (kind: TenantDocumentKind, tenantId: string, root = REPO_ROOT): string =>
  join(root, 'tenants', kind, `${tenantId}.json`);

/** The variable naming the document's file inside a function ("QUOTAFLOW_WORKFLOWS_FILE"). */
export const documentEnvVar = (kind: TenantDocumentKind): string => DOCUMENT_ENV[kind];

/** The file name a document gets inside a Lambda bundle. */
export const bundledDocumentName = (kind: TenantDocumentKind): string => `${kind}.json`;

export class TenantDocumentError extends codedError('invalid_config') {
  override readonly name = 'TenantDocumentError';
}

/** By kind and file: in the local runtime a function without the document has no file, and must not see it. */
const cache = new Map<string, unknown>();

/**
 * The tenant's document as parsed JSON, or undefined when the tenant has none (the variable is unset). Validation is
 * the caller's: each kind has its own schema. A file that is named but unreadable or not JSON fails the cold start.
 */
export const loadTenantDocument = (kind: TenantDocumentKind): unknown => {
  const file = runtimeEnv().documents[kind];
  const key = `${kind}:${file ?? ''}`;
  if (cache.has(key)) return cache.get(key);
  let value: unknown;
  if (file) {
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TenantDocumentError(`${kind} document ${file} cannot be read: ${(err as Error).message}`);
    }
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new TenantDocumentError(`${kind} document ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  cache.set(key, value);
  return value;
};

/** The tenant's documents that exist in the repository, as the env a function would get (the local runtime). */
export const localDocumentEnv = (tenantId: string, root = REPO_ROOT): Record<string, string> =>
  Object.fromEntries(
    TENANT_DOCUMENT_KINDS.map((k) => [k, tenantDocumentPath(k, tenantId, root)] as const)
      .filter(([, file]) => existsSync(file))
      .map(([k, file]) => [documentEnvVar(k), file]),
  );

/** Tests reset the per-container cache between tenants. */
export const forgetTenantDocuments = (): void => cache.clear();
