/** A small team in Shanghai for digest tests: manager m1 with reps u1, u2, u3, deals and archived events. */
import type { CanonicalRecord } from '../../../events';
import type { DigestInput } from '../../../shared/digest/model';
import { parseDigestPeriod } from '../../../shared/digest/period';
import type { GoalFigures } from '../../../shared/goals/progress';
import type { Person } from '../../../shared/org/model';
import type { ArchivedEvent } from '../../../shared/store/event-archive';
import { DEFAULT_CALENDAR } from '../../../shared/workflows/calendar';

const person = (id: string, name: string, over: Partial<Person> = {}): Person => ({
  id,
  name,
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  calendar: 'default',
  active: true,
  ...over,
});

export const MANAGER = person('m1', '李明');
export const REPS = [
  person('u1', '王芳', { managerId: 'm1' }),
  person('u2', '陈静', { managerId: 'm1' }),
  person('u3', 'Emily <Carter>', { managerId: 'm1', locale: 'en' }),
];
const owner = (id: string) => ({ id, name: REPS.find((r) => r.id === id)?.name ?? id });

export const deal = (id: string, ownerId: string, over: Partial<CanonicalRecord> = {}): CanonicalRecord => ({
  id,
  name: `Deal ${id}`,
  modifiedAt: '2026-10-06T02:00:00Z',
  owner: owner(ownerId),
  stage: 'Proposal',
  status: 'open',
  amount: '100000.00',
  currency: 'CNY',
  closeDate: '2026-10-30',
  fields: {},
  ...over,
});

export const event = (
  type: string,
  record: CanonicalRecord,
  occurredAt = record.modifiedAt,
): ArchivedEvent => ({
  type,
  detail: {
    version: 1,
    eventId: `${type}-${record.id}-${occurredAt}`,
    tenantId: 'demo',
    object: 'deal',
    recordId: record.id,
    record,
    occurredAt,
    correlationId: 'c',
  } as ArchivedEvent['detail'],
});

export const figure = (person: string, over: Partial<GoalFigures> = {}): GoalFigures => ({
  curve: 'linear',
  goal: 'won-amount',
  owner: 'rep',
  person,
  team: null,
  name: person,
  period: '2026-10',
  timeZone: 'Asia/Shanghai',
  metric: 'won_amount',
  unit: 'CNY',
  target: '300000.00',
  actual: '60000.00',
  expected: '90000.00',
  gap: '30000.00',
  attainment: '0.2',
  neededPerDay: '15000.00',
  neededPerWeek: '75000.00',
  projected: '200000.00',
  coverage: '1.50',
  status: 'behind',
  businessDays: { total: 22, elapsed: 6, remaining: 16 },
  milestones: [],
  mismatch: null,
  skipped: [],
  ...over,
});

/** Friday 9 October 2026, 18:00 in Shanghai: week 2026-W41 so far. */
export const AS_OF = new Date('2026-10-09T18:00:00+08:00');

export const input = (over: Partial<DigestInput> = {}): DigestInput => ({
  tenant: { id: 'demo', currency: 'CNY' },
  manager: MANAGER,
  reps: REPS,
  period: parseDigestPeriod('2026-W41'),
  asOf: AS_OF,
  calendar: DEFAULT_CALENDAR,
  primaryGoal: { rep: 'won-amount' },
  goalNames: { 'won-amount': { 'zh-CN': '月度成交额', en: 'Monthly won amount' } },
  figures: [],
  accruals: new Map(),
  deals: [],
  events: [],
  ...over,
});

/** An activity of a rep at an instant, with its canonical link fields. */
export const activity = (
  id: string,
  owner: string,
  at: string,
  fields: CanonicalRecord['fields'],
  name = `Call ${id}`,
): CanonicalRecord => ({
  id,
  name,
  modifiedAt: at,
  owner: { id: owner },
  fields: { occurredAt: at, ...fields },
});
