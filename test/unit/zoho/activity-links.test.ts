/** Zoho activities and deals carry their links as canonical fields: deal, lead, contact, due date, done. */
import { describe, expect, it } from 'vitest';
import { normalizeZohoRecord } from '../../../shared/crm/zoho/normalize';

const base = { Modified_Time: '2026-10-05T10:00:00+08:00', Owner: { id: 'u1', name: '王芳' } };

describe('Zoho links', () => {
  it('reads a task on a deal with its contact, due date and status', () => {
    const { record } = normalizeZohoRecord('Tasks', {
      id: '9001',
      ...base,
      Subject: 'Send the quote',
      What_Id: { id: '5001', name: 'Northwind renewal' },
      $se_module: 'Deals',
      Who_Id: { id: '7001', name: 'Sarah' },
      Due_Date: '2026-10-08',
      Status: 'Not Started',
    });
    expect(record.fields).toEqual({ dealId: '5001', contactId: '7001', dueDate: '2026-10-08', done: false });
  });

  it('reads a call on a lead and a note on a contact (API v4 Parent_Id)', () => {
    const call = normalizeZohoRecord('Calls', {
      id: '9002',
      ...base,
      What_Id: { id: '3001' },
      $se_module: 'Leads',
    });
    expect(call.record.fields).toEqual({ leadId: '3001' });
    const note = normalizeZohoRecord('Notes', {
      id: '9003',
      ...base,
      Parent_Id: { id: '7001', module: { api_name: 'Contacts' } },
    });
    expect(note.record.fields).toEqual({ contactId: '7001' });
  });

  it('reads a deal’s contact', () => {
    const { record } = normalizeZohoRecord('Deals', {
      id: '5001',
      ...base,
      Deal_Name: 'Northwind renewal',
      Stage: 'Proposal',
      Contact_Name: { id: '7001', name: 'Sarah' },
    });
    expect(record.fields).toEqual({ contactId: '7001' });
  });
});
