/**
 * The tenant's workflow document (shipped with the function) validated and compiled once per container, and the
 * coverage of its calendars. Apart from runner.ts so that a function that only reads the document (the watchdog)
 * does not bundle the runner's performers: mail, scheduler, the CRM writer and its HTTP client.
 */
import { loadWorkflows } from '../../shared/workflows/compiled';
import { type CalendarCoverageWarning, calendarCoverageWarnings } from '../../shared/workflows/coverage';
import { isValidatedDocument, loadTenantDocument } from './documents';
import { runtimeEnv } from './env';
import { once } from './once';

export const workflows = /* @__PURE__ */ once(() => {
  const doc = loadTenantDocument('workflows');
  return doc === undefined
    ? undefined
    : loadWorkflows(
        doc,
        'the workflows document',
        runtimeEnv().tenant.currency,
        isValidatedDocument('workflows'),
      );
});

/** Coverage is judged once per day per container (the answer only changes with the date). */
let coverage: { day: string; warnings: CalendarCoverageWarning[] } | undefined;

/**
 * The tenant's calendars in use that run out of holiday data within 60 days of `now` (see coverage.ts): the
 * workflow runner counts them in a metric (alarmed), so an admin hears of it while there is time to add the dates.
 */
export const calendarWarningsAt = (now: Date): CalendarCoverageWarning[] => {
  const wf = workflows();
  if (!wf) return [];
  const day = now.toISOString().slice(0, 10);
  if (coverage?.day !== day) coverage = { day, warnings: calendarCoverageWarnings(wf.config, now, 60) };
  return coverage.warnings;
};
