/**
 * Incentives read people and teams from the one org model (shared/org/). The plan file says who is on which plan
 * (`assignments`) and may keep its own `reps` and `teams`, which win; every rep or manager the plans need that the
 * file does not list, and every team of the org it does not list, comes from the org: the CRM users with their
 * reporting lines, completed by the goals document's `org` section (locale, teams). So a plan file need not repeat
 * the names, emails, locales or teams the CRM and the org already know.
 *
 * Applied to the plan document before it is validated, so an override component may name a team of the org (such
 * as `reports:<managerId>`, a manager's direct reports). A team of the org whose manager already leads a team of
 * the file is left out, so no manager gets two summaries of the same people.
 */
import * as z from '../../events/zod';
import { type Locale, type OrgConfig, orgConfigSchema } from '../org/config';
import { buildOrg, type Org } from '../org/model';
import type { CrmUser } from '../sync/crm-users';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (o: unknown, key: string): string | undefined =>
  isObject(o) && typeof o[key] === 'string' ? o[key] : undefined;
const email = z.email();

/** The plan document with the reps and teams it lacks taken from the org, as of the local date `on`. */
export const planDocumentWithOrg = (doc: unknown, org: Org, on: string): unknown => {
  if (!isObject(doc)) return doc; // the schema refuses it with its reason
  const fileReps = list(doc.reps);
  const fileTeams = list(doc.teams);
  const listed = new Set(fileReps.flatMap((r) => text(r, 'id') ?? []));
  const teamIds = new Set(fileTeams.flatMap((t) => text(t, 'id') ?? []));
  const leading = new Set(fileTeams.flatMap((t) => text(t, 'managerId') ?? []));
  const teams = org.teams(on).flatMap((t) => {
    if (teamIds.has(t.id) || !t.managerId || leading.has(t.managerId)) return [];
    const members = org.members(t.id, on);
    return members.length ? [{ id: t.id, managerId: t.managerId, members }] : [];
  });
  const wanted = new Set<string>();
  for (const a of list(doc.assignments)) {
    const id = text(a, 'repId');
    if (id) wanted.add(id);
  }
  for (const t of [...fileTeams, ...teams]) {
    const manager = text(t, 'managerId');
    if (manager) wanted.add(manager);
    for (const m of list(isObject(t) ? t.members : undefined)) if (typeof m === 'string') wanted.add(m);
  }
  const reps = [...wanted]
    .filter((id) => !listed.has(id))
    .sort()
    .flatMap((id) => {
      const p = org.person(id);
      if (!p) return [];
      // A CRM address the plan schema would refuse is left out (no statement mail) rather than refusing the plans.
      const mail = p.email && email.safeParse(p.email).success ? { email: p.email } : {};
      return [{ id, name: (p.name.trim() || id).slice(0, 200), locale: p.locale, ...mail }];
    });
  if (!reps.length && !teams.length) return doc;
  return { ...doc, reps: [...fileReps, ...reps], teams: [...fileTeams, ...teams] };
};

/** The goals document's `org` section (people's locale and zone, teams), or the defaults without one. */
export const orgConfigOf = (goalsDocument: unknown): OrgConfig =>
  orgConfigSchema.parse(isObject(goalsDocument) ? (goalsDocument.org ?? {}) : {});

/** The org incentives read: CRM users and the org section, without the plan file (whose own entries win anyway). */
export const orgForPlans = (
  users: readonly CrmUser[],
  tenant: { timeZone: string; locale: Locale },
  goalsDocument: unknown,
): Org => buildOrg({ users, tenant, config: orgConfigOf(goalsDocument) });
