import { describe, expect, it } from 'vitest';
import {
  dealStatus,
  normalizeZohoRecord,
  ZohoNormalizeError,
  zohoAmount,
} from '../../../shared/crm/zoho/normalize';

// Shaped as the records API returns a deal (crm-protocols.md §1.3), in a +08:00 user's time zone.
const deal = {
  id: '5725767000000524157',
  Deal_Name: '上海华通科技 ERP 采购',
  Stage: 'Closed Won',
  Amount: 1234567.89,
  Closing_Date: '2026-03-31',
  Owner: { name: '王伟', id: '5725767000000411002', email: 'wang.wei@example.cn' },
  Account_Name: { name: '上海华通科技有限公司', id: '5725767000000400001' },
  Modified_Time: '2026-03-02T09:15:30+08:00',
  Probability: 100,
};

describe('normalizeZohoRecord', () => {
  it('maps a won deal with exact amount, UTC modification time and owner', () => {
    const { object, record } = normalizeZohoRecord('Deals', deal, {
      defaultCurrency: 'CNY',
      extraFields: ['Account_Name', 'Probability'],
    });
    expect(object).toBe('deal');
    expect(record).toEqual({
      id: '5725767000000524157',
      modifiedAt: '2026-03-02T01:15:30.000Z',
      owner: { id: '5725767000000411002', name: '王伟', email: 'wang.wei@example.cn' },
      name: '上海华通科技 ERP 采购',
      stage: 'Closed Won',
      status: 'won',
      amount: '1234567.89',
      currency: 'CNY',
      closeDate: '2026-03-31',
      fields: { Account_Name: '上海华通科技有限公司', Probability: 100 },
    });
  });

  it('carries Created_Time as createdAt (UTC), and none when Zoho sends none', () => {
    const { record } = normalizeZohoRecord('Deals', { ...deal, Created_Time: '2026-03-01T00:30:00+08:00' });
    expect(record.createdAt).toBe('2026-02-28T16:30:00.000Z');
    expect(normalizeZohoRecord('Deals', deal).record.createdAt).toBeUndefined();
  });

  it('maps stages to status through the configured won/lost values', () => {
    expect(dealStatus('Closed Lost')).toBe('lost');
    expect(dealStatus('Negotiation/Review')).toBe('open');
    expect(dealStatus('赢单', { wonStages: ['赢单'], lostStages: ['输单'] })).toBe('won');
    expect(dealStatus('输单', { wonStages: ['赢单'], lostStages: ['输单'] })).toBe('lost');
  });

  it('keeps amounts exact and refuses what a decimal string cannot hold', () => {
    expect(zohoAmount(0.1)).toBe('0.1');
    expect(zohoAmount(12500)).toBe('12500');
    expect(zohoAmount('99.995')).toBe('99.995');
    expect(zohoAmount(null)).toBeUndefined();
    expect(() => zohoAmount(1e16)).toThrow(ZohoNormalizeError);
  });

  it('uses the record Currency in multi-currency orgs and drops invalid emails', () => {
    const { record } = normalizeZohoRecord('Deals', {
      ...deal,
      Currency: 'USD',
      Owner: { id: '1', email: 'nope' },
    });
    expect(record.currency).toBe('USD');
    expect(record.owner).toEqual({ id: '1' });
  });

  it('names leads and contacts from Full_Name or first and last name', () => {
    const lead = {
      id: '1',
      Modified_Time: '2026-03-02T09:00:00+08:00',
      First_Name: 'Olivia',
      Last_Name: 'Smith',
    };
    expect(normalizeZohoRecord('Leads', lead).record.name).toBe('Olivia Smith');
    expect(normalizeZohoRecord('Contacts', { ...lead, Full_Name: '刘伟' }).record.name).toBe('刘伟');
  });

  it('rejects records without a usable Modified_Time and unknown modules', () => {
    expect(() => normalizeZohoRecord('Deals', { id: '1' })).toThrow(/Modified_Time/);
    expect(() => normalizeZohoRecord('Vendors', { id: '1', Modified_Time: deal.Modified_Time })).toThrow(
      /Vendors/,
    );
  });
});
