/**
 * Zoho data centres → accounts (OAuth) host and default API host (crm-protocols.md §1.1). The API host is only a
 * default: the token response's `api_domain` is what the account actually lives on, and a tenant may override both
 * (a proxy, the local simulator). Canada's accounts host is zohocloud.ca while its API host is zohoapis.ca.
 */
import type { ZOHO_DATA_CENTRES } from './settings';

export type ZohoDataCentre = (typeof ZOHO_DATA_CENTRES)[number];

export const ZOHO_HOSTS: Readonly<Record<ZohoDataCentre, { accountsUrl: string; apiBaseUrl: string }>> = {
  com: { accountsUrl: 'https://accounts.zoho.com', apiBaseUrl: 'https://www.zohoapis.com' },
  eu: { accountsUrl: 'https://accounts.zoho.eu', apiBaseUrl: 'https://www.zohoapis.eu' },
  in: { accountsUrl: 'https://accounts.zoho.in', apiBaseUrl: 'https://www.zohoapis.in' },
  'com.au': { accountsUrl: 'https://accounts.zoho.com.au', apiBaseUrl: 'https://www.zohoapis.com.au' },
  jp: { accountsUrl: 'https://accounts.zoho.jp', apiBaseUrl: 'https://www.zohoapis.jp' },
  'com.cn': { accountsUrl: 'https://accounts.zoho.com.cn', apiBaseUrl: 'https://www.zohoapis.com.cn' },
  'zohocloud.ca': { accountsUrl: 'https://accounts.zohocloud.ca', apiBaseUrl: 'https://www.zohoapis.ca' },
  sa: { accountsUrl: 'https://accounts.zoho.sa', apiBaseUrl: 'https://www.zohoapis.sa' },
  uk: { accountsUrl: 'https://accounts.zoho.uk', apiBaseUrl: 'https://www.zohoapis.uk' },
};

export interface ZohoHostConfig {
  dataCenter: ZohoDataCentre;
  accountsUrl?: string | undefined;
  apiBaseUrl?: string | undefined;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** The accounts server for token calls: the tenant's override, else the DC's. */
export const accountsUrlFor = (conn: ZohoHostConfig): string =>
  trimSlash(conn.accountsUrl ?? ZOHO_HOSTS[conn.dataCenter].accountsUrl);

/**
 * The API base for records calls. Precedence: tenant override, then the `api_domain` the token came with (the
 * fix for "hard-coded .com" complaints), then the DC's default.
 */
export const apiBaseUrlFor = (conn: ZohoHostConfig, tokenApiDomain?: string): string =>
  trimSlash(conn.apiBaseUrl ?? tokenApiDomain ?? ZOHO_HOSTS[conn.dataCenter].apiBaseUrl);

/**
 * The OAuth redirect names the user's accounts server (`accounts-server=`); it must be one of the known hosts, so a
 * forged redirect cannot make us send the client secret elsewhere. Returns the matching DC.
 */
export const dataCentreForAccountsServer = (accountsServer: string): ZohoDataCentre | undefined => {
  const wanted = trimSlash(accountsServer.toLowerCase());
  return (Object.keys(ZOHO_HOSTS) as ZohoDataCentre[]).find((dc) => ZOHO_HOSTS[dc].accountsUrl === wanted);
};
