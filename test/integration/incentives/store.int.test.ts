/**
 * Incentive storage on dynalite: a close freezes one statement per (period, rep) with its content hash and then
 * the period's marker; re-running it writes nothing; a close with other content is refused naming the period; a
 * late change to a closed period's deal becomes an adjustment (or clawback) in the next period's statement while
 * the closed one never changes; a close that fails half-way leaves the period open with nothing read from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accrualRun,
  closeRun,
  IncentiveConflictError,
  IncentiveInputError,
  verifyStatement,
} from '../../../shared/incentives';
import { IncentiveRepository } from '../../../shared/store/incentives';
import { countWrites, type LocalTable, startLocalTable, type WriteCounter } from '../../support/local-aws';
import { demoBook, failNthWrite, januaryDeals, storeDeal, TENANT, wonDeal } from './support';

const book = demoBook();
const FEB_1 = new Date('2026-02-01T03:00:00+08:00');
const MAR_1 = new Date('2026-03-01T03:00:00+08:00');

let table: LocalTable;
let store: IncentiveRepository;
let writes: WriteCounter;
beforeAll(async () => {
  table = await startLocalTable('incentives-store');
  store = new IncentiveRepository(table.doc, table.tableName);
  writes = countWrites(table.doc);
  for (const d of januaryDeals()) await storeDeal(table, d);
});
afterAll(async () => {
  await table?.stop();
});

const close = (periodKey: string, now: Date, s = store) =>
  closeRun({ book, store: s, tenant: TENANT, periodKey, now });

describe('closing a period', () => {
  it('is refused before the period has ended in the plans’ zone', async () => {
    // 23:30 on 31 January in Shanghai is 15:30 UTC: January has not ended there yet.
    await expect(close('2026-01', new Date('2026-01-31T15:30:00Z'))).rejects.toThrow(
      /2026-01 ends on 2026-01-31 \(Asia\/Shanghai\); it can be closed from 2026-02-01/,
    );
    await expect(close('2026-01', new Date('2026-01-31T15:30:00Z'))).rejects.toBeInstanceOf(
      IncentiveInputError,
    );
  });

  it('freezes one statement per rep with its hash, totals hand-computed to the cent', async () => {
    const r = await close('2026-01', FEB_1);
    expect(r.outcome).toBe('closed');
    const byRep = Object.fromEntries(r.statements.map((s) => [s.repId, s]));
    expect(Object.keys(byRep).sort()).toEqual(['m1', 'u1', 'u2', 'u3']);
    // u1: 300,000 of a 300,000 quota. Marginal: 150,000 × 4% + 150,000 × 8% = 18,000; new-logo SPIFF 2,000 (J2);
    // quota club at 100%: 5,000.
    expect(byRep.u1?.totals.payable).toBe('25000.00');
    // u2: half of J3, 40,000 of a 250,000 quota = 16% < the 30% gate: nothing.
    expect(byRep.u2?.totals.payable).toBe('0.00');
    // u3: the other 40,000 + USD 10,000 × 7.10 = 111,000 of 300,000 = 37%: 111,000 × 4% = 4,440.
    expect(byRep.u3?.totals.credited).toBe('111000.00');
    expect(byRep.u3?.totals.payable).toBe('4440.00');
    // m1: 1% of the team's 451,000.
    expect(byRep.m1?.totals.payable).toBe('4510.00');

    const marker = await store.close('2026-01');
    expect(marker).toMatchObject({ periodKey: '2026-01', statements: 4, closedAt: FEB_1.toISOString() });
    const stored = await store.statements('2026-01');
    expect(stored.map((s) => s.hash).sort()).toEqual(r.statements.map((s) => s.hash).sort());
    expect(stored.every(verifyStatement)).toBe(true);
    expect(await store.statement('2026-01', 'u1')).toEqual(byRep.u1);
  });

  it('re-running it is idempotent: identical statements, reported as already closed, nothing written', async () => {
    const before = await store.statements('2026-01');
    writes.reset();
    const r = await close('2026-01', new Date('2026-02-02T09:00:00+08:00'));
    expect(r.outcome).toBe('already-closed');
    expect(writes.writes).toBe(0);
    expect(r.statements).toEqual(before);
  });

  it('a close of the closed period with other content is refused, naming it; nothing is written', async () => {
    // J1 is cut to 150,000 on 3 February, after January closed.
    await storeDeal(
      table,
      wonDeal('J1', 'u1', '150000.00', '2026-01-05', { modifiedAt: '2026-02-03T02:00:00Z' }),
    );
    writes.reset();
    const err = await close('2026-01', new Date('2026-02-04T09:00:00+08:00')).catch((e) => e);
    expect(err).toBeInstanceOf(IncentiveConflictError);
    expect((err as Error).message).toMatch(
      /^period 2026-01 is already closed \(at 2026-01-31T19:00:00.000Z, 4 statements/,
    );
    expect((err as Error).message).toContain('a closed period is frozen');
    expect(writes.writes).toBe(0);
  });

  it('late changes become adjustment and clawback lines in the next period; the closed statement never changes', async () => {
    const janU1 = await store.statement('2026-01', 'u1');
    // J2 (new logo, 20 January) is lost on 10 February: within the 90-day clawback window.
    await storeDeal(
      table,
      wonDeal('J2', 'u1', '100000.00', '2026-01-20', {
        status: 'lost',
        stage: 'Closed Lost',
        modifiedAt: '2026-02-10T02:00:00Z',
        fields: { newAccount: true },
      }),
    );
    await storeDeal(table, wonDeal('F1', 'u1', '50000.00', '2026-02-08'));
    const r = await close('2026-02', MAR_1);
    expect(r.outcome).toBe('closed');
    const feb = r.statements.find((s) => s.repId === 'u1');
    if (!feb) throw new Error('no February statement for u1');
    // January restated: J1 150,000 only = 50% → 150,000 × 4% = 6,000 instead of 25,000 paid.
    expect(feb.totals.adjustments).toBe('-19000.00');
    const j1 = feb.lines.filter((l) => l.dealId === 'J1');
    expect(j1.map((l) => [l.kind, l.amount, l.origin?.periodKey])).toEqual([
      ['adjustment', '-4000.00', '2026-01'],
    ]);
    const j2 = feb.lines.filter((l) => l.dealId === 'J2');
    expect(j2.every((l) => l.kind === 'clawback' && l.origin?.periodKey === '2026-01')).toBe(true);
    expect(j2.map((l) => l.amount).sort()).toEqual(['-2000.00', '-8000.00']);
    expect(feb.restatements.map((x) => x.periodKey)).toEqual(['2026-01']);
    // February's own 50,000 is 16.7% of quota, below the gate.
    expect(feb.totals.earnings).toBe('0.00');
    expect(await store.statement('2026-01', 'u1')).toEqual(janU1);
  });

  it('periods close in order: an earlier one cannot be closed after a later one', async () => {
    const other = await startLocalTable('incentives-order');
    try {
      const s = new IncentiveRepository(other.doc, other.tableName);
      for (const d of januaryDeals()) await storeDeal(other, d);
      await close('2026-02', MAR_1, s);
      await expect(close('2026-01', MAR_1, s)).rejects.toThrow(
        /period 2026-02 is already closed; periods close in order, so 2026-01 cannot be closed now/,
      );
    } finally {
      await other.stop();
    }
  });
});

describe('a close that fails half-way', () => {
  it('leaves the period open and nothing readable; running it again completes it', async () => {
    const other = await startLocalTable('incentives-halfway');
    try {
      const s = new IncentiveRepository(other.doc, other.tableName);
      for (const d of januaryDeals()) await storeDeal(other, d);
      const restore = failNthWrite(other, 'PutItemCommand', 3);
      await expect(close('2026-01', FEB_1, s)).rejects.toThrow(/injected failure of PutItemCommand #3/);
      restore();
      expect(await s.close('2026-01')).toBeUndefined();
      expect(await s.statement('2026-01', 'u1')).toBeUndefined();
      expect(await s.statements('2026-01')).toEqual([]);
      expect(await s.closes()).toEqual([]);

      const again = await close('2026-01', FEB_1, s);
      expect(again.outcome).toBe('closed');
      const stored = await s.statements('2026-01');
      expect(stored).toHaveLength(4);
      expect(stored.every(verifyStatement)).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it('the marker is the commit: a failure writing it leaves the period open', async () => {
    const other = await startLocalTable('incentives-marker');
    try {
      const s = new IncentiveRepository(other.doc, other.tableName);
      for (const d of januaryDeals()) await storeDeal(other, d);
      // Four statements, then the marker: the fifth put.
      const restore = failNthWrite(other, 'PutItemCommand', 5);
      await expect(close('2026-01', FEB_1, s)).rejects.toThrow(/injected failure/);
      restore();
      expect(await s.statement('2026-01', 'u1')).toBeUndefined();
      expect((await close('2026-01', FEB_1, s)).outcome).toBe('closed');
    } finally {
      await other.stop();
    }
  });
});

describe('daily accrual snapshots', () => {
  it('stores what each rep has earned so far, per local date, replaced by a re-run the same day', async () => {
    const now = new Date('2026-02-15T06:00:00+08:00');
    const r = await accrualRun({ book, store, tenant: TENANT, now, save: true });
    expect(r.date).toBe('2026-02-15');
    const saved = await store.accruals('2026-02', '2026-02-15');
    expect(saved.map((a) => a.repId)).toEqual(['m1', 'u1', 'u2', 'u3']);
    const u1 = saved.find((a) => a.repId === 'u1');
    expect(u1).toMatchObject({ credited: '50000.00', earned: '0.00', periodKey: '2026-02' });
    expect(u1?.segments[0]?.tiers[0]).toMatchObject({ tier: 1, rate: '0.04', nextTierNeeds: '100000.00' });
    await accrualRun({ book, store, tenant: TENANT, now: new Date('2026-02-15T20:00:00+08:00'), save: true });
    expect(await store.accruals('2026-02')).toHaveLength(4);
  });
});
