/**
 * One change can announce several domain events (a new won deal: record.created, deal.created, deal.won). Only the
 * first carries `firstOfChange`, and goal progress, which needs the record once per change, takes only that one.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { functions } from '../../../functions/manifest';
import { matches } from '../../../infra/local/eventbridge/pattern';
import type { RecordRepository, StoredRecord } from '../../../shared/store/records';
import { upsertCanonical } from '../../../shared/sync/apply-change';

/** A record store that has never seen the record: the upsert applies it and derives from nothing. */
const fresh = {
  upsert: async <E>(next: StoredRecord, derive: (previous: StoredRecord | undefined) => E[]) => ({
    applied: true as const,
    current: next,
    events: derive(undefined),
  }),
} as unknown as RecordRepository;

const won: CanonicalRecord = {
  id: 'D-1',
  modifiedAt: '2026-10-05T04:00:00.000Z',
  owner: { id: 'u1' },
  status: 'won',
  stage: 'Closed Won',
  amount: '1000.00',
  currency: 'CNY',
  closeDate: '2026-10-05',
  fields: {},
};

const goalProgressPattern = () => {
  const trigger = functions.find((f) => f.id === 'goal-progress')?.triggers[0];
  if (trigger?.kind !== 'event') throw new Error('goal-progress has an event trigger');
  return trigger.pattern;
};

describe('the first event of a change', () => {
  it('is marked, and only it reaches goal progress', async () => {
    const next: StoredRecord = {
      object: 'deal',
      record: won,
      version: Date.parse(won.modifiedAt),
      deleted: false,
    };
    const { entries } = await upsertCanonical(next, { tenantId: 'demo', correlationId: 'c1' }, fresh);
    expect(entries.map((e) => [e.detailType, e.detail.firstOfChange])).toEqual([
      ['record.created', true],
      ['deal.created', undefined],
      ['deal.won', undefined],
    ]);
    const taken = entries.filter((e) =>
      matches(goalProgressPattern(), { source: e.source, 'detail-type': e.detailType, detail: e.detail }),
    );
    expect(taken.map((e) => e.detailType)).toEqual(['record.created']);
  });
});
