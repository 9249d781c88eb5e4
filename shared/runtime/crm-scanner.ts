/**
 * The tenant's CrmScanner, built from the tenant config, its secrets and the token cache in the tenant's table (so
 * the scheduled reconcile, sync-crm and the CLI share one access token and one refresh budget). It assembles the
 * connector as shared/runtime/crm.ts does for the reader; that file builds the connector privately, so the few
 * lines of assembly are repeated here rather than the HTTP code (see the report: one builder for both would do).
 */
import axios from 'axios';
import { requireSecrets } from '../config/secrets';
import { FxiaokeClient } from '../crm/fxiaoke/client';
import { FxiaokeScanner } from '../crm/fxiaoke/scanner';
import type { FxiaokeToken } from '../crm/fxiaoke/token-cache';
import { createZohoConnector } from '../crm/zoho/connector';
import { ZohoScanner } from '../crm/zoho/scanner';
import type { CachedToken } from '../crm/zoho/token-cache';
import { DynamoTokenCache } from '../store/token-cache';
import type { CrmScanner } from '../sync/crm-scanner';
import { clock } from './clock';
import type { CrmReaderDeps } from './crm';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

export interface CrmScannerDeps extends CrmReaderDeps {
  /**
   * Per-call patience. The scheduled reconcile keeps the reader's (a call gives up within seconds, the next run
   * resumes); an operator's long import can afford to wait out a burst of 429s instead of stopping.
   */
  http?: { timeoutMs: number; attempts: number; maxBackoffMs: number };
  /** Fxiaoke objects to scan (default: every object Quotaflow normalizes). */
  fxiaokeObjects?: readonly string[];
}

const DEFAULT_HTTP = { timeoutMs: 10_000, attempts: 3, maxBackoffMs: 8_000 };

/** Undefined for generic tenants: they push whole records and have nothing to scan. */
export const buildCrmScanner = async (deps: CrmScannerDeps): Promise<CrmScanner | undefined> => {
  const { tenant } = deps;
  const crm = tenant.crm;
  const now = deps.now ?? (() => new Date());
  const http = deps.http ?? DEFAULT_HTTP;
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
      refreshToken: async () =>
        requireSecrets(await deps.secrets.tenantSecrets(), ['zohoRefreshToken'], 'Zoho CRM').zohoRefreshToken,
      cache: new DynamoTokenCache<CachedToken>(deps.tokenTable.doc, deps.tokenTable.tableName),
      http: axios.create({ timeout: http.timeoutMs }),
      now: () => now().getTime(),
      client: { retry: { attempts: http.attempts, maxMs: http.maxBackoffMs } },
    });
    return new ZohoScanner({
      client: connector.client,
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
    timeoutMs: http.timeoutMs,
    retry: { attempts: http.attempts, maxDelayMs: http.maxBackoffMs },
    now: () => now().getTime(),
  });
  return new FxiaokeScanner({
    client,
    normalize: {
      opportunityObject: crm.opportunityObject,
      stages: { won: crm.wonStages, lost: crm.lostStages },
      timeZone: tenant.timeZone,
      currency: tenant.currency,
    },
    ...(deps.fxiaokeObjects ? { objects: deps.fxiaokeObjects } : {}),
  });
};

let pending: Promise<CrmScanner | undefined> | undefined;

/** The container's scanner; a failed build (secrets unreachable, CRM not connected) is retried next invocation. */
export const crmScanner = (): Promise<CrmScanner | undefined> => {
  pending ??= buildCrmScanner({
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
