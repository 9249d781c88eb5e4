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

export interface ZohoConnector {
  oauth: ZohoOAuth;
  client: ZohoClient;
  records: ZohoRecords;
  watch: ZohoWatch;
}

export const createZohoConnector = (o: ZohoConnectorOptions): ZohoConnector => {
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
  const now = o.now;
  return {
    oauth,
    client,
    records: new ZohoRecords(client),
    watch: new ZohoWatch(client, now ? () => new Date(now()) : undefined),
  };
};
