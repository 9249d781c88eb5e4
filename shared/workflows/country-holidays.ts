/**
 * Tooling only (the CLI, the CDK app, the local runtime, tests): `date-holidays` calendars resolved into listed
 * dates. The package computes any country's public holidays by rule for any year, but it weighs about 1.5 MB
 * bundled, three times a function's budget, so no function imports this file: the document a function gets has its
 * date-holidays calendars already turned into dates for a span of years (resolveCountryCalendars), and counts as
 * covered through the last of them.
 */
import Holidays from 'date-holidays';

/** Years resolved ahead of the year a document is packaged in; a deploy older than this starts to warn. */
export const RESOLVED_YEARS_AHEAD = 5;

/** A country's (and state's) public holidays in a year, as local dates; substitute days included. */
export const countryHolidays = (country: string, state: string | undefined, year: number): string[] => {
  const hd =
    state === undefined
      ? new Holidays(country, { types: ['public'] })
      : new Holidays(country, state, { types: ['public'] });
  return hd.getHolidays(year).map((h) => h.date.slice(0, 10));
};

/** Why date-holidays does not know this country or state, or undefined when it does. */
export const unknownRegion = (country: string, state: string | undefined): string | undefined => {
  const hd = new Holidays();
  if (!Object.hasOwn(hd.getCountries('en'), country)) return `date-holidays has no country ${country}`;
  if (state !== undefined && !Object.hasOwn(hd.getStates(country, 'en') ?? {}, state))
    return `date-holidays has no state ${state} in ${country}`;
  return undefined;
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The workflow document (raw JSON, before validation) with each date-holidays calendar replaced by one listing the
 * country's public holidays from the year before `fromYear` (steps are planned again from their event, which may be
 * last year's) through RESOLVED_YEARS_AHEAD years later, plus the dates it already listed. Anything else is left as it is; validation afterwards judges the result like any other document.
 */
export const resolveCountryCalendars = (doc: unknown, fromYear: number): unknown => {
  if (!isRecord(doc) || !isRecord(doc.calendars)) return doc;
  const calendars: Record<string, unknown> = {};
  let changed = false;
  for (const [id, cal] of Object.entries(doc.calendars)) {
    if (!isRecord(cal) || cal.source !== 'date-holidays' || typeof cal.country !== 'string') {
      calendars[id] = cal;
      continue;
    }
    changed = true;
    const { source: _source, country, state, holidays, ...rest } = cal;
    const st = typeof state === 'string' ? state : undefined;
    const listed = Array.isArray(holidays) ? holidays : [];
    const resolved: unknown[] = [];
    if (unknownRegion(country, st) === undefined)
      for (let y = fromYear - 1; y <= fromYear + RESOLVED_YEARS_AHEAD; y++)
        resolved.push(...countryHolidays(country, st, y));
    calendars[id] = { ...rest, holidays: [...new Set([...resolved, ...listed])].sort() };
  }
  // The same object when there was nothing to resolve: callers ship the original file then.
  return changed ? { ...doc, calendars } : doc;
};
