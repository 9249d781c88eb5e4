/**
 * The tenant's typical time in each stage, from the archived deal events of the last STAGE_HISTORY_DAYS (one Query
 * per local day, as far back as the archive keeps events: 90 days by default). Read once per scheduled run or
 * preview and shared by every manager in it, never per manager.
 */
import { addDays, localDate, startOfLocalDay } from '../incentives/periods';
import { type ArchivedEvent, localDaysBetween } from '../store/event-archive';
import { STAGE_HISTORY_DAYS, type StageTime, stageTimesOf } from './risk';

export const stageTimesFromArchive = async (
  eventsOfDay: (day: string, from: Date, to: Date) => Promise<ArchivedEvent[]>,
  timeZone: string,
  asOf: Date,
): Promise<Map<string, StageTime>> => {
  const from = startOfLocalDay(
    addDays(localDate(asOf.toISOString(), timeZone), -STAGE_HISTORY_DAYS),
    timeZone,
  );
  const events: ArchivedEvent[] = [];
  for (const day of localDaysBetween(from, asOf, timeZone))
    for (const e of await eventsOfDay(day, from, asOf))
      if (e.type === 'deal.created' || e.type === 'deal.stage_changed') events.push(e);
  return stageTimesOf(events);
};
