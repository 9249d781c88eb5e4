/**
 * Whom a goal is for, as progress sees it on a day: each rep the goal names (or its teams' members, or every team
 * member), each team with its members over their membership, or the tenant with everyone; each owner with the
 * zone and business calendar its pace is counted on. Read from the one org model.
 */
import type { Org, Person } from '../org/model';
import type { BusinessCalendar } from '../workflows/calendar';
import type { Goal } from './definition';
import type { CompiledGoals } from './validate';

export interface Owner {
  kind: Goal['owner'];
  id: string;
  name: string;
  timeZone: string;
  calendar: BusinessCalendar;
  /** Whose records count, each over which local dates (team members by their membership). */
  contributors: { id: string; from?: string; to?: string }[];
}

export interface OwnerQuery {
  /** The tenant's local date the org is read on. */
  today: string;
  person?: string;
  team?: string;
}

export class GoalOwners {
  constructor(
    private readonly goals: CompiledGoals,
    private readonly org: Org,
    private readonly tenant: { id: string; timeZone: string },
  ) {}

  person(id: string, kind: Goal['owner'] = 'rep'): Owner {
    const p: Person | undefined = this.org.person(id);
    return {
      kind,
      id,
      name: p?.name ?? id,
      timeZone: p?.timeZone ?? this.tenant.timeZone,
      calendar: this.goals.calendar(p?.calendar ?? this.goals.doc.org.calendar),
      contributors: [{ id }],
    };
  }

  /** Who the goal is for, narrowed to the query's person or team. */
  of(goal: Goal, q: OwnerQuery): Owner[] {
    const { today } = q;
    if (goal.owner === 'rep') {
      let ids =
        goal.people ??
        (goal.teams ? goal.teams.flatMap((t) => this.org.members(t, today)) : this.org.teamMembers(today));
      if (q.person) ids = ids.filter((id) => id === q.person);
      if (q.team) ids = ids.filter((id) => this.org.members(q.team as string, today).includes(id));
      return [...new Set(ids)].sort().map((id) => this.person(id));
    }
    if (q.person) return [];
    if (goal.owner === 'team') {
      const ids = (goal.teams ?? this.org.teams(today).map((t) => t.id)).filter(
        (t) => !q.team || t === q.team,
      );
      return ids.flatMap((id) => {
        const team = this.org.team(id);
        if (!team) return [];
        const manager = team.managerId ? this.person(team.managerId) : undefined;
        return [
          {
            kind: 'team' as const,
            id,
            name: team.name,
            timeZone: manager?.timeZone ?? this.tenant.timeZone,
            calendar: manager?.calendar ?? this.goals.calendar(this.goals.doc.org.calendar),
            contributors: [...team.members],
          },
        ];
      });
    }
    if (q.team) return [];
    return [
      {
        kind: 'tenant',
        id: this.tenant.id,
        name: this.tenant.id,
        timeZone: this.tenant.timeZone,
        calendar: this.goals.calendar(this.goals.doc.org.calendar),
        contributors: this.org.everyone().map((p) => ({ id: p.id })),
      },
    ];
  }
}
