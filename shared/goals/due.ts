/**
 * When an owner's goals are evaluated: on a business day of their calendar, once their local time has reached the
 * goals' `notify.at` (goals/evaluation.ts). A person's zone and calendar come from the goals document's org section
 * or the tenant's defaults (org/model.ts), never from the CRM, so whether anybody at all is due at an instant is
 * known from the documents alone: the hourly run that finds nobody due reads nothing.
 */
import { isBusinessDay, localTime } from '../workflows/calendar';
import type { CompiledGoals } from './validate';

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The local date when an owner in `zone` on calendar `calendarId` is due at `asOf`, else why not. */
export const goalsDueOn = (
  goals: CompiledGoals,
  zone: string,
  calendarId: string,
  asOf: Date,
): { today: string } | { skipped: string } => {
  const at = goals.doc.notify.at;
  const lt = localTime(asOf, zone);
  if (!isBusinessDay(goals.calendar(calendarId), lt.date))
    return { skipped: `${lt.date} is not a business day in ${zone}` };
  if (lt.minutes < minutesOf(at)) return { skipped: `before ${at} in ${zone}` };
  return { today: lt.date };
};

/** Whether any owner can be due at `asOf`: the zones and calendars of the org section, and the tenant's. */
export const anyGoalsDue = (goals: CompiledGoals, tenantZone: string, asOf: Date): boolean => {
  const { org } = goals.doc;
  const places = [
    { zone: tenantZone, calendar: org.calendar },
    ...Object.values(org.people).map((p) => ({
      zone: p.timeZone ?? tenantZone,
      calendar: p.calendar ?? org.calendar,
    })),
  ];
  return places.some((p) => 'today' in goalsDueOn(goals, p.zone, p.calendar, asOf));
};
