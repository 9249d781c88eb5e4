/**
 * The tenant configuration: one file per tenant under tenants/, validated here before anything deploys or starts.
 * The same schema is used by the CDK app, the local runtime, the CLI and (as parsed JSON in an env var) the Lambdas.
 */
import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import * as z from '../../events/zod';
import { crmConfigSchemas, registryVersion } from '../crm/registry';
import { DomainError } from '../errors';
import { CHAT_FORMATS, CHAT_URL_PREFIXES } from '../workflows/chat-formats';
import { text } from './schema-parts';

export const TENANT_ID_PATTERN = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

// Canonical zone names are checked against ICU's list (about 1 ms); only other spellings (UTC, old aliases) fall
// back to constructing a DateTimeFormat, which loads ICU's calendar data (about 15 ms, on every Lambda cold start).
let zones: Set<string> | undefined;
const isTimeZone = (tz: string): boolean => {
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (zones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
// Read on first use: a function handed its validated config (functions/wiring/tenant-seal.ts) never asks.
let currencies: Set<string> | undefined;
const isCurrency = (code: string): boolean => {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
};

export const scheduleSettings = z.lazy(() =>
  z.strictObject({
    /** Overrides the manifest's default; checked as an AWS cron()/rate() expression by infra/tenants.ts. */
    expression: z.optional(z.string().check(z.minLength(1))),
    enabled: z._default(z.boolean(), true),
  }),
);

/**
 * zod/mini rather than classic zod: the Lambdas parse this at every cold start, and mini validates the same way
 * with a fraction of the bundle and import cost.
 */
const buildTenantSchema = () =>
  z.strictObject({
    id: z.string().check(
      z.regex(TENANT_ID_PATTERN, {
        error: 'must be 3-30 characters: lower-case letters, digits and dashes, starting with a letter',
      }),
    ),
    displayName: text(1, 100),
    timeZone: z
      .string()
      .check(z.refine(isTimeZone, { error: 'is not an IANA time zone (for example Asia/Shanghai)' })),
    locale: z.enum(['zh-CN', 'en']),
    currency: z.string().check(
      z.refine(isCurrency, {
        error: 'is not an ISO 4217 currency code (for example CNY, USD)',
      }),
    ),
    mail: z.strictObject({
      sender: z.email(),
      senderName: z.optional(text(1, 100)),
      replyTo: z.optional(z.email()),
    }),
    /** How the tenant's mail and pages look (shared/mail/layout.ts); unset: the tenant's name in a plain header. */
    branding: z.optional(
      z.strictObject({
        logoUrl: z.optional(
          z.url({ protocol: /^https$/, error: 'must be an https URL such as https://example.com/logo.png' }),
        ),
        color: z.optional(
          z
            .string()
            .check(
              z.regex(/^#[0-9a-fA-F]{6}$/, { error: 'must be a colour written #rrggbb, such as #c8102e' }),
            ),
        ),
      }),
    ),
    /**
     * The tenant API's public https base URL on a custom domain (unsubscribe links point there). Unset: the stack's
     * own HTTP API endpoint; `npm start` always uses its local address.
     */
    publicBaseUrl: z.optional(
      z.url({ protocol: /^https$/, error: 'must be an https URL such as https://api.example.com' }),
    ),
    /** The tenant's CRM: one of the registered providers' config schemas (shared/crm/registry.ts). */
    crm: z.discriminatedUnion('provider', crmConfigSchemas()),
    /** Fixed schedules by manifest schedule name; all run in timeZone. */
    schedules: z._default(z.record(z.string(), scheduleSettings), {}),
    /**
     * False for tenants that only run locally (the demos): the CDK app refuses to synthesize or deploy them unless
     * asked (`-c includeDemo=true`). A deployable tenant must name aws.account and aws.region (infra/deployability.ts).
     */
    deployable: z._default(z.boolean(), true),
    /**
     * Who hears about alarms: e-mail addresses the stack subscribes to the tenant's alarm topic, and optionally a chat
     * group's incoming webhook (Feishu, DingTalk, WeCom, Slack) that the alarm-chat function posts each alarm to.
     */
    alarms: z._default(
      z.strictObject({
        emails: z.optional(z.array(z.email()).check(z.maxLength(20))),
        chat: z.optional(
          z
            .strictObject({
              format: z.enum(CHAT_FORMATS),
              url: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
            })
            .check(
              z.refine((c) => CHAT_URL_PREFIXES[c.format].some((prefix) => c.url.startsWith(prefix)), {
                path: ['url'],
                error: (iss) => {
                  const c = iss.input as { format: keyof typeof CHAT_URL_PREFIXES };
                  return `is not a ${c.format} webhook (allowed prefixes: ${CHAT_URL_PREFIXES[c.format].join(', ')})`;
                },
              }),
            ),
        ),
      }),
      {},
    ),
    /**
     * Reserved concurrency per function class (http: webhook receivers and pages; events: bus targets; schedules:
     * fixed and one-time schedule targets). Caps what one tenant can take of the account's Lambda concurrency, and
     * guarantees it that much. Unset: the account's unreserved pool.
     */
    reservedConcurrency: z.optional(
      z.strictObject({
        http: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
        events: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
        schedules: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
      }),
    ),
    /** Where the stack is deployed: both are required to deploy (not to run locally). */
    aws: z._default(
      z.strictObject({
        account: z.optional(
          z.string().check(z.regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })),
        ),
        region: z.optional(
          z
            .string()
            .check(
              z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as eu-central-1' }),
            ),
        ),
      }),
      {},
    ),
  });

type TenantSchema = ReturnType<typeof buildTenantSchema>;

/**
 * The schema as first built, with the providers registered then: built on first use, so a function bundle that
 * takes its config as validated (functions/wiring/tenant-seal.ts) never constructs it.
 */
let first: { version: number; schema: TenantSchema } | undefined;
const firstBuilt = () => {
  first ??= { version: registryVersion(), schema: buildTenantSchema() };
  return first;
};
export const tenantSchema = (): TenantSchema => firstBuilt().schema;

/** Built at import where it is named (the CDK app, the CLI, tests); a bundle that never names it drops it. */
export const tenantConfigSchema = /* @__PURE__ */ tenantSchema();

/** The schema with every provider registered now (a provider registered after load is accepted too). */
let current: { version: number; schema: TenantSchema } | undefined;
const currentSchema = (): TenantSchema => {
  current ??= firstBuilt();
  if (current.version !== registryVersion())
    current = { version: registryVersion(), schema: buildTenantSchema() };
  return current.schema;
};

export type TenantConfig = z.infer<typeof tenantConfigSchema>;
export type TenantConfigInput = z.input<typeof tenantConfigSchema>;

export class TenantConfigError extends DomainError {
  override readonly name = 'TenantConfigError';
  constructor(
    readonly source: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(
      'invalid_config',
      `${source}: invalid tenant configuration\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}

export const formatIssuePath = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? '(root)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replace(/\.\[/g, '[');

/** Validate an already-parsed object; `source` names where it came from in every error. */
export const parseTenantConfig = (value: unknown, source: string): TenantConfig => {
  const result = currentSchema().safeParse(value);
  if (!result.success) {
    throw new TenantConfigError(
      source,
      result.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })),
    );
  }
  return result.data;
};

/** Read and validate tenants/<id>.json. The file name must match the id inside it. */
export const loadTenantConfig = (file: string): TenantConfig => {
  const shown = relative(process.cwd(), file) || file;
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TenantConfigError(shown, [
      { path: '(file)', message: `cannot be read: ${(err as Error).message}` },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new TenantConfigError(shown, [
      { path: '(file)', message: `is not valid JSON: ${(err as Error).message}` },
    ]);
  }
  const config = parseTenantConfig(json, shown);
  const expected = basename(file).replace(/\.json$/, '');
  if (expected !== config.id) {
    throw new TenantConfigError(shown, [
      { path: 'id', message: `is "${config.id}" but the file is named "${expected}.json"; they must match` },
    ]);
  }
  return config;
};
