/**
 * Fxiaoke users: the employee directory PersonnelObj (user_id, name, email, `leader` for the manager, `position`,
 * `main_department`), read whole with keyset paging, since reconcile refreshes it as a set. Employees marked
 * stopped (`status` "stop" [I]) or invalidated stay, as inactive.
 */
import type { CrmUser, CrmUserSource } from '../../sync/crm-users';
import type { FxiaokeClient } from './client';

const text = (v: unknown): string | undefined => {
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' && one.trim() ? one.trim() : undefined;
};

export const fxiaokeUser = (p: Record<string, unknown>): CrmUser | undefined => {
  const id = text(p.user_id);
  if (!id) return undefined;
  const name = text(p.name);
  const email = text(p.email);
  const managerId = text(p.leader);
  const role = text(p.position);
  const team = text(p.main_department);
  const inactive = p.life_status === 'invalid' || p.is_deleted === true || p.status === 'stop';
  return {
    id,
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    active: !inactive,
    ...(managerId ? { managerId } : {}),
    ...(role ? { role } : {}),
    ...(team ? { team } : {}),
  };
};

export class FxiaokeUsers implements CrmUserSource {
  constructor(private readonly client: Pick<FxiaokeClient, 'modifiedSince'>) {}

  async listUsers(): Promise<CrmUser[]> {
    const out: CrmUser[] = [];
    for await (const page of this.client.modifiedSince('PersonnelObj', 0)) {
      for (const p of page) {
        const u = fxiaokeUser(p);
        if (u) out.push(u);
      }
    }
    return out;
  }
}
