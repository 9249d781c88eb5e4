/**
 * Per-tenant field mapping (crm.fields): validated in the tenant config with the problem named, applied by both
 * normalizers under the canonical names, and asked for by the Zoho scanner (lists name every field they return).
 */
import { describe, expect, it } from 'vitest';
import { parseTenantConfig, TenantConfigError } from '../../../shared/config/tenant';
import { MAX_MAPPED_FIELDS } from '../../../shared/crm/field-map';
import { normalizeFxiaokeRecord } from '../../../shared/crm/fxiaoke/normalize';
import { normalizeZohoRecord } from '../../../shared/crm/zoho/normalize';
import { ZohoScanner } from '../../../shared/crm/zoho/scanner';

const tenant = (crm: Record<string, unknown>) => ({
  id: 'acme',
  displayName: 'Acme',
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN',
  currency: 'CNY',
  mail: { sender: 'noreply@example.com' },
  crm,
});
const problems = (crm: Record<string, unknown>): string[] => {
  try {
    parseTenantConfig(tenant(crm), 'test');
  } catch (err) {
    if (err instanceof TenantConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
};

describe('crm.fields in the tenant config', () => {
  it('accepts a mapping per object for both CRMs and defaults to none', () => {
    const zoho = parseTenantConfig(
      tenant({
        provider: 'zoho',
        dataCenter: 'com',
        fields: { deal: { Lead_Source: 'leadSource', Region__c: 'region' } },
      }),
      'test',
    );
    expect(zoho.crm.provider === 'zoho' && zoho.crm.fields).toEqual({
      deal: { Lead_Source: 'leadSource', Region__c: 'region' },
    });
    const fx = parseTenantConfig(tenant({ provider: 'fxiaoke', apiUserId: '1000' }), 'test');
    expect(fx.crm.provider === 'fxiaoke' && fx.crm.fields).toEqual({});
  });

  it('names what is wrong: unknown object, bad source or target name, a reserved or duplicate target, too many', () => {
    const zoho = (fields: unknown) => problems({ provider: 'zoho', dataCenter: 'com', fields });
    expect(zoho({ opportunity: { Stage: 'stage' } }).join()).toContain('crm.fields');
    expect(zoho({ deal: { 'Lead Source': 'leadSource' } }).join()).toContain('must be a Zoho field API name');
    expect(zoho({ deal: { Lead_Source: 'Lead Source' } }).join()).toContain(
      'maps Lead_Source to "Lead Source"',
    );
    expect(zoho({ lead: { Converted__s: 'converted' } }).join()).toContain('"converted" is reserved');
    expect(zoho({ deal: { A: 'x', B: 'x' } }).join()).toContain('maps both A and B to "x"');
    const many = Object.fromEntries(
      Array.from({ length: MAX_MAPPED_FIELDS + 1 }, (_, i) => [`F${i}`, `f${i}`]),
    );
    expect(zoho({ deal: many }).join()).toContain(`at most ${MAX_MAPPED_FIELDS}`);
    expect(
      problems({ provider: 'fxiaoke', apiUserId: '1', fields: { deal: { 'field-x': 'x' } } }).join(),
    ).toContain('must be a Fxiaoke field API name');
  });
});

describe('mapped fields in records', () => {
  it('Zoho: copied under their canonical names, lookups as their display name, other objects untouched', () => {
    const fieldMap = { deal: { Lead_Source: 'leadSource', Account_Name: 'account', Missing__c: 'missing' } };
    const deal = {
      id: '1',
      Deal_Name: 'A',
      Stage: 'Qualification',
      Lead_Source: 'Trade Show',
      Account_Name: { name: '上海华通', id: '9' },
      Modified_Time: '2026-03-02T09:00:00+08:00',
    };
    expect(normalizeZohoRecord('Deals', deal, { fieldMap }).record.fields).toEqual({
      leadSource: 'Trade Show',
      account: '上海华通',
    });
    const lead = { id: '2', Last_Name: 'Li', Lead_Source: 'Web', Modified_Time: '2026-03-02T09:00:00+08:00' };
    expect(normalizeZohoRecord('Leads', lead, { fieldMap }).record.fields).toEqual({});
  });

  it('Zoho: the scanner asks for the mapped fields of the module’s object', () => {
    const scanner = new ZohoScanner({
      client: { send: async () => ({ status: 204, data: undefined, headers: {} }) },
      records: { deleted: async () => [] },
      modules: ['Deals', 'Leads'],
      normalize: { fieldMap: { deal: { Lead_Source: 'leadSource' } } },
    });
    expect(scanner.fieldsFor('Deals')).toContain('Lead_Source');
    expect(scanner.fieldsFor('Leads')).not.toContain('Lead_Source');
  });

  it('Fxiaoke: copied under their canonical names, one-element lists as their element', () => {
    const n = normalizeFxiaokeRecord(
      'NewOpportunityObj',
      {
        _id: 'o1',
        name: 'X',
        last_modified_time: 1772409600123,
        field_region__c: '华东',
        field_tier__c: ['gold'],
        sales_stage: '3',
      },
      {
        opportunityObject: 'NewOpportunityObj',
        stages: { won: ['5'], lost: ['6'] },
        timeZone: 'Asia/Shanghai',
        fieldMap: { deal: { field_region__c: 'region', field_tier__c: 'tier' } },
      },
    );
    expect(n.record.fields).toEqual({ fxiaokeObject: 'NewOpportunityObj', region: '华东', tier: 'gold' });
  });
});
