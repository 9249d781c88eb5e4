/**
 * The digest's accruals on a day without an accrual snapshot (a fresh runtime before its first nightly run): computed
 * by the incentive engine at the digest's instant, equal to what `incentives accrual` gives then; once the day's
 * snapshot exists, read from it, with the same figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreview } from '../../../infra/cli/digest';
import type { DigestWiring } from '../../../infra/cli/digest-wiring';
import type { DigestModel } from '../../../shared/digest/model';
import { accrualRun } from '../../../shared/incentives';
import type { PlanBook } from '../../../shared/incentives/book';
import type { IncentiveRepository } from '../../../shared/store/incentives';
import { type LocalTable, RecordingMailer } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { AS_OF, startDigestFixture } from './fixture';

let table: LocalTable;
let w: DigestWiring;
beforeAll(async () => {
  ({ table, w } = await startDigestFixture(new RecordingMailer()));
  // The plans the daily accrual runs with (the demo's plans list their reps).
  w = { ...w, accrualBook: w.book as PlanBook };
});
afterAll(async () => {
  await table?.stop();
});

const preview = async (): Promise<DigestModel> => {
  const t = terminal();
  expect(await runPreview({ tenant: 'demo', manager: 'm1', asOf: AS_OF, format: 'json' }, w, t.term)).toBe(0);
  return JSON.parse(t.t.out).digest;
};

describe('digest accruals', () => {
  it('computes them with the engine while the day has no snapshot, then reads the snapshot', async () => {
    const engine = () =>
      accrualRun({
        book: w.book as PlanBook,
        store: w.incentives as IncentiveRepository,
        tenant: w.tenant,
        now: new Date(AS_OF),
      });
    const { accruals } = await engine();
    const expected = (id: string) => {
      const a = accruals.find((x) => x.repId === id);
      const tier = a?.segments.at(-1)?.tiers[0];
      return a
        ? {
            period: a.periodKey,
            currency: a.currency,
            earned: a.earned,
            tier: tier
              ? {
                  component: tier.componentId,
                  tier: tier.tier,
                  rate: tier.rate,
                  nextTierNeeds: tier.nextTierNeeds ?? null,
                }
              : null,
          }
        : null;
    };
    // The fixture's snapshot is of 15 October; the digest is as of the 16th.
    const computed = await preview();
    expect(computed.reps.some((r) => r.accrual !== null)).toBe(true);
    for (const rep of computed.reps) {
      expect(rep.accrual === null ? null : { ...rep.accrual, date: undefined }).toEqual(
        expected(rep.id) && { ...expected(rep.id), date: undefined, basis: 'computed' },
      );
      if (rep.accrual) expect(rep.accrual.date).toBe('2026-10-16');
    }
    // u1 won 120,000 this month in the fixture: the stale snapshot said 6,400.00 earned, the engine says otherwise.
    expect(computed.reps.find((r) => r.id === 'u1')?.accrual?.earned).not.toBe('6400.00');

    // The nightly run saves the day's snapshot: the digest reads it, with the same figures.
    await accrualRun({
      book: w.book as PlanBook,
      store: w.incentives as IncentiveRepository,
      tenant: w.tenant,
      now: new Date(AS_OF),
      save: true,
    });
    const read = await preview();
    for (const rep of read.reps)
      if (rep.accrual)
        expect(rep.accrual).toEqual({
          ...computed.reps.find((r) => r.id === rep.id)?.accrual,
          basis: 'snapshot',
        });
  });
});
