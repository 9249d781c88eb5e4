/**
 * `GET /_local/crm` is how a person picks a record to change and then sees what workflows wrote back: the sample
 * names every record by its text name (never a lookup object), shows deal stages, and lists the newest write-backs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmSimulation, startCrmSimulation } from '../../infra/local/crm-simulators';
import { loadTenantConfig } from '../../shared/config/tenant';
import { InMemoryTokenCache } from '../../shared/crm/token-cache';
import { createZohoConnector } from '../../shared/crm/zoho/connector';

describe('the local CRM sample', () => {
  let zoho: CrmSimulation;
  let fxiaoke: CrmSimulation;

  beforeAll(async () => {
    zoho = (await startCrmSimulation(loadTenantConfig('tenants/demo-zoho.json'))) as CrmSimulation;
    fxiaoke = (await startCrmSimulation(loadTenantConfig('tenants/demo-fxiaoke.json'))) as CrmSimulation;
  });
  afterAll(async () => {
    await zoho?.stop();
    await fxiaoke?.stop();
  });

  it('names Zoho contacts by their name, not by their account lookup, and shows deal stages', () => {
    const sample = zoho.sample();
    const contacts = sample.Contacts ?? [];
    expect(contacts.length).toBeGreaterThan(0);
    for (const c of contacts) {
      expect(c.name).not.toBe('');
      expect(c.name).not.toContain('[object');
    }
    expect(sample.Deals?.every((d) => typeof d.stage === 'string' && d.stage !== '')).toBe(true);
  });

  it('lists a note written back to Zoho, newest first', async () => {
    const { zohoClientId, zohoClientSecret, zohoRefreshToken } = zoho.secrets;
    const crm = zoho.tenant.crm as { provider: 'zoho' } & typeof zoho.tenant.crm;
    const connector = createZohoConnector({
      tenantId: zoho.tenant.id,
      conn: crm,
      clientId: zohoClientId as string,
      clientSecret: zohoClientSecret as string,
      refreshToken: async () => zohoRefreshToken as string,
      cache: new InMemoryTokenCache(),
    });
    const deal = zoho.sample().Deals?.[0];
    expect(deal).toBeDefined();
    await connector.records.createNote(
      { module: 'Deals', id: deal?.id as string },
      { title: 'Won review', content: 'first' },
    );
    const noteId = await connector.records.createNote(
      { module: 'Deals', id: deal?.id as string },
      { title: '赢单复盘', content: 'second' },
    );
    expect(zoho.sample().Notes?.[0]).toEqual({ id: noteId, name: '赢单复盘' });
  });

  it('names Fxiaoke follow-up records by their content', () => {
    const records = fxiaoke.sample().ActiveRecordObj ?? [];
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.name !== '')).toBe(true);
    expect(fxiaoke.sample().NewOpportunityObj?.some((d) => d.stage !== undefined)).toBe(true);
  });
});
