/**
 * One deal the plans cannot credit (no close date) must not stop everyone's close: the scheduled runs hold it out
 * and report it; fixed later in the CRM, it arrives as an adjustment in the next open period. Without `hold` (the
 * CLI's default) the close is refused, naming the deal, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accrualRun, closeRun, IncentiveInputError } from '../../../shared/incentives';
import { IncentiveRepository } from '../../../shared/store/incentives';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { demoBook, januaryDeals, storeDeal, TENANT, wonDeal } from './support';

const book = demoBook();
const FEB_1 = new Date('2026-02-01T03:00:00+08:00');
const MAR_1 = new Date('2026-03-01T03:00:00+08:00');

let table: LocalTable;
let store: IncentiveRepository;
beforeAll(async () => {
  table = await startLocalTable('incentives-held');
  store = new IncentiveRepository(table.doc, table.tableName);
  for (const d of januaryDeals()) await storeDeal(table, d);
  const { closeDate: _, ...undated } = wonDeal('JX', 'u2', '30000.00', '2026-01-18');
  await storeDeal(table, undated);
});
afterAll(async () => {
  await table?.stop();
});

describe('a deal the plans cannot credit', () => {
  it('refuses the close without hold, naming the deal and the field, and writes nothing', async () => {
    const refused = await closeRun({ book, store, tenant: TENANT, periodKey: '2026-01', now: FEB_1 }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(IncentiveInputError);
    expect((refused as IncentiveInputError).problems).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/deal JX: is missing; plan .* credits by closeDate/),
      }),
    ]);
    expect(await store.close('2026-01')).toBeUndefined();
  });

  it('is held out of the accrual and the close (and reported), and everyone else is paid', async () => {
    const accrual = await accrualRun({
      book,
      store,
      tenant: TENANT,
      now: new Date('2026-01-30T03:00:00+08:00'),
      hold: true,
    });
    expect(accrual.held.map((p) => p.message)).toEqual([expect.stringContaining('deal JX')]);
    const r = await closeRun({ book, store, tenant: TENANT, periodKey: '2026-01', now: FEB_1, hold: true });
    expect(r.outcome).toBe('closed');
    expect(r.held).toHaveLength(1);
    expect(r.statements.map((s) => s.repId).sort()).toEqual(['m1', 'u1', 'u2', 'u3']);
    expect(r.statements.flatMap((s) => s.lines).some((l) => l.dealId === 'JX')).toBe(false);
  });

  it('once fixed in the CRM, arrives as an adjustment in the next period; January never changes', async () => {
    const janU2 = await store.statement('2026-01', 'u2');
    await storeDeal(
      table,
      wonDeal('JX', 'u2', '30000.00', '2026-01-18', { modifiedAt: '2026-02-05T02:00:00Z' }),
    );
    const r = await closeRun({ book, store, tenant: TENANT, periodKey: '2026-02', now: MAR_1, hold: true });
    expect(r.held).toEqual([]);
    const feb = r.statements.find((s) => s.repId === 'u2');
    const jx = feb?.lines.filter((l) => l.dealId === 'JX') ?? [];
    expect(jx.length).toBeGreaterThan(0);
    expect(jx.every((l) => l.kind === 'adjustment' && l.origin?.periodKey === '2026-01')).toBe(true);
    expect(await store.statement('2026-01', 'u2')).toEqual(janU2);
  });
});
