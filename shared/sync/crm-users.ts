/**
 * CRM users (reps and their managers) as Quotaflow keeps them: who reports to whom, their role and team, so that an
 * owner id on any record leads to the owner's manager and the manager's email. Sources: Zoho `GET /users`
 * (shared/crm/zoho/users.ts), Fxiaoke PersonnelObj (shared/crm/fxiaoke/users.ts); store: shared/store/users.ts.
 * The scheduled reconcile refreshes them before it scans records.
 */

export interface CrmUser {
  /** The CRM's user id: what records carry as their owner id. */
  id: string;
  name?: string;
  email?: string;
  /** Deactivated users stay, so records they still own keep a manager. */
  active: boolean;
  /** The user's manager (Zoho `reporting_to`, Fxiaoke `leader`). */
  managerId?: string;
  /** Zoho role, Fxiaoke position. */
  role?: string;
  /** Zoho: the first territory; Fxiaoke: the main department. */
  team?: string;
  territories?: string[];
}

export interface CrmUserSource {
  /** Every user the CRM reports, active or not. */
  listUsers(): Promise<CrmUser[]>;
}

/** What normalization attaches to an owner: name, email and the manager's email. */
export interface OwnerDetails {
  name?: string;
  email?: string;
  managerEmail?: string;
}

/** Owner id → details, with each user's manager resolved through the same list. */
export const ownerDirectory = (users: readonly CrmUser[]): Record<string, OwnerDetails> => {
  const byId = new Map(users.map((u) => [u.id, u]));
  const out: Record<string, OwnerDetails> = {};
  for (const u of users) {
    const manager = u.managerId ? byId.get(u.managerId) : undefined;
    out[u.id] = {
      ...(u.name ? { name: u.name } : {}),
      ...(u.email ? { email: u.email } : {}),
      ...(manager?.email ? { managerEmail: manager.email } : {}),
    };
  }
  return out;
};
