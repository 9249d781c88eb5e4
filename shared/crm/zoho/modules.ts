/**
 * Which canonical object a Zoho module's records are. Its own file so that the webhook receivers, which only need
 * this, do not load the record normalizer (./normalize.ts) and its decimal arithmetic at every cold start.
 */
import type { CrmObject } from '../../../events';

/** Default module → canonical object; custom modules need an entry in options. */
export const ZOHO_MODULE_OBJECTS: Readonly<Record<string, CrmObject>> = {
  Deals: 'deal',
  Leads: 'lead',
  Contacts: 'contact',
  Accounts: 'account',
  Tasks: 'activity',
  Calls: 'activity',
  Events: 'activity',
  Notes: 'activity',
};

export const objectForModule = (
  module: string,
  opts: { moduleObjects?: Readonly<Record<string, CrmObject>> } = {},
): CrmObject | undefined => (opts.moduleObjects ?? ZOHO_MODULE_OBJECTS)[module];
