/**
 * The goals document, parsed, checked across fields and compiled once: calendars ready to count business days,
 * filters compiled with the workflow condition compiler (so a filter means exactly what it means in a workflow,
 * and an unknown field is refused the same way). Every problem is reported at its path; nothing half-valid is used.
 */
import { formatIssuePath } from '../config/tenant';
import { DomainError } from '../errors';
import { type BusinessCalendar, compileCalendar, DEFAULT_CALENDAR, isTimeZone } from '../workflows/calendar';
import { compileCondition } from '../workflows/conditions';
import type { Check } from '../workflows/fields';
import { type Goal, type GoalsDocument, goalsDocumentSchema, METRICS } from './definition';

export interface Problem {
  path: string;
  message: string;
}

export class GoalsConfigError extends DomainError {
  override readonly name = 'GoalsConfigError';
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    super(
      'invalid_config',
      `${source}: invalid goals\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}

export interface CompiledGoals {
  doc: GoalsDocument;
  calendar(id: string): BusinessCalendar;
  /** The goal's filter: undefined when the record counts, else why not. */
  filter(goalId: string): Check;
  goal(id: string): Goal | undefined;
}

const crossCheck = (doc: GoalsDocument, filters: Map<string, Check>): Problem[] => {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const calendarKnown = (c: string) => c === 'default' || Object.hasOwn(doc.calendars, c);
  const calendarsNamed = `calendars: ${['default', ...Object.keys(doc.calendars)].join(', ')}`;
  if (!calendarKnown(doc.org.calendar))
    add('org.calendar', `"${doc.org.calendar}" is not one of the ${calendarsNamed}`);
  for (const [id, p] of Object.entries(doc.org.people)) {
    if (p.calendar !== undefined && !calendarKnown(p.calendar))
      add(`org.people.${id}.calendar`, `"${p.calendar}" is not one of the ${calendarsNamed}`);
    if (p.timeZone !== undefined && !isTimeZone(p.timeZone))
      add(`org.people.${id}.timeZone`, 'is not an IANA time zone (for example Asia/Shanghai)');
  }
  for (const [id, t] of Object.entries(doc.org.teams)) {
    if (!t.members && !t.managerId)
      add(`org.teams.${id}`, 'needs members or a managerId (whose reports are the team)');
    if (t.from && t.to && t.from > t.to) add(`org.teams.${id}.to`, `is before from (${t.from})`);
  }
  const byId = new Map<string, Goal>();
  doc.goals.forEach((g, i) => {
    const at = `goals[${i}]`;
    if (byId.has(g.id)) add(`${at}.id`, `"${g.id}" is used by an earlier goal`);
    byId.set(g.id, g);
  });
  doc.goals.forEach((g, i) => {
    const at = `goals[${i}]`;
    if (g.owner !== 'rep' && g.people)
      add(`${at}.people`, `only a rep goal names people (this goal is a ${g.owner} goal)`);
    if (g.owner === 'tenant' && g.teams)
      add(`${at}.teams`, 'a tenant goal covers everyone; it names no teams');
    if (g.metric.activityTypes && g.metric.type !== 'activities')
      add(`${at}.metric.activityTypes`, 'only the activities metric counts by type');
    if (g.baseline && g.period.kind === 'range')
      add(
        `${at}.baseline`,
        'last_period needs a month, quarter or year period (a from–to goal has no last period)',
      );
    if (g.curve === 'history' && g.period.kind === 'range')
      add(
        `${at}.curve`,
        'history needs a month, quarter or year period (a from–to goal has no earlier periods)',
      );
    if (g.curve === 'history' && METRICS[g.metric.type].direction === 'lower')
      add(`${at}.curve`, `${g.metric.type} is a ceiling, not a sum that grows over the period: linear only`);
    if (g.period.kind === 'range' && g.period.from > g.period.to)
      add(`${at}.period.to`, `is before from (${g.period.from})`);
    const t = g.target;
    if (t.source === 'incentive_quota') {
      if (g.owner !== 'rep') add(`${at}.target.source`, 'incentive_quota is a rep’s quota: rep goals only');
      if (g.period.kind === 'range')
        add(`${at}.target.source`, 'incentive_quota needs a month, quarter or year period');
      if (g.metric.type !== 'won_amount')
        add(`${at}.target.source`, 'incentive_quota is an amount: won_amount only');
    }
    if (t.source !== 'incentive_quota' && t.membersGoal && METRICS[g.metric.type].direction === 'lower')
      add(`${at}.target.membersGoal`, `${g.metric.type} is a median: members' targets do not add up`);
    if (t.source === 'members' && g.owner !== 'team')
      add(`${at}.target.source`, 'members is for team goals only');
    if ((t.source === 'members' || t.source === 'targets') && t.membersGoal !== undefined) {
      const m = byId.get(t.membersGoal);
      if (g.owner !== 'team') add(`${at}.target.membersGoal`, 'only a team goal sums its members’ goal');
      else if (!m) add(`${at}.target.membersGoal`, `"${t.membersGoal}" is not a goal of this document`);
      else if (m.owner !== 'rep') add(`${at}.target.membersGoal`, `"${m.id}" is not a rep goal`);
      else if (m.metric.type !== g.metric.type || m.period.kind !== g.period.kind)
        add(
          `${at}.target.membersGoal`,
          `"${m.id}" counts ${m.metric.type} per ${m.period.kind}, not ${g.metric.type} per ${g.period.kind}`,
        );
    }
    g.milestones.forEach((m, j) => {
      if (
        typeof m.by === 'string' &&
        g.period.kind === 'range' &&
        (m.by < g.period.from || m.by > g.period.to)
      )
        add(`${at}.milestones[${j}].by`, `is outside the goal's period ${g.period.from}..${g.period.to}`);
    });
    g.metric.filter.forEach((cond, j) => {
      const compiled = compileCondition(cond, {
        event: 'record.created',
        mapped: doc.mappedFields,
        teams: {},
      });
      if ('error' in compiled) add(`${at}.metric.filter[${j}]`, compiled.error);
    });
    if (!filters.has(g.id)) filters.set(g.id, compileFilter(doc, g));
  });
  return problems;
};

const compileFilter = (doc: GoalsDocument, g: Goal): Check => {
  const checks = g.metric.filter.flatMap((cond) => {
    const c = compileCondition(cond, { event: 'record.created', mapped: doc.mappedFields, teams: {} });
    return 'error' in c ? [] : [c];
  });
  return (ctx) => {
    for (const c of checks) {
      const why = c(ctx);
      if (why !== undefined) return why;
    }
    return undefined;
  };
};

const compiled = (doc: GoalsDocument, filters: Map<string, Check>): CompiledGoals => {
  const calendars = new Map(Object.entries(doc.calendars).map(([id, c]) => [id, compileCalendar(c, id)]));
  return {
    doc,
    calendar: (id) => calendars.get(id) ?? DEFAULT_CALENDAR,
    filter: (goalId) => filters.get(goalId) ?? (() => undefined),
    goal: (id) => doc.goals.find((g) => g.id === id),
  };
};

/**
 * Parse, check and compile; `source` names the file in every problem. `validated`: the value is this parse's own
 * output, checked when the stack was synthesized and shipped unchanged (its digest matched, documents.ts), so only
 * the compiling is left to do.
 */
export const parseGoals = (
  value: unknown,
  source: string,
  tenantId?: string,
  validated = false,
): CompiledGoals => {
  if (validated) {
    const doc = value as GoalsDocument;
    return compiled(doc, new Map(doc.goals.map((g) => [g.id, compileFilter(doc, g)])));
  }
  const result = goalsDocumentSchema.safeParse(value);
  if (!result.success)
    throw new GoalsConfigError(
      source,
      result.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })),
    );
  const doc = result.data;
  const filters = new Map<string, Check>();
  const problems = crossCheck(doc, filters);
  if (tenantId !== undefined && doc.tenantId !== tenantId)
    problems.unshift({
      path: 'tenantId',
      message: `is "${doc.tenantId}" but the file belongs to tenant "${tenantId}"`,
    });
  if (problems.length) throw new GoalsConfigError(source, problems);
  return compiled(doc, filters);
};
