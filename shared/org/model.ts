/**
 * One model of the tenant's organisation, read by goals, incentives and manager digests: people, who reports to
 * whom, and teams, each as of a date.
 *
 * Where each fact comes from, first source wins:
 *   - a person's id, name, email, manager and active flag: the CRM users (shared/sync/crm-users.ts), with the org
 *     config's `people` entry filling in or correcting; zone, locale and calendar: the org config, else the tenant's;
 *   - teams: the org config's `teams`; then the incentive plan file's `teams` (plans written before the org model);
 *     then, unless turned off, one team per manager of their direct reports, with id `reports:<managerId>`;
 *   - people the CRM does not list (a plan's rep who left the CRM) come from the plan file's `reps`.
 * So nothing has to be typed twice: a plan file can keep its own `reps`/`teams` (buildOrg's `plan` input), which
 * win for pay; the reps and teams it does not list, the incentive engine takes from this model
 * (incentives/org.ts); goals and digests see the same people through it.
 */
import type { CrmUser } from '../sync/crm-users';
import type { Locale, OrgConfig, TeamConfig } from './config';

export interface Person {
  /** The CRM owner id: what records carry as `owner.id`. */
  id: string;
  name: string;
  email?: string;
  locale: Locale;
  timeZone: string;
  /** A calendar id; resolved by whoever holds the calendars (goals/document.ts). */
  calendar: string;
  managerId?: string;
  active: boolean;
}

export interface Team {
  id: string;
  name: string;
  managerId?: string;
  /** Where the team comes from, for explanations. */
  source: 'config' | 'plan' | 'direct-reports';
  /** Member ids with the local dates they belong (inclusive, open ends undefined). */
  members: readonly { id: string; from?: string; to?: string }[];
  from?: string;
  to?: string;
}

/** The plan file's own reps and teams (shared/incentives/plan.ts), as far as the org model reads them. */
export interface PlanPeople {
  reps: readonly { id: string; name?: string; locale: Locale; email?: string }[];
  teams: readonly { id: string; managerId: string; members: readonly string[] }[];
}

export interface OrgInput {
  users: readonly CrmUser[];
  tenant: { timeZone: string; locale: Locale };
  config: OrgConfig;
  plan?: PlanPeople;
}

const within = (span: { from?: string; to?: string }, date: string) =>
  (span.from === undefined || span.from <= date) && (span.to === undefined || date <= span.to);

export class Org {
  private readonly people = new Map<string, Person>();
  private readonly teamList: Team[];

  constructor(people: Iterable<Person>, teams: Team[]) {
    for (const p of people) this.people.set(p.id, p);
    this.teamList = teams.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  person(id: string): Person | undefined {
    return this.people.get(id);
  }

  /** Every person, active or not, by id. */
  everyone(): Person[] {
    return [...this.people.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  team(id: string): Team | undefined {
    return this.teamList.find((t) => t.id === id);
  }

  /** Every team, whatever its dates (incremental goal progress feeds a team's totals by membership windows). */
  allTeams(): Team[] {
    return [...this.teamList];
  }

  /** Teams in force on the local date. */
  teams(on: string): Team[] {
    return this.teamList.filter((t) => within(t, on));
  }

  /** Members of the team on the local date (none when the team is not in force then). */
  members(teamId: string, on: string): string[] {
    const team = this.team(teamId);
    if (!team || !within(team, on)) return [];
    return [...new Set(team.members.filter((m) => within(m, on)).map((m) => m.id))].sort();
  }

  /** Members of the team on any day of the local date range: who contributes to the team in a period. */
  membersDuring(teamId: string, from: string, to: string): string[] {
    const team = this.team(teamId);
    if (!team) return [];
    const overlaps = (s: { from?: string; to?: string }) =>
      (s.from === undefined || s.from <= to) && (s.to === undefined || from <= s.to);
    if (!overlaps(team)) return [];
    return [...new Set(team.members.filter(overlaps).map((m) => m.id))].sort();
  }

  teamsOf(personId: string, on: string): Team[] {
    return this.teams(on).filter((t) => this.members(t.id, on).includes(personId));
  }

  directReports(managerId: string): Person[] {
    return this.everyone().filter((p) => p.managerId === managerId && p.active);
  }

  /** People who belong to some team on the date: the reps goals apply to by default. */
  teamMembers(on: string): string[] {
    return [...new Set(this.teams(on).flatMap((t) => this.members(t.id, on)))].sort();
  }
}

const membersOf = (
  t: TeamConfig,
  users: readonly CrmUser[],
): { id: string; from?: string; to?: string }[] => {
  if (t.members) return t.members.map((m) => (typeof m === 'string' ? { id: m } : m));
  return users.filter((u) => u.managerId === t.managerId && u.active).map((u) => ({ id: u.id }));
};

/** The org from CRM users, the tenant, the org config and (optionally) an incentive plan file's reps and teams. */
export const buildOrg = ({ users, tenant, config, plan }: OrgInput): Org => {
  const people = new Map<string, Person>();
  const planRep = new Map(plan?.reps.map((r) => [r.id, r]) ?? []);
  const ids = new Set([...users.map((u) => u.id), ...planRep.keys(), ...Object.keys(config.people)]);
  const user = new Map(users.map((u) => [u.id, u]));
  for (const id of ids) {
    const u = user.get(id);
    const r = planRep.get(id);
    const c = config.people[id] ?? {};
    const email = c.email ?? u?.email ?? r?.email;
    const managerId = u?.managerId;
    people.set(id, {
      id,
      name: c.name ?? u?.name ?? r?.name ?? id,
      ...(email ? { email } : {}),
      locale: c.locale ?? r?.locale ?? tenant.locale,
      timeZone: c.timeZone ?? tenant.timeZone,
      calendar: c.calendar ?? config.calendar,
      ...(managerId ? { managerId } : {}),
      active: u?.active ?? true,
    });
  }

  const teams: Team[] = Object.entries(config.teams).map(([id, t]) => ({
    id,
    name: t.name,
    source: 'config',
    members: membersOf(t, users),
    ...(t.managerId ? { managerId: t.managerId } : {}),
    ...(t.from ? { from: t.from } : {}),
    ...(t.to ? { to: t.to } : {}),
  }));
  const taken = new Set(teams.map((t) => t.id));
  for (const t of plan?.teams ?? []) {
    if (taken.has(t.id)) continue;
    taken.add(t.id);
    teams.push({
      id: t.id,
      name: t.id,
      source: 'plan',
      managerId: t.managerId,
      members: t.members.map((id) => ({ id })),
    });
  }
  if (config.directReportTeams) {
    const led = new Set(teams.map((t) => t.managerId).filter((m) => m !== undefined));
    const managers = new Set(users.filter((u) => u.active && u.managerId).map((u) => u.managerId as string));
    for (const managerId of managers) {
      if (led.has(managerId)) continue;
      const manager = people.get(managerId);
      teams.push({
        id: `reports:${managerId}`,
        name: manager ? manager.name : managerId,
        source: 'direct-reports',
        managerId,
        members: users.filter((u) => u.active && u.managerId === managerId).map((u) => ({ id: u.id })),
      });
    }
  }
  return new Org(people.values(), teams);
};
