/**
 * The tenant's CrmReader, built once per container from the tenant config, its secrets and the token cache in the
 * tenant's table (so every container shares one access token and one refresh budget). Generic tenants push whole
 * records and have no reader. A failed build (secrets unreachable, CRM not connected yet) is not cached: the next
 * invocation tries again.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import axios from 'axios';
import { requireSecrets } from '../config/secrets';
import type { TenantConfig } from '../config/tenant';
import { FxiaokeClient } from '../crm/fxiaoke/client';
import { FxiaokeReader } from '../crm/fxiaoke/reader';
import type { FxiaokeToken } from '../crm/fxiaoke/token-cache';
import { createZohoConnector } from '../crm/zoho/connector';
import { ZohoReader } from '../crm/zoho/reader';
import type { CachedToken } from '../crm/zoho/token-cache';
import type { SecretsPort } from '../ports';
import { DynamoTokenCache } from '../store/token-cache';
import type { CrmReader } from '../sync/crm-reader';
import { clock } from './clock';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

export interface CrmReaderDeps {
  tenant: TenantConfig;
  secrets: SecretsPort;
  /** The table tokens are shared in: the tenant's on AWS, a local one in tests. */
  tokenTable: { doc: DynamoDBDocumentClient; tableName: string };
  now?: () => Date;
}

/**
 * sync-crm has 60 s. With these, one CRM call gives up after at most 3 attempts × 10 s + 2 backoffs ≤ 8 s, so a
 * slow or failing CRM usually ends in a thrown error naming the call (the bus retries it), not in a Lambda timeout.
 */
const HTTP_TIMEOUT_MS = 10_000;
const RETRY_ATTEMPTS = 3;
const MAX_BACKOFF_MS = 8_000;

/** Builds the reader for any tenant config (tests call this directly with their own clients). */
export const buildCrmReader = async (deps: CrmReaderDeps): Promise<CrmReader | undefined> => {
  const { tenant } = deps;
  const crm = tenant.crm;
  const now = deps.now ?? (() => new Date());
  if (crm.provider === 'generic') return undefined;
  const s = await deps.secrets.tenantSecrets();

  if (crm.provider === 'zoho') {
    const { zohoClientId, zohoClientSecret } = requireSecrets(
      s,
      ['zohoClientId', 'zohoClientSecret', 'zohoRefreshToken'],
      'Zoho CRM',
    );
    const connector = createZohoConnector({
      tenantId: tenant.id,
      conn: crm,
      clientId: zohoClientId,
      clientSecret: zohoClientSecret,
      // Read at refresh time, so a reconnect (new refresh token) takes effect without a cold start.
      refreshToken: async () =>
        requireSecrets(await deps.secrets.tenantSecrets(), ['zohoRefreshToken'], 'Zoho CRM').zohoRefreshToken,
      cache: new DynamoTokenCache<CachedToken>(deps.tokenTable.doc, deps.tokenTable.tableName),
      http: axios.create({ timeout: HTTP_TIMEOUT_MS }),
      now: () => now().getTime(),
      client: { retry: { attempts: RETRY_ATTEMPTS, maxMs: MAX_BACKOFF_MS } },
    });
    return new ZohoReader({
      records: connector.records,
      modules: crm.modules,
      normalize: { wonStages: crm.wonStages, lostStages: crm.lostStages, defaultCurrency: tenant.currency },
      now,
    });
  }

  const { fxiaokeAppId, fxiaokeAppSecret, fxiaokePermanentCode } = requireSecrets(
    s,
    ['fxiaokeAppId', 'fxiaokeAppSecret', 'fxiaokePermanentCode'],
    'Fxiaoke',
  );
  const client = new FxiaokeClient({
    baseUrl: crm.apiBaseUrl,
    flow: crm.authFlow,
    credentials: {
      appId: fxiaokeAppId,
      appSecret: fxiaokeAppSecret,
      permanentCode: fxiaokePermanentCode,
      userId: crm.apiUserId,
    },
    tokenCache: new DynamoTokenCache<FxiaokeToken>(deps.tokenTable.doc, deps.tokenTable.tableName),
    timeoutMs: HTTP_TIMEOUT_MS,
    retry: { attempts: RETRY_ATTEMPTS, maxDelayMs: MAX_BACKOFF_MS },
    now: () => now().getTime(),
  });
  return new FxiaokeReader({
    client,
    normalize: {
      opportunityObject: crm.opportunityObject,
      stages: { won: crm.wonStages, lost: crm.lostStages },
      timeZone: tenant.timeZone,
      currency: tenant.currency,
    },
  });
};

let pending: Promise<CrmReader | undefined> | undefined;

/** The container's reader (undefined for generic tenants); clocks follow the runtime clock, as the local one moves. */
export const crmReader = (): Promise<CrmReader | undefined> => {
  pending ??= buildCrmReader({
    tenant: runtimeEnv().tenant,
    secrets: secrets(),
    tokenTable: { doc: documentClient(), tableName: tableName() },
    now: () => clock().now(),
  }).catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
};
