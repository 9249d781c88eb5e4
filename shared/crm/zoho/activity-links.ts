/**
 * What an activity or a deal is linked to, as canonical fields the manager digest reads (no activity on a deal or
 * its contacts, one contact only, a lead's first touch, overdue tasks):
 *   activities (Tasks, Calls, Events): `What_Id` with `$se_module` names the deal, lead or account, `Who_Id` the
 *     contact; Notes hang off `Parent_Id` (`{module: {api_name}, id}` in API v4+, else `se_module` beside it);
 *   tasks: `Due_Date` as `dueDate`, `Status` "Completed" as `done: true`;
 *   deals: the `Contact_Name` lookup as `contactId`.
 * The names are the canonical ones every source uses: a generic webhook sends them in `fields` directly.
 */
import type { ZohoRecord } from './records';

const idOf = (v: unknown): string | undefined => {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (v && typeof v === 'object') {
    const id = (v as { id?: unknown }).id;
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
};

const LINK_FIELD: Readonly<Record<string, string>> = {
  Deals: 'dealId',
  Leads: 'leadId',
  Contacts: 'contactId',
  Accounts: 'accountId',
};

const parentModule = (r: ZohoRecord): unknown => {
  const p = r.Parent_Id as { module?: { api_name?: unknown } } | undefined;
  return r.$se_module ?? p?.module?.api_name ?? r.se_module;
};

export const zohoLinkFields = (module: string, r: ZohoRecord): Record<string, string | boolean> => {
  const out: Record<string, string | boolean> = {};
  if (module === 'Deals') {
    const contact = idOf(r.Contact_Name);
    if (contact) out.contactId = contact;
    return out;
  }
  const parent = module === 'Notes' ? idOf(r.Parent_Id) : idOf(r.What_Id);
  const field = LINK_FIELD[String(parentModule(r))];
  if (parent && field) out[field] = parent;
  const who = idOf(r.Who_Id);
  if (who && !out.contactId) out.contactId = who;
  if (module === 'Tasks') {
    if (typeof r.Due_Date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r.Due_Date)) out.dueDate = r.Due_Date;
    if (typeof r.Status === 'string') out.done = r.Status === 'Completed';
  }
  return out;
};
