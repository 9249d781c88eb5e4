/**
 * The function runtime's configuration, parsed once at cold start. Nothing else in the code reads process.env;
 * the AWS SDK itself still reads its standard variables (region, credentials, AWS_ENDPOINT_URL_<SERVICE>), which
 * is how the local runtime points the very same clients at its local servers.
 */

import type * as core from 'zod/v4/core';
import * as z from '../../events/zod';
import { type TenantConfig, tenantSchema } from '../../shared/config/tenant';
import { codedError } from '../../shared/errors';
import { DOCUMENT_DIGEST_ENV, DOCUMENT_ENV, ENV } from './env-names';
import { once } from './once';
import { functionScope } from './scope';
import { isSealedTenant } from './tenant-seal';

const json = <S extends core.$ZodType>(schema: S) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((raw: string, ctx) => {
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'is not valid JSON', input: raw });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );

const name = (min = 1) => z.optional(z.string().check(z.minLength(min)));

/**
 * The environment's schema around the tenant's: built on first use, in the form the environment calls for. The
 * names share one schema (zod schemas are immutable): a dozen fewer to build at every cold start.
 */
const envSchema = <T extends core.$ZodType>(tenant: T) => {
  const named = name();
  return z.object({
    [ENV.tenant]: tenant,
    [ENV.tableName]: name(3),
    [ENV.eventBusName]: named,
    [ENV.secretId]: named,
    [ENV.sesConfigurationSet]: named,
    [ENV.scheduleGroupName]: named,
    [ENV.scheduleTargetArn]: named,
    [ENV.scheduleRoleArn]: named,
    [ENV.scheduleDlqArn]: named,
    [ENV.publicBaseUrl]: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
    [ENV.chatEndpointOverride]: named,
    ...Object.fromEntries(
      [...Object.values(DOCUMENT_ENV), ...Object.values(DOCUMENT_DIGEST_ENV)].map((n) => [n, named] as const),
    ),
  });
};

type Settings = Omit<z.output<ReturnType<typeof envSchema<z.ZodMiniString>>>, typeof ENV.tenant>;
let unsealed:
  | ReturnType<typeof envSchema<ReturnType<typeof json<ReturnType<typeof tenantSchema>>>>>
  | undefined;
let sealed: ReturnType<typeof envSchema<z.ZodMiniString>> | undefined;

export interface RuntimeEnv {
  tenant: TenantConfig;
  tableName?: string;
  eventBusName?: string;
  secretId?: string;
  sesConfigurationSet?: string;
  scheduler?: { groupName: string; targetArn: string; roleArn: string; deadLetterArn?: string };
  /** Where the tenant API is reached from outside (unsubscribe links); set for functions that send mail. */
  publicBaseUrl?: string;
  /** Files of the tenant documents shipped with the function (functions/wiring/documents.ts). */
  documents: ByKind;
  /** Their SHA-256 as the stack validated them: a file that still has it is taken as validated. */
  documentDigests: ByKind;
  chatEndpointOverride?: string;
}

type ByKind = Partial<Record<keyof typeof DOCUMENT_ENV, string>>;

/** The documents' variables that are set, by kind. */
const byKind = (names: Record<keyof typeof DOCUMENT_ENV, string>, env: Record<string, unknown>): ByKind =>
  Object.fromEntries(
    Object.entries(names).flatMap(([kind, name]) => (env[name] ? [[kind, env[name] as string]] : [])),
  );

export class RuntimeEnvError extends codedError('invalid_config') {
  override readonly name = 'RuntimeEnvError';
}

/**
 * The tenant config as the stack validated it (its digest matches: JSON.parse alone, tenant-seal.ts), else validated
 * here in full; the other variables always are.
 */
const parseEnv = (env: Record<string, string | undefined>) => {
  if (isSealedTenant(env[ENV.tenant], env[ENV.tenantDigest])) {
    sealed ??= envSchema(z.string());
    const result = sealed.safeParse(env);
    return result.success
      ? {
          ...result,
          tenant: JSON.parse(result.data[ENV.tenant]) as TenantConfig,
          data: result.data as Settings,
        }
      : result;
  }
  unsealed ??= envSchema(json(tenantSchema()));
  const result = unsealed.safeParse(env);
  return result.success
    ? { ...result, tenant: result.data[ENV.tenant], data: result.data as Settings }
    : result;
};

export const parseRuntimeEnv = (env: Record<string, string | undefined>): RuntimeEnv => {
  const result = parseEnv(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new RuntimeEnvError(`invalid function environment\n${lines.join('\n')}`);
  }
  const e = result.data;
  const groupName = e[ENV.scheduleGroupName];
  const targetArn = e[ENV.scheduleTargetArn];
  const roleArn = e[ENV.scheduleRoleArn];
  const deadLetterArn = e[ENV.scheduleDlqArn];
  const scheduler =
    groupName && targetArn && roleArn
      ? { groupName, targetArn, roleArn, ...(deadLetterArn ? { deadLetterArn } : {}) }
      : undefined;
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value ? { [key]: value } : {}) as Partial<Record<K, V>>;
  return {
    tenant: result.tenant,
    ...optional('tableName', e[ENV.tableName]),
    ...optional('eventBusName', e[ENV.eventBusName]),
    ...optional('secretId', e[ENV.secretId]),
    ...optional('sesConfigurationSet', e[ENV.sesConfigurationSet]),
    ...optional('scheduler', scheduler),
    ...optional('publicBaseUrl', e[ENV.publicBaseUrl]),
    ...optional('chatEndpointOverride', e[ENV.chatEndpointOverride]),
    documents: byKind(DOCUMENT_ENV, e),
    documentDigests: byKind(DOCUMENT_DIGEST_ENV, e),
  };
};

/**
 * The function's env, parsed on first use; a missing setting fails the cold start with its name. On Lambda that is
 * the process's env; in the local runtime, the env of the function scope the code runs in (scope.ts).
 */
export const runtimeEnv = /* @__PURE__ */ once(
  (): RuntimeEnv => parseRuntimeEnv(functionScope()?.env ?? process.env),
);

export const required = <T>(value: T | undefined, name: string): T => {
  if (value === undefined)
    throw new RuntimeEnvError(
      `this function was deployed without ${name}; check its access in functions/manifest.ts`,
    );
  return value;
};
