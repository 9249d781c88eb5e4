/**
 * Zoho CRM users (`GET /users?type=AllUsers`, scope ZohoCRM.users.READ): id, name, email, status, role, the
 * manager (`reporting_to`) and territories, 200 a page. One call for most orgs, so reconcile refreshes them every
 * run. Inactive and deleted users are kept (records they own still need a manager).
 */
import * as z from '../../../events/zod';
import type { CrmUser, CrmUserSource } from '../../sync/crm-users';
import type { ZohoClient } from './client';
import { ZohoApiError } from './errors';

const ref = z.lazy(() => z.nullish(z.looseObject({ id: z.coerce.string(), name: z.nullish(z.string()) })));
const userSchema = z.lazy(() =>
  z.looseObject({
    id: z.coerce.string(),
    full_name: z.nullish(z.string()),
    email: z.nullish(z.string()),
    status: z.nullish(z.string()),
    role: ref,
    reporting_to: ref,
    territories: z.nullish(z.array(z.looseObject({ id: z.coerce.string(), name: z.nullish(z.string()) }))),
  }),
);
const usersResponse = z.lazy(() =>
  z.looseObject({
    users: z.array(userSchema),
    info: z.optional(z.looseObject({ more_records: z.optional(z.boolean()) })),
  }),
);

const PER_PAGE = 200;
/** A guard against a server that always says more_records (100,000 users is beyond any CRM org). */
const MAX_PAGES = 500;

export const zohoUser = (u: z.infer<typeof userSchema>): CrmUser => {
  const territories = (u.territories ?? []).flatMap((t) => (t.name ? [t.name] : []));
  return {
    id: u.id,
    ...(u.full_name ? { name: u.full_name } : {}),
    ...(u.email ? { email: u.email } : {}),
    active: u.status === 'active',
    ...(u.reporting_to?.id ? { managerId: u.reporting_to.id } : {}),
    ...(u.role?.name ? { role: u.role.name } : {}),
    ...(territories[0] ? { team: territories[0] } : {}),
    ...(territories.length ? { territories } : {}),
  };
};

export class ZohoUsers implements CrmUserSource {
  constructor(private readonly client: Pick<ZohoClient, 'send'>) {}

  async listUsers(): Promise<CrmUser[]> {
    const out: CrmUser[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await this.client.send({
        kind: 'get',
        method: 'GET',
        path: '/users',
        query: { type: 'AllUsers', page, per_page: PER_PAGE },
      });
      if (res.data === undefined) return out;
      const body = usersResponse.safeParse(res.data);
      if (!body.success) {
        throw new ZohoApiError(200, 'UNEXPECTED_RESPONSE', body.error.message, undefined, 'GET /users');
      }
      out.push(...body.data.users.map(zohoUser));
      if (!body.data.info?.more_records) return out;
    }
    throw new ZohoApiError(
      200,
      'UNEXPECTED_RESPONSE',
      `more than ${MAX_PAGES} pages of users`,
      undefined,
      'GET /users',
    );
  }
}
