/**
 * Calendars about to run out of holiday data. Past a calendar's coverage, waits and send windows still count
 * weekdays (and the company's own days), but a public holiday there would be taken for a working day: these warnings
 * say so while there is time to add the dates. Pure, so the CLI's `validate`, the local runtime and a scheduled
 * function can all ask the same question of the same config at their own clock.
 */
import { addDays } from './calendar';
import type { CalendarDefinition, WorkflowConfig } from './definition';
import { publicDays } from './holidays';

export interface CalendarCoverageWarning {
  calendar: string;
  /** The last date with holiday data. */
  coveredThrough: string;
  /** The first date without: what the horizon reaches into. */
  firstUncovered: string;
  message: string;
}

/** The last date a calendar has public holidays for; undefined when they do not run out (rules, or none at all). */
export const calendarCoverage = (def: CalendarDefinition, id?: string): string | undefined =>
  // date-holidays computes any year by rule; once resolved for a function it lists dates and ends like them.
  def.source === 'date-holidays' ? undefined : publicDays(def, id).coveredThrough;

/** The calendars the config actually uses: the send window's, and those picked by a recipient's zone. */
export const calendarsInUse = (config: WorkflowConfig): string[] =>
  [...new Set([config.sendWindow.calendar, ...Object.values(config.sendWindow.calendarByTimeZone)])].filter(
    (id) => Object.hasOwn(config.calendars, id),
  );

/** One warning per calendar in use whose holiday data ends before `now` + horizonDays (UTC dates). */
export const calendarCoverageWarnings = (
  config: WorkflowConfig,
  now: Date,
  horizonDays = 60,
): CalendarCoverageWarning[] => {
  const until = addDays(now.toISOString().slice(0, 10), horizonDays);
  const warnings: CalendarCoverageWarning[] = [];
  for (const id of calendarsInUse(config)) {
    const def = config.calendars[id] as CalendarDefinition;
    const coveredThrough = calendarCoverage(def, id);
    if (coveredThrough === undefined || coveredThrough >= until) continue;
    const firstUncovered = addDays(coveredThrough, 1);
    const from = def.source ? ` (${def.source})` : '';
    warnings.push({
      calendar: id,
      coveredThrough,
      firstUncovered,
      message:
        `calendar ${id}${from} has public holidays through ${coveredThrough}; from ${firstUncovered} it counts ` +
        `weekdays only. Add that year's holidays (and make-up working days) to calendars.${id}, or update the package.`,
    });
  }
  return warnings;
};
