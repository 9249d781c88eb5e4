/**
 * One assembly of a tenant's CRM connector (Zoho or Fxiaoke) from its config, its secrets and the token cache in
 * the tenant's table, so that every container (sync, reconcile, the CLI) shares one access token and one refresh
 * budget. The reader (runtime/crm.ts) and the scanner (runtime/crm-scanner.ts) are built on top of it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import axios from 'axios';
import { requireSecrets } from '../config/secrets';
import type { TenantConfig } from '../config/tenant';
import { FxiaokeClient } from '../crm/fxiaoke/client';
import type { NormalizeOptions as FxiaokeNormalizeOptions } from '../crm/fxiaoke/normalize';
import { FxiaokeDirectory } from '../crm/fxiaoke/people';
import type { FxiaokeToken } from '../crm/fxiaoke/token-cache';
import { FxiaokeUsers } from '../crm/fxiaoke/users';
import { createZohoConnector, type ZohoConnector } from '../crm/zoho/connector';
import type { ZohoNormalizeOptions } from '../crm/zoho/normalize';
import type { CachedToken } from '../crm/zoho/token-cache';
import { ZohoUsers } from '../crm/zoho/users';
import type { SecretsPort } from '../ports';
import { DynamoTokenCache } from '../store/token-cache';
import { UserRepository } from '../store/users';
import { type CrmUserSource, type OwnerDetails, ownerDirectory } from '../sync/crm-users';

export interface CrmConnectorDeps {
  tenant: TenantConfig;
  secrets: SecretsPort;
  /** The table tokens are shared in: the tenant's on AWS, a local one in tests. */
  tokenTable: { doc: DynamoDBDocumentClient; tableName: string };
  now?: () => Date;
  /** Per-call patience: timeout, attempts and the longest backoff between them. */
  http?: { timeoutMs: number; attempts: number; maxBackoffMs: number };
}

/**
 * A sync call gives up after at most 3 attempts × 10 s + 2 backoffs, well inside the functions' timeouts, so a slow
 * or failing CRM ends in a thrown error naming the call (the platform retries), not in a Lambda timeout.
 */
export const DEFAULT_CRM_HTTP = { timeoutMs: 10_000, attempts: 3, maxBackoffMs: 8_000 };

type ZohoCrm = Extract<TenantConfig['crm'], { provider: 'zoho' }>;
type FxiaokeCrm = Extract<TenantConfig['crm'], { provider: 'fxiaoke' }>;

/** A connected CRM with what the reader and the scanner both need: the client, the clock, the normalization. */
export type CrmConnection =
  | {
      provider: 'zoho';
      tenant: TenantConfig;
      crm: ZohoCrm;
      now: () => Date;
      zoho: ZohoConnector;
      normalize: ZohoNormalizeOptions;
      users: CrmUserSource;
      userStore: UserRepository;
      /** Owner id → owner and manager emails from the stored users, re-read at most every few minutes. */
      people: () => Promise<Readonly<Record<string, OwnerDetails>>>;
    }
  | {
      provider: 'fxiaoke';
      tenant: TenantConfig;
      crm: FxiaokeCrm;
      now: () => Date;
      fxiaoke: FxiaokeClient;
      /** Shared by reader and scanner, so owners looked up once serve both. */
      directory: FxiaokeDirectory;
      normalize: FxiaokeNormalizeOptions;
      users: CrmUserSource;
      userStore: UserRepository;
    };

/** Undefined for generic tenants: they push whole records and have no CRM to call. */
export const connectCrm = async (deps: CrmConnectorDeps): Promise<CrmConnection | undefined> => {
  const { tenant } = deps;
  const crm = tenant.crm;
  const now = deps.now ?? (() => new Date());
  const http = deps.http ?? DEFAULT_CRM_HTTP;
  if (crm.provider === 'generic') return undefined;
  const s = await deps.secrets.tenantSecrets();

  if (crm.provider === 'zoho') {
    const { zohoClientId, zohoClientSecret } = requireSecrets(
      s,
      ['zohoClientId', 'zohoClientSecret', 'zohoRefreshToken'],
      'Zoho CRM',
    );
    const zoho = createZohoConnector({
      tenantId: tenant.id,
      conn: crm,
      clientId: zohoClientId,
      clientSecret: zohoClientSecret,
      // Read at refresh time, so a reconnect (new refresh token) takes effect without a cold start.
      refreshToken: async () =>
        requireSecrets(await deps.secrets.tenantSecrets(), ['zohoRefreshToken'], 'Zoho CRM').zohoRefreshToken,
      cache: new DynamoTokenCache<CachedToken>(deps.tokenTable.doc, deps.tokenTable.tableName),
      http: axios.create({ timeout: http.timeoutMs }),
      now: () => now().getTime(),
      client: { retry: { attempts: http.attempts, maxMs: http.maxBackoffMs } },
    });
    const normalize = {
      wonStages: crm.wonStages,
      lostStages: crm.lostStages,
      defaultCurrency: tenant.currency,
      fieldMap: crm.fields,
    };
    const userStore = new UserRepository(deps.tokenTable.doc, deps.tokenTable.tableName);
    const people = cachedFor(PEOPLE_TTL_MS, now, async () => ownerDirectory(await userStore.all()));
    return {
      provider: 'zoho',
      tenant,
      crm,
      now,
      zoho,
      normalize,
      users: new ZohoUsers(zoho.client),
      userStore,
      people,
    };
  }

  const { fxiaokeAppId, fxiaokeAppSecret, fxiaokePermanentCode } = requireSecrets(
    s,
    ['fxiaokeAppId', 'fxiaokeAppSecret', 'fxiaokePermanentCode'],
    'Fxiaoke',
  );
  const fxiaoke = new FxiaokeClient({
    baseUrl: crm.apiBaseUrl,
    flow: crm.authFlow,
    credentials: {
      appId: fxiaokeAppId,
      appSecret: fxiaokeAppSecret,
      permanentCode: fxiaokePermanentCode,
      userId: crm.apiUserId,
    },
    tokenCache: new DynamoTokenCache<FxiaokeToken>(deps.tokenTable.doc, deps.tokenTable.tableName),
    timeoutMs: http.timeoutMs,
    retry: { attempts: http.attempts, maxDelayMs: http.maxBackoffMs },
    now: () => now().getTime(),
  });
  const normalize = {
    opportunityObject: crm.opportunityObject,
    stages: { won: crm.wonStages, lost: crm.lostStages },
    timeZone: tenant.timeZone,
    currency: tenant.currency,
    fieldMap: crm.fields,
  };
  const directory = new FxiaokeDirectory(fxiaoke, () => now().getTime());
  const users = new FxiaokeUsers(fxiaoke);
  const userStore = new UserRepository(deps.tokenTable.doc, deps.tokenTable.tableName);
  return { provider: 'fxiaoke', tenant, crm, now, fxiaoke, directory, normalize, users, userStore };
};

/** Stored users change when reconcile runs (every 15 minutes by default): a few minutes' staleness is harmless. */
const PEOPLE_TTL_MS = 5 * 60_000;

/** `load` at most once per `ttlMs` (on the given clock); a failed load is not kept. */
const cachedFor = <T>(ttlMs: number, now: () => Date, load: () => Promise<T>): (() => Promise<T>) => {
  let value: { at: number; pending: Promise<T> } | undefined;
  return () => {
    const t = now().getTime();
    if (!value || t - value.at >= ttlMs) {
      const pending = load().catch((err: unknown) => {
        value = undefined;
        throw err;
      });
      value = { at: t, pending };
    }
    return value.pending;
  };
};

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
