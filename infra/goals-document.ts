/**
 * Tooling: `tenants/goals/<tenant>.json` read, its date-holidays calendars resolved into dates (as for workflows,
 * shared/workflows/country-holidays.ts), validated and compiled. `validate`, `npm start` and the CLI go through here,
 * so a bad goal is refused with its file, path and reason before anything runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type CompiledGoals, GoalsConfigError, parseGoals } from '../shared/goals/validate';
import { resolveCountryCalendars, unknownRegion } from '../shared/workflows/country-holidays';

export const goalsDocumentPath = (tenantId: string, root: string): string =>
  join(root, 'tenants', 'goals', `${tenantId}.json`);

/** The tenant's goals, or undefined when it has no goals file. `year` picks the holiday years resolved. */
export const loadGoalsDocument = (
  tenantId: string,
  root: string,
  year: number,
): CompiledGoals | undefined => {
  const file = goalsDocumentPath(tenantId, root);
  if (!existsSync(file)) return undefined;
  const shown = relative(process.cwd(), file) || file;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new GoalsConfigError(shown, [
      { path: '(file)', message: `is not valid JSON: ${(err as Error).message}` },
    ]);
  }
  // date-holidays quietly falls back to no holidays for a region it does not know: refuse it here instead.
  const calendars = (
    json as { calendars?: Record<string, { source?: string; country?: string; state?: string }> }
  )?.calendars;
  const regions = Object.entries(calendars ?? {}).flatMap(([id, cal]) => {
    const why =
      cal?.source === 'date-holidays' && typeof cal.country === 'string'
        ? unknownRegion(cal.country, cal.state)
        : undefined;
    return why
      ? [{ path: `calendars.${id}.${why.includes('state') ? 'state' : 'country'}`, message: why }]
      : [];
  });
  if (regions.length) throw new GoalsConfigError(shown, regions);
  return parseGoals(resolveCountryCalendars(json, year), shown, tenantId);
};
