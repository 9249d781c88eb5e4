/**
 * The runs' calendar: a period can be closed only once it has ended in the plans' zone (Asia/Shanghai and a DST
 * zone), the scheduled close finds the period that just ended (months and quarters), and a deal credited by a
 * local date lands in the period of that zone. The store here is a plain in-memory one (the DynamoDB store has
 * its own integration tests).
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import {
  type CloseMarker,
  closeRun,
  type IncentiveStorePort,
  type IncentiveTenant,
  lastEndedPeriods,
  type SourceDeal,
  type Statement,
} from '../../../shared/incentives';
import { book, TIERS } from './fixtures';

class MemoryStore implements IncentiveStorePort {
  readonly markers = new Map<string, CloseMarker>();
  readonly frozen = new Map<string, Statement[]>();
  constructor(readonly stored: SourceDeal[]) {}
  async closes() {
    return [...this.markers.values()];
  }
  async close(k: string) {
    return this.markers.get(k);
  }
  async statements(k: string) {
    return this.frozen.get(k) ?? [];
  }
  async freeze(k: string, s: readonly Statement[], now: Date) {
    const marker = {
      periodKey: k,
      closeId: s.map((x) => x.hash).join(''),
      closedAt: now.toISOString(),
      statements: s.length,
    };
    if (this.markers.has(k)) return { outcome: 'already-closed' as const, marker };
    this.markers.set(k, marker);
    this.frozen.set(k, [...s]);
    return { outcome: 'closed' as const, marker };
  }
  async putAccruals() {}
  async deals() {
    return this.stored;
  }
}

const tenant = (timeZone: string): IncentiveTenant => ({
  id: 't',
  displayName: 'T',
  timeZone,
  currency: 'USD',
  mail: { sender: 'a@b.example' },
});
const won = (id: string, modifiedAt: string): SourceDeal => ({
  record: {
    id,
    modifiedAt,
    owner: { id: 'r1' },
    status: 'won',
    amount: '1000.00',
    currency: 'USD',
    fields: { wonAt: modifiedAt },
  } as CanonicalRecord,
  deleted: false,
});

describe('closing by the plans’ calendar', () => {
  const ny = book([{ id: 'b', type: 'tiered', mode: 'marginal', tiers: TIERS }], {
    currency: 'USD',
    timeZone: 'America/New_York',
    credit: { amountField: 'amount', dateField: 'wonAt' },
  });

  it('New York (EDT, UTC−4 since 8 March): March ends at 04:00 UTC on 1 April, and a 23:30 deal is March’s', async () => {
    // Won 23:30 on 31 March in New York = 03:30 UTC on 1 April.
    const store = new MemoryStore([
      won('late-march', '2026-04-01T03:30:00Z'),
      won('april', '2026-04-01T04:30:00Z'),
    ]);
    const run = (at: string) =>
      closeRun({
        book: ny,
        store,
        tenant: tenant('America/New_York'),
        periodKey: '2026-03',
        now: new Date(at),
      });
    await expect(run('2026-04-01T03:59:00Z')).rejects.toThrow(
      /2026-03 ends on 2026-03-31 \(America\/New_York\)/,
    );
    const r = await run('2026-04-01T04:01:00Z');
    expect(r.outcome).toBe('closed');
    expect(r.statements[0]?.credits.map((c) => [c.dealId, c.date])).toEqual([['late-march', '2026-03-31']]);
  });

  it('Shanghai (UTC+8): January can be closed from 16:00 UTC on 31 January', async () => {
    const sh = book([{ id: 'b', type: 'flat', rate: '0.1' }], {
      currency: 'USD',
      credit: { amountField: 'amount', dateField: 'wonAt' },
    });
    const store = new MemoryStore([won('d', '2026-01-31T15:59:00Z')]);
    const run = (at: string) =>
      closeRun({ book: sh, store, tenant: tenant('Asia/Shanghai'), periodKey: '2026-01', now: new Date(at) });
    await expect(run('2026-01-31T15:59:59Z')).rejects.toThrow(/can be closed from 2026-02-01/);
    expect((await run('2026-01-31T16:00:00Z')).outcome).toBe('closed');
    // Re-running is reported as already closed, with the stored statements.
    const again = await run('2026-02-01T09:00:00Z');
    expect(again.outcome).toBe('already-closed');
    expect(again.statements).toEqual(store.frozen.get('2026-01'));
  });

  it('the scheduled close takes the last ended month, or quarter for quarterly plans', () => {
    const monthly = book([{ id: 'b', type: 'flat', rate: '0.1' }]);
    const quarterly = book([{ id: 'b', type: 'flat', rate: '0.1' }], { period: 'quarter' });
    expect(lastEndedPeriods(monthly, '2026-04-01')).toEqual(['2026-03']);
    expect(lastEndedPeriods(monthly, '2026-01-01')).toEqual(['2025-12']);
    expect(lastEndedPeriods(quarterly, '2026-04-01')).toEqual(['2026-Q1']);
    // A late re-run (a redrive on the 3rd) still finds the same period.
    expect(lastEndedPeriods(quarterly, '2026-04-03')).toEqual(['2026-Q1']);
  });
});
