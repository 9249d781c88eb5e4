import { describe, expect, it } from 'vitest';
import {
  creditDealsRaw,
  type Deal,
  freshCreditRecord,
  toCreditRecord,
} from '../../../shared/incentives/credit';
import { benchData } from '../../bench/incentives';

describe('freshCreditRecord', () => {
  it('is toCreditRecord, member for member and in the same order, for every credit creditDealsRaw makes', () => {
    const { book, deals } = benchData(20, 400);
    // Optional members present and absent, stages, splits of odd percentages, USD converted at 7.1.
    const extra: Deal[] = [
      { ...(deals[0] as Deal), id: 'X1', stage: 'Won', product: undefined },
      { ...(deals[1] as Deal), id: 'X2', stagesReached: ['Proposal', 'Won'], newAccount: undefined },
      {
        ...(deals[2] as Deal),
        id: 'X3',
        currency: 'USD',
        amounts: { amount: '-1234.565' },
        owners: [
          { repId: 'rep-0001', percent: '33.3333' },
          { repId: 'rep-0002', percent: '66.6667' },
        ],
      },
    ];
    let n = 0;
    for (const list of creditDealsRaw(book, [...deals, ...extra]).values())
      for (const c of list) {
        const fresh = freshCreditRecord(c, 'CNY');
        const spread = toCreditRecord(c, 'CNY');
        expect(Object.keys(fresh)).toEqual(Object.keys(spread));
        expect(fresh).toStrictEqual(spread);
        expect(JSON.stringify(fresh)).toBe(JSON.stringify(spread));
        n++;
      }
    expect(n).toBeGreaterThan(400);
  });
});
