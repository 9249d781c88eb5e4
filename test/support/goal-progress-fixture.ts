/**
 * A tenant with goals of every owner kind for the incremental-progress tests: reps in Asia/Shanghai and New York
 * (DST), a team whose membership changes mid-month, a tenant goal over a from–to period, milestones (a date and a
 * fraction of business days), a filter, money in two currencies (one without a rate: skipped), and an in-memory
 * record store and progress store behaving like the DynamoDB ones (versioned records, conditional contributions).
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import {
  applyDelta,
  type Contribution,
  type ContributionModel,
  contributionsOf,
  emptyTotal,
  type StoredTotal,
  type TotalDelta,
  type TotalKey,
  totalKey,
} from '../../shared/goals/contributions';
import type { ProgressStore, StoredContribution } from '../../shared/goals/incremental';
import { GoalProgress } from '../../shared/goals/progress';
import { goalDateOf } from '../../shared/goals/record-dates';
import { fractionDate } from '../../shared/goals/sums';
import { parseGoals } from '../../shared/goals/validate';
import { Dec } from '../../shared/incentives/money';
import { buildOrg } from '../../shared/org/model';

export const goals = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'acme',
    mappedFields: { line: 'text' },
    org: {
      directReportTeams: false,
      people: { a: { timeZone: 'Asia/Shanghai' }, b: { timeZone: 'America/New_York' } },
      teams: {
        north: { name: 'North', managerId: 'a', members: ['a', { id: 'b', from: '2026-10-16' }] },
        south: { name: 'South', members: ['c', { id: 'b', to: '2026-10-15' }] },
      },
    },
    goals: [
      {
        id: 'won',
        name: { en: 'Won amount' },
        owner: 'rep',
        metric: { type: 'won_amount' },
        period: { kind: 'month' },
        target: { source: 'targets' },
        milestones: [
          { by: '2026-10-15', value: '100' },
          { by: { fraction: '0.5' }, value: '50' },
        ],
      },
      {
        id: 'calls',
        name: { en: 'Calls' },
        owner: 'rep',
        metric: { type: 'activities', activityTypes: ['call'] },
        period: { kind: 'month' },
        target: { source: 'targets' },
      },
      {
        id: 'hw-deals',
        name: { en: 'Hardware deals' },
        owner: 'team',
        metric: { type: 'won_deals', filter: [{ field: 'fields.line', op: 'eq', value: 'hw' }] },
        period: { kind: 'quarter' },
        target: { source: 'targets' },
      },
      {
        id: 'autumn-activities',
        name: { en: 'Autumn activities' },
        owner: 'tenant',
        metric: { type: 'activities' },
        period: { kind: 'range', from: '2026-10-01', to: '2026-11-15' },
        target: { source: 'targets' },
      },
    ],
  },
  'goals.json',
  'acme',
);

export const org = buildOrg({
  users: ['a', 'b', 'c'].map((id) => ({ id, name: id.toUpperCase(), active: true })),
  tenant: { timeZone: 'Europe/Berlin', locale: 'en' },
  config: goals.doc.org,
});

export const tenant = { id: 'acme', currency: 'CNY', timeZone: 'Europe/Berlin' };
export const fxRate = (from: string, to: string) =>
  from === to ? new Dec(1) : from === 'USD' && to === 'CNY' ? new Dec('7.1234') : undefined;

export const model: ContributionModel = { goals, org, tenant, fxRate, fractionDate };
export const contributions = (s: Parameters<typeof contributionsOf>[0]): Contribution[] =>
  contributionsOf(s, model);

/** The canonical copy: the newest version of each record wins, as in store/records.ts. */
export class MemoryRecords {
  readonly byKey = new Map<
    string,
    { object: CrmObject; record: CanonicalRecord; version: number; deleted: boolean }
  >();

  upsert(object: CrmObject, record: CanonicalRecord, version: number, deleted: boolean) {
    const key = `${object}|${record.id}`;
    const prev = this.byKey.get(key);
    if (prev && prev.version >= version) return;
    this.byKey.set(key, { object, record, version, deleted });
  }

  /** The canonical copy as goals/incremental.ts reads it. */
  async get(object: CrmObject, id: string) {
    return this.byKey.get(`${object}|${id}`);
  }

  async owned(object: CrmObject, owner: string, lower: string, upper: string): Promise<CanonicalRecord[]> {
    return [...this.byKey.values()]
      .filter((s) => s.object === object && !s.deleted && s.record.owner?.id === owner)
      .map((s) => s.record)
      .filter((r) => {
        const d = goalDateOf(object, r);
        return d >= lower && d <= `${upper}\uffff`;
      });
  }
}

/** The progress store in memory: the same contract as store/goal-progress.ts. */
export class MemoryProgress implements ProgressStore {
  readonly contribs = new Map<string, StoredContribution>();
  readonly totals = new Map<string, StoredTotal>();
  writes = 0;

  async contribution(object: string, id: string) {
    return this.contribs.get(`${object}|${id}`);
  }

  async putContribution(object: string, id: string, next: StoredContribution, seen: number | undefined) {
    this.writes++;
    if (this.contribs.get(`${object}|${id}`)?.version !== seen) return false;
    this.contribs.set(`${object}|${id}`, structuredClone(next));
    return true;
  }

  async addToTotals(deltas: readonly TotalDelta[]) {
    for (const d of deltas) {
      this.writes++;
      this.totals.set(totalKey(d), applyDelta(this.totals.get(totalKey(d)) ?? emptyTotal(), d));
    }
  }

  async total(goal: string, period: string, owner: string) {
    return this.totals.get(totalKey({ goal, period, owner }));
  }

  async many(keys: readonly TotalKey[]): Promise<Map<string, StoredTotal>> {
    const out = new Map<string, StoredTotal>();
    for (const k of keys) {
      const t = this.totals.get(totalKey(k));
      if (t) out.set(totalKey(k), t);
    }
    return out;
  }
}

export const progressOver = (records: MemoryRecords, stored?: MemoryProgress) =>
  new GoalProgress(goals, org, tenant, {
    owned: (object, owner, lower, upper) => records.owned(object, owner, lower, upper),
    target: async () => '1000',
    fxRate,
    ...(stored ? { stored: (keys: readonly TotalKey[]) => stored.many(keys) } : {}),
  });
