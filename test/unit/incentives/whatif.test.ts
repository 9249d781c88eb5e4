import { describe, expect, it } from 'vitest';
import { closePeriod, estimateDeal, RepAccrual, replayDraft } from '../../../shared/incentives';
import { book, deal, TIERS } from './fixtures';

describe('what-if', () => {
  it('replays a draft plan over closed periods without changing them', () => {
    const current = book([{ id: 'f', type: 'flat', rate: '0.05' }]);
    const draft = book([{ id: 'f', type: 'flat', rate: '0.06' }]);
    const jan = closePeriod({
      book: current,
      periodKey: '2025-01',
      deals: [deal('100000.00', '2025-01-10')],
      closed: [],
    }).statements;
    const feb = closePeriod({
      book: current,
      periodKey: '2025-02',
      deals: [deal('50000.00', '2025-02-10')],
      closed: jan,
    }).statements;
    const before = JSON.stringify([...jan, ...feb]);
    // old: 150,000 × 5% = 7,500 ; new: 150,000 × 6% = 9,000
    expect(replayDraft(current, draft, [...jan, ...feb], 2)).toEqual([
      { repId: 'r1', oldTotal: '7500.00', newTotal: '9000.00', difference: '1500.00' },
    ]);
    expect(JSON.stringify([...jan, ...feb])).toBe(before);
  });

  it('estimates what a deal would add, including a tier change', () => {
    const b = book([{ id: 't', type: 'tiered', mode: 'marginal', tiers: TIERS }]);
    const acc = RepAccrual.start(b, 'r1', '2025-03');
    acc.addDeal(deal('450000.00', '2025-03-03'));
    const e = estimateDeal(b, acc, deal('100000.00', '2025-03-20', { status: 'open' }));
    // 50,000 × 5% + 50,000 × 8% = 2,500 + 4,000
    expect(e).toMatchObject({ earnedNow: '22500.00', earnedIfWon: '29000.00', additional: '6500.00' });
    expect(acc.summary().earned).toBe('22500.00');
  });
});
