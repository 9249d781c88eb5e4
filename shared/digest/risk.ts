/**
 * Why an open deal is at risk, each reason with its figures:
 *   close_date_passed  the close date is before today;
 *   no_activity        no activity on the deal or its contacts for more than `digest.noActivityDays` business
 *                      days (7 by default), when the team's activities carry links (`fields.dealId`/`contactId`);
 *                      without a linked activity, the later of the window read and the deal's entry into its
 *                      stage counts as its last sign of life;
 *   no_update          when activities carry no links: no change to the deal for more than 10 business days;
 *   stuck_in_stage     in its stage longer than the tenant's typical time there: the median over the archived
 *                      stage changes (180 days, as far as the archive keeps them), once a stage has at least
 *                      MIN_STAGE_SAMPLES; until then `digest.typicalStageDays` (14 by default);
 *   pushed_repeatedly  the close date pushed twice or more in the period;
 *   one_contact        the deal and its activities name one contact only.
 */
import type { CanonicalRecord } from '../../events';
import { Dec } from '../incentives/money';
import { dayNumber, localDate } from '../incentives/periods';
import type { StageEvent } from '../store/event-archive';
import { addDays, type BusinessCalendar, isBusinessDay } from '../workflows/calendar';
import { activityAt, isLinked, median } from './followup';

export type RiskReason =
  | { code: 'close_date_passed'; closeDate: string }
  | { code: 'no_activity'; businessDays: number; lastActivity: string | null }
  | { code: 'no_update'; businessDays: number; lastChange: string }
  | {
      code: 'stuck_in_stage';
      stage: string;
      days: number;
      typicalDays: string;
      typicalFrom: 'history' | 'default';
    }
  | { code: 'pushed_repeatedly'; times: number }
  | { code: 'one_contact'; contactId: string };

/** Stage changes a stage needs in the history before its median replaces the default. */
export const MIN_STAGE_SAMPLES = 5;
/** How far back the typical time in stage looks. */
export const STAGE_HISTORY_DAYS = 180;
export const DEFAULT_STALE_AFTER = 10;

export interface StageTime {
  /** Median days in the stage, one decimal. */
  days: string;
  samples: number;
}

/**
 * Days spent in each stage, from the archived deal stage events (oldest first): a deal enters a stage when it is
 * created in it or changes to it, and leaves when it changes from it; a stay counts once both ends are in the history.
 */
export const stageTimesOf = (events: readonly StageEvent[]): Map<string, StageTime> => {
  const entered = new Map<string, { stage: string; at: number }>();
  const stays = new Map<string, number[]>();
  for (const e of events) {
    const at = Date.parse(e.occurredAt);
    const id = e.recordId;
    if (e.type === 'deal.created' && e.stage) entered.set(id, { stage: e.stage, at });
    if (e.type !== 'deal.stage_changed') continue;
    const change = e.change;
    const before = entered.get(id);
    if (before && change?.from === before.stage && at >= before.at) {
      const list = stays.get(before.stage) ?? [];
      list.push((at - before.at) / 86_400_000);
      stays.set(before.stage, list);
    }
    if (change?.to) entered.set(id, { stage: change.to, at });
    else entered.delete(id);
  }
  return new Map(
    [...stays].map(([stage, days]) => [
      stage,
      { days: new Dec(median(days)).toDecimalPlaces(1).toFixed(), samples: days.length },
    ]),
  );
};

/** Business days after `since` and before `today`. */
const businessDaysBetween = (cal: BusinessCalendar, since: string, today: string): number => {
  let n = 0;
  for (let day = addDays(since, 1); day < today; day = addDays(day, 1)) if (isBusinessDay(cal, day)) n++;
  return n;
};

export interface RiskInput {
  open: readonly CanonicalRecord[];
  today: string;
  timeZone: string;
  calendar: BusinessCalendar;
  /** The team's activities from `activitiesSince` (local date) on. */
  activities: readonly CanonicalRecord[];
  activitiesSince: string;
  stageSince: ReadonlyMap<string, string>;
  stageTimes: ReadonlyMap<string, StageTime>;
  pushes: ReadonlyMap<string, number>;
  noActivityDays: number;
  typicalStageDays: number;
  staleAfter?: number | undefined;
}

export const risksOf = (input: RiskInput): Map<string, RiskReason[]> => {
  const { today, calendar, timeZone } = input;
  // Deals share a few dozen distinct "since" dates: count each once, not once per deal.
  const counted = new Map<string, number>();
  const idleSince = (since: string) => {
    let n = counted.get(since);
    if (n === undefined) {
      n = businessDaysBetween(calendar, since, today);
      counted.set(since, n);
    }
    return n;
  };
  const linked = input.activities.some(isLinked);
  const lastOf = new Map<string, number>();
  const contactsOf = new Map<string, Set<string>>();
  const byContact = new Map<string, number>();
  for (const a of input.activities) {
    const at = activityAt(a);
    const deal = a.fields.dealId;
    const contact = a.fields.contactId;
    if (typeof contact === 'string') byContact.set(contact, Math.max(byContact.get(contact) ?? 0, at));
    if (typeof deal === 'string') {
      lastOf.set(deal, Math.max(lastOf.get(deal) ?? 0, at));
      if (typeof contact === 'string') contactsOf.set(deal, (contactsOf.get(deal) ?? new Set()).add(contact));
    }
  }
  const out = new Map<string, RiskReason[]>();
  for (const d of input.open) {
    const reasons: RiskReason[] = [];
    if (d.closeDate && d.closeDate < today)
      reasons.push({ code: 'close_date_passed', closeDate: d.closeDate });
    const since = input.stageSince.get(d.id);
    const contact = typeof d.fields.contactId === 'string' ? d.fields.contactId : undefined;
    if (linked) {
      const last = Math.max(lastOf.get(d.id) ?? 0, contact ? (byContact.get(contact) ?? 0) : 0);
      const lastActivity = last ? localDate(new Date(last).toISOString(), timeZone) : null;
      const sign = [lastActivity, input.activitiesSince, since ? localDate(since, timeZone) : undefined]
        .filter((x): x is string => x !== undefined && x !== null)
        .sort()
        .at(-1) as string;
      const idle = idleSince(sign);
      if (idle > input.noActivityDays)
        reasons.push({ code: 'no_activity', businessDays: idle, lastActivity });
      const contacts = new Set([...(contactsOf.get(d.id) ?? []), ...(contact ? [contact] : [])]);
      const [only] = contacts;
      if (contacts.size === 1 && only) reasons.push({ code: 'one_contact', contactId: only });
    } else {
      const lastChange = localDate(d.modifiedAt, timeZone);
      const idle = idleSince(lastChange);
      if (idle > (input.staleAfter ?? DEFAULT_STALE_AFTER))
        reasons.push({ code: 'no_update', businessDays: idle, lastChange });
    }
    if (d.stage && since) {
      const days = dayNumber(today) - dayNumber(localDate(since, timeZone));
      const known = input.stageTimes.get(d.stage);
      const fromHistory = known !== undefined && known.samples >= MIN_STAGE_SAMPLES;
      const typical = fromHistory ? known.days : String(input.typicalStageDays);
      if (new Dec(days).gt(typical))
        reasons.push({
          code: 'stuck_in_stage',
          stage: d.stage,
          days,
          typicalDays: typical,
          typicalFrom: fromHistory ? 'history' : 'default',
        });
    }
    const times = input.pushes.get(d.id) ?? 0;
    if (times >= 2) reasons.push({ code: 'pushed_repeatedly', times });
    if (reasons.length) out.set(d.id, reasons);
  }
  return out;
};
