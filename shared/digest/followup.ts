/**
 * Follow-up discipline for the manager digest, from what the reps' activities say (read through the owner index):
 *   - new leads of the period without a first touch within the tenant's SLA (`digest.firstTouchWithin` business
 *     days in the manager's calendar, 1 by default): a lead's first touch is its earliest activity linked to it
 *     (`fields.leadId`); a lead whose SLA has not run out yet is not late;
 *   - each rep's median first-response time: from the lead's creation to its first touch, over the period's new
 *     leads that had one, in hours;
 *   - overdue tasks: the reps' open tasks (`fields.done` not true) whose `fields.dueDate` has passed, the tasks
 *     workflows write back to the CRM among them;
 *   - each rep's active sequences and sequence reply rate, from the enrolments of the records they own
 *     (digest/sequence-figures.ts).
 * Activities count only when they carry those canonical links (Zoho's normalizer sets them; a generic webhook
 * sends them in `fields`); without any, `linked` is false and the digest says the figures need them.
 */
import type { CanonicalRecord } from '../../events';
import { Dec } from '../incentives/money';
import { localDate } from '../incentives/periods';
import { type BusinessCalendar, businessDaysAfter, instantAt, localTime } from '../workflows/calendar';
import { NO_SEQUENCES, type SequenceFigures } from './sequence-figures';

export interface LeadRef {
  id: string;
  name: string;
  owner: { id: string; name: string };
  createdAt: string;
  /** The instant the first touch was due by. */
  dueBy: string;
}

export interface FollowUp {
  /** Business days a new lead may wait for its first touch. */
  firstTouchWithin: number;
  /** Whether the team's activities carry links to leads, deals or contacts (else the figures cannot be told). */
  linked: boolean;
  newLeads: number;
  untouchedLeads: LeadRef[];
  reps: ({
    id: string;
    name: string;
    newLeads: number;
    touched: number;
    medianFirstResponseHours: string | null;
  } & SequenceFigures)[];
  overdueTasks: {
    id: string;
    name: string;
    owner: { id: string; name: string };
    dueDate: string;
    dealId: string | null;
  }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const instantMs = (v: unknown): number | undefined => {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
};

/** When an activity happened: `fields.occurredAt`, else its last modification. */
export const activityAt = (a: CanonicalRecord): number =>
  instantMs(a.fields.occurredAt) ?? Date.parse(a.modifiedAt);

export const isLinked = (a: CanonicalRecord): boolean =>
  ['leadId', 'dealId', 'contactId'].some((k) => str(a.fields[k]) !== undefined);

/** The median of a non-empty list of numbers. */
export const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export const followUpOf = (input: {
  reps: readonly { id: string; name: string }[];
  /** Leads created in the period by the team's reps, with their creation instant. */
  newLeads: readonly { record: CanonicalRecord; createdAt: string }[];
  activities: readonly CanonicalRecord[];
  asOf: Date;
  timeZone: string;
  calendar: BusinessCalendar;
  firstTouchWithin: number;
  /** Sequence figures per rep id (digest/sequence-figures.ts); a rep without any has none. */
  sequences?: ReadonlyMap<string, SequenceFigures>;
}): FollowUp => {
  const { asOf, timeZone, calendar } = input;
  const nameOf = (id: string) => input.reps.find((r) => r.id === id)?.name ?? id;
  const firstTouch = new Map<string, number>();
  for (const a of input.activities) {
    const lead = str(a.fields.leadId);
    const at = activityAt(a);
    if (lead && at <= asOf.getTime() && at < (firstTouch.get(lead) ?? Number.POSITIVE_INFINITY))
      firstTouch.set(lead, at);
  }
  const untouchedLeads: LeadRef[] = [];
  const hours = new Map<string, number[]>();
  const counts = new Map<string, { newLeads: number; touched: number }>();
  for (const { record, createdAt } of input.newLeads) {
    const owner = record.owner?.id ?? '';
    const created = Date.parse(createdAt);
    // Due the same local time N business days later (a Friday-evening lead with one day is due Monday evening).
    const { date, minutes } = localTime(new Date(created), timeZone);
    const dueBy = instantAt(businessDaysAfter(calendar, date, input.firstTouchWithin), minutes, timeZone);
    const touch = firstTouch.get(record.id);
    const c = counts.get(owner) ?? { newLeads: 0, touched: 0 };
    c.newLeads++;
    if (touch !== undefined && touch >= created) {
      c.touched++;
      const list = hours.get(owner) ?? [];
      list.push((touch - created) / 3_600_000);
      hours.set(owner, list);
    }
    counts.set(owner, c);
    const late = touch === undefined ? dueBy.getTime() <= asOf.getTime() : touch > dueBy.getTime();
    if (late)
      untouchedLeads.push({
        id: record.id,
        name: record.name ?? record.id,
        owner: { id: owner, name: nameOf(owner) },
        createdAt: new Date(created).toISOString(),
        dueBy: dueBy.toISOString(),
      });
  }
  const today = localDate(asOf.toISOString(), timeZone);
  const overdueTasks = input.activities
    .filter((a) => {
      const due = str(a.fields.dueDate);
      return due !== undefined && due < today && a.fields.done !== true;
    })
    .map((a) => ({
      id: a.id,
      name: a.name ?? a.id,
      owner: { id: a.owner?.id ?? '', name: nameOf(a.owner?.id ?? '') },
      dueDate: a.fields.dueDate as string,
      dealId: str(a.fields.dealId) ?? null,
    }))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id));
  return {
    firstTouchWithin: input.firstTouchWithin,
    linked: input.activities.some(isLinked),
    newLeads: input.newLeads.length,
    untouchedLeads: untouchedLeads.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    reps: input.reps.map((r) => {
      const h = hours.get(r.id);
      const c = counts.get(r.id) ?? { newLeads: 0, touched: 0 };
      return {
        id: r.id,
        name: r.name,
        ...c,
        medianFirstResponseHours: h?.length ? new Dec(median(h)).toDecimalPlaces(1).toFixed() : null,
        ...(input.sequences?.get(r.id) ?? NO_SEQUENCES),
      };
    }),
    overdueTasks,
  };
};
