/**
 * The tenant's typical time in each stage, from the archived deal stage events of the last STAGE_HISTORY_DAYS (the
 * archive keeps these 180 days and indexes them by month: store/event-archive.ts `stageEvents`, one Query per
 * month). Read once per scheduled run or preview and shared by every manager in it, never per manager.
 */
import { addDays, localDate, startOfLocalDay } from '../incentives/periods';
import type { StageEvent } from '../store/event-archive';
import { STAGE_HISTORY_DAYS, type StageTime, stageTimesOf } from './risk';

export type StageEventReader = (from: Date, to: Date) => Promise<StageEvent[]>;

export const stageTimesFromArchive = async (
  stageEvents: StageEventReader,
  timeZone: string,
  asOf: Date,
): Promise<Map<string, StageTime>> => {
  const from = startOfLocalDay(
    addDays(localDate(asOf.toISOString(), timeZone), -STAGE_HISTORY_DAYS),
    timeZone,
  );
  return stageTimesOf(await stageEvents(from, asOf));
};
