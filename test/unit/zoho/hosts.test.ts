import { describe, expect, it } from 'vitest';
import {
  accountsUrlFor,
  apiBaseUrlFor,
  dataCentreForAccountsServer,
  ZOHO_HOSTS,
} from '../../../shared/crm/zoho/hosts';
import { ZOHO_DATA_CENTRES } from '../../../shared/crm/zoho/settings';

// crm-protocols.md §1.1, row by row.
const EXPECTED: Record<string, [string, string]> = {
  com: ['https://accounts.zoho.com', 'https://www.zohoapis.com'],
  eu: ['https://accounts.zoho.eu', 'https://www.zohoapis.eu'],
  in: ['https://accounts.zoho.in', 'https://www.zohoapis.in'],
  'com.au': ['https://accounts.zoho.com.au', 'https://www.zohoapis.com.au'],
  jp: ['https://accounts.zoho.jp', 'https://www.zohoapis.jp'],
  'com.cn': ['https://accounts.zoho.com.cn', 'https://www.zohoapis.com.cn'],
  'zohocloud.ca': ['https://accounts.zohocloud.ca', 'https://www.zohoapis.ca'],
  sa: ['https://accounts.zoho.sa', 'https://www.zohoapis.sa'],
  uk: ['https://accounts.zoho.uk', 'https://www.zohoapis.uk'],
};

describe('Zoho data centres', () => {
  it('covers exactly the data centres the tenant config accepts', () => {
    expect(Object.keys(ZOHO_HOSTS).sort()).toEqual([...ZOHO_DATA_CENTRES].sort());
  });

  it.each(ZOHO_DATA_CENTRES)('%s maps to the documented accounts and API hosts', (dc) => {
    const [accounts, api] = EXPECTED[dc] ?? [];
    expect(accountsUrlFor({ dataCenter: dc })).toBe(accounts);
    expect(apiBaseUrlFor({ dataCenter: dc })).toBe(api);
    expect(dataCentreForAccountsServer(`${accounts}/`)).toBe(dc);
  });

  it('Canada is zohocloud.ca for accounts but zohoapis.ca for the API (the n8n mislabel)', () => {
    expect(ZOHO_HOSTS['zohocloud.ca']).toEqual({
      accountsUrl: 'https://accounts.zohocloud.ca',
      apiBaseUrl: 'https://www.zohoapis.ca',
    });
  });

  it("prefers the tenant override, then the token's api_domain, then the DC default", () => {
    expect(apiBaseUrlFor({ dataCenter: 'com' }, 'https://www.zohoapis.eu')).toBe('https://www.zohoapis.eu');
    expect(
      apiBaseUrlFor({ dataCenter: 'com', apiBaseUrl: 'http://127.0.0.1:9/' }, 'https://www.zohoapis.eu'),
    ).toBe('http://127.0.0.1:9');
    expect(accountsUrlFor({ dataCenter: 'eu', accountsUrl: 'http://127.0.0.1:9' })).toBe(
      'http://127.0.0.1:9',
    );
  });

  it('does not recognise a look-alike accounts server', () => {
    expect(dataCentreForAccountsServer('https://accounts.zoho.com.evil.example')).toBeUndefined();
    expect(dataCentreForAccountsServer('http://accounts.zoho.com')).toBeUndefined();
  });
});
