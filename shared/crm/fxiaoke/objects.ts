/**
 * Which Fxiaoke objects Quotaflow syncs, as canonical objects. A tenant uses one of the two opportunity objects
 * (Opportunity 2.0 `NewOpportunityObj` or the older `OpportunityObj`); it is part of the tenant's crm settings.
 */
import type { CrmObject } from '../../../events';

export type OpportunityObject = 'NewOpportunityObj' | 'OpportunityObj';

const FIXED: Readonly<Record<string, CrmObject>> = {
  LeadsObj: 'lead',
  ContactObj: 'contact',
  AccountObj: 'account',
  ActiveRecordObj: 'activity',
};

export const canonicalObjectFor = (
  apiName: string,
  opportunityObject: OpportunityObject,
): CrmObject | undefined => (apiName === opportunityObject ? 'deal' : FIXED[apiName]);

/** The reverse, for sync: which Fxiaoke object to fetch for a stored receipt. */
export const fxiaokeObjectFor = (object: CrmObject, opportunityObject: OpportunityObject): string => {
  if (object === 'deal') return opportunityObject;
  const found = Object.entries(FIXED).find(([, o]) => o === object);
  if (!found) throw new Error(`no Fxiaoke object for ${object}`);
  return found[0];
};

/** The objects reconcile scans and the watchdog watches: the opportunity object the tenant uses and the rest. */
export const defaultFxiaokeObjects = (opportunityObject: string): string[] => [
  opportunityObject,
  'AccountObj',
  'ContactObj',
  'LeadsObj',
  'ActiveRecordObj',
];
