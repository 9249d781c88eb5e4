/**
 * One place that assembles the Zoho connector for a tenant from its `zoho` connection and secrets: OAuth against
 * the DC's (or overridden) accounts server, a client that follows api_domain, records and watch on top. The runtime
 * builds this once per container (clients are reused across invocations), with a shared TokenCache.
 */
import type { HttpClient } from '../http';
import type { TokenCache } from '../token-cache';
import { ZohoClient, type ZohoClientOptions } from './client';
import { accountsUrlFor, type ZohoHostConfig } from './hosts';
import type { CachedToken } from './oauth';
import { ZohoOAuth } from './oauth';
import { ZohoRecords } from './records';
import { ZohoWatch } from './watch';

export interface ZohoConnectorOptions {
  tenantId: string;
  conn: ZohoHostConfig;
  clientId: string;
  clientSecret: string;
  refreshToken: () => Promise<string>;
  cache: TokenCache<CachedToken>;
  http?: HttpClient;
  now?: () => number;
  client?: Omit<ZohoClientOptions, 'conn' | 'oauth' | 'http'>;
}

/** What a write-back needs: OAuth, the client and the records API (./write-back.ts). */
export interface ZohoApi {
  oauth: ZohoOAuth;
  client: ZohoClient;
  records: ZohoRecords;
}

export interface ZohoConnector extends ZohoApi {
  watch: ZohoWatch;
}

export const createZohoApi = (o: ZohoConnectorOptions): ZohoApi => {
  const oauth = new ZohoOAuth({
    accountsUrl: accountsUrlFor(o.conn),
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    refreshToken: o.refreshToken,
    cache: o.cache,
    cacheKey: `zoho#${o.tenantId}`,
    ...(o.http ? { http: o.http } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  const client = new ZohoClient({ ...o.client, conn: o.conn, oauth, ...(o.http ? { http: o.http } : {}) });
  return { oauth, client, records: new ZohoRecords(client) };
};

export const createZohoConnector = (o: ZohoConnectorOptions): ZohoConnector => {
  const api = createZohoApi(o);
  const now = o.now;
  return { ...api, watch: new ZohoWatch(api.client, now ? () => new Date(now()) : undefined) };
};
