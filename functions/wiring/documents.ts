/**
 * Per-tenant documents too large for a Lambda environment variable (4 KB in all): the workflow definitions, the
 * incentive plans and the goals, kept as `tenants/<kind>/<tenant>.json`. A function that declares `documents` in the
 * manifest gets the document inside its bundle (infra/constructs/function.ts copies it there and sets
 * QUOTAFLOW_<KIND>_FILE); the local runtime points the same variable at a copy made the same way. Each is read and
 * parsed once per container.
 *
 * What is shipped is the document as its validation gives it back (defaults filled in, date-holidays calendars
 * resolved: infra/documents.ts), with its SHA-256 in QUOTAFLOW_<KIND>_DIGEST. A file that still has that digest is
 * taken as validated: the first invocation compiles it without building and running its schemas again (about
 * 20–40 ms a document). Any other file is validated in full, with the same errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codedError } from '../../shared/errors';
import { runtimeEnv } from './env';
import { DOCUMENT_DIGEST_ENV, DOCUMENT_ENV } from './env-names';
import { tenantDigest } from './tenant-seal';

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
const cache = new Map<string, { value: unknown; validated: boolean }>();

const read = (kind: TenantDocumentKind): { value: unknown; validated: boolean } => {
  const env = runtimeEnv();
  const file = env.documents[kind];
  const key = `${kind}:${file ?? ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let entry = { value: undefined as unknown, validated: false };
  if (file) {
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TenantDocumentError(`${kind} document ${file} cannot be read: ${(err as Error).message}`);
    }
    try {
      entry = { value: JSON.parse(raw), validated: false };
    } catch (err) {
      throw new TenantDocumentError(`${kind} document ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const digest = env.documentDigests[kind];
    entry.validated = digest !== undefined && tenantDigest(raw) === digest;
  }
  cache.set(key, entry);
  return entry;
};

/**
 * The tenant's document as parsed JSON, or undefined when the tenant has none (the variable is unset). Validation is
 * the caller's: each kind has its own schema. A file that is named but unreadable or not JSON fails the cold start.
 */
export const loadTenantDocument = (kind: TenantDocumentKind): unknown => read(kind).value;

/** True when the document is exactly what the stack validated (its digest matched): its parse may skip checking. */
export const isValidatedDocument = (kind: TenantDocumentKind): boolean => read(kind).validated;

/** The variable holding the digest of the document a function ships ("QUOTAFLOW_WORKFLOWS_DIGEST"). */
export const documentDigestEnvVar = (kind: TenantDocumentKind): string => DOCUMENT_DIGEST_ENV[kind];

/**
 * The tenant's documents that exist in the repository, as the env a function would get (the local runtime): `ship`
 * makes the copy a function is given and its digest (infra/documents.ts, as the stack does).
 */
export const localDocumentEnv = (
  tenantId: string,
  ship: (kind: TenantDocumentKind, file: string) => { file: string; digest: string },
  root = REPO_ROOT,
): Record<string, string> =>
  Object.fromEntries(
    TENANT_DOCUMENT_KINDS.map((k) => [k, tenantDocumentPath(k, tenantId, root)] as const)
      .filter(([, file]) => existsSync(file))
      .flatMap(([k, file]) => {
        const shipped = ship(k, file);
        return [
          [documentEnvVar(k), shipped.file],
          [documentDigestEnvVar(k), shipped.digest],
        ];
      }),
  );

/** Tests reset the per-container cache between tenants. */
export const forgetTenantDocuments = (): void => cache.clear();
