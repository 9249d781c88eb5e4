/**
 * The function runtime's configuration, parsed once at cold start. Nothing else in the code reads process.env;
 * the AWS SDK itself still reads its standard variables (region, credentials, AWS_ENDPOINT_URL_<SERVICE>), which
 * is how the local runtime points the very same clients at its local servers.
 */

import type * as core from 'zod/v4/core';
import * as z from '../../events/zod';
import { type TenantConfig, tenantConfigSchema } from '../config/tenant';
import { codedError } from '../errors';

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

const envSchema = z.object({
  QUOTAFLOW_TENANT: json(tenantConfigSchema),
  TABLE_NAME: name(3),
  EVENT_BUS_NAME: name(),
  SECRET_ID: name(),
  SES_CONFIGURATION_SET: name(),
  SCHEDULE_GROUP_NAME: name(),
  SCHEDULE_TARGET_ARN: name(),
  SCHEDULE_ROLE_ARN: name(),
  SCHEDULE_DLQ_ARN: name(),
  PUBLIC_BASE_URL: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  QUOTAFLOW_WORKFLOWS_FILE: name(),
  /** Local runtime only: chat webhook posts go to its stand-in instead of the provider. */
  CHAT_WEBHOOK_ENDPOINT_OVERRIDE: name(),
  QUOTAFLOW_INCENTIVES_FILE: name(),
  QUOTAFLOW_GOALS_FILE: name(),
});

export interface RuntimeEnv {
  tenant: TenantConfig;
  tableName?: string;
  eventBusName?: string;
  secretId?: string;
  sesConfigurationSet?: string;
  scheduler?: { groupName: string; targetArn: string; roleArn: string; deadLetterArn?: string };
  /** Where the tenant API is reached from outside (unsubscribe links); set for functions that send mail. */
  publicBaseUrl?: string;
  /** Files of the tenant documents shipped with the function (shared/runtime/documents.ts). */
  documents: { workflows?: string; incentives?: string; goals?: string };
  chatEndpointOverride?: string;
}

export class RuntimeEnvError extends codedError('invalid_config') {
  override readonly name = 'RuntimeEnvError';
}

export const parseRuntimeEnv = (env: Record<string, string | undefined>): RuntimeEnv => {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new RuntimeEnvError(`invalid function environment\n${lines.join('\n')}`);
  }
  const e = result.data;
  const scheduler =
    e.SCHEDULE_GROUP_NAME && e.SCHEDULE_TARGET_ARN && e.SCHEDULE_ROLE_ARN
      ? {
          groupName: e.SCHEDULE_GROUP_NAME,
          targetArn: e.SCHEDULE_TARGET_ARN,
          roleArn: e.SCHEDULE_ROLE_ARN,
          ...(e.SCHEDULE_DLQ_ARN ? { deadLetterArn: e.SCHEDULE_DLQ_ARN } : {}),
        }
      : undefined;
  return {
    tenant: e.QUOTAFLOW_TENANT,
    ...(e.TABLE_NAME ? { tableName: e.TABLE_NAME } : {}),
    ...(e.EVENT_BUS_NAME ? { eventBusName: e.EVENT_BUS_NAME } : {}),
    ...(e.SECRET_ID ? { secretId: e.SECRET_ID } : {}),
    ...(e.SES_CONFIGURATION_SET ? { sesConfigurationSet: e.SES_CONFIGURATION_SET } : {}),
    ...(scheduler ? { scheduler } : {}),
    ...(e.PUBLIC_BASE_URL ? { publicBaseUrl: e.PUBLIC_BASE_URL } : {}),
    ...(e.CHAT_WEBHOOK_ENDPOINT_OVERRIDE ? { chatEndpointOverride: e.CHAT_WEBHOOK_ENDPOINT_OVERRIDE } : {}),
    documents: {
      ...(e.QUOTAFLOW_WORKFLOWS_FILE ? { workflows: e.QUOTAFLOW_WORKFLOWS_FILE } : {}),
      ...(e.QUOTAFLOW_INCENTIVES_FILE ? { incentives: e.QUOTAFLOW_INCENTIVES_FILE } : {}),
      ...(e.QUOTAFLOW_GOALS_FILE ? { goals: e.QUOTAFLOW_GOALS_FILE } : {}),
    },
  };
};

let cached: RuntimeEnv | undefined;
/** The process's env, parsed on first use; a missing setting fails the cold start with its name. */
export const runtimeEnv = (): RuntimeEnv => {
  cached ??= parseRuntimeEnv(process.env);
  return cached;
};

export const required = <T>(value: T | undefined, name: string): T => {
  if (value === undefined)
    throw new RuntimeEnvError(
      `this function was deployed without ${name}; check its access in functions/manifest.ts`,
    );
  return value;
};
