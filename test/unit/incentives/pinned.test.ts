/**
 * Pins the exact output of a mid-sized generated tenant (pinned-data.ts) so that performance work on the engine
 * can prove it changed nothing. The digests were computed with the engine before it was optimised (the
 * decimal.js-everywhere version) and must never be updated to make a change pass: a new digest means a result
 * changed. JSON.stringify (not the canonical form) is digested, so key order and every field are pinned too.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  closePeriod,
  creditDeals,
  type Deal,
  estimateDeal,
  PlanBook,
  RepAccrual,
  replayDraft,
  type Statement,
  verifyStatement,
} from '../../../shared/incentives';
import { pinnedData } from './pinned-data';

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('pinned results of a generated tenant', () => {
  const { book, jan, feb, mar } = pinnedData();
  const m1 = closePeriod({ book, periodKey: '2025-01', deals: jan, closed: [] }).statements;
  const m2 = closePeriod({ book, periodKey: '2025-02', deals: feb, closed: m1 }).statements;
  const m3 = closePeriod({ book, periodKey: '2025-03', deals: mar, closed: [...m1, ...m2] }).statements;
  const q1 = closePeriod({ book, periodKey: '2025-Q1', deals: mar, closed: [] }).statements;
  const payable = (ss: Statement[]) => ss.map((s) => `${s.repId}=${s.totals.payable}`).join(' ');

  it('closes: statements, hashes and key order are byte-identical to the pre-optimisation engine', () => {
    expect([m1.length, m2.length, m3.length, q1.length]).toEqual(PINNED.counts);
    // Statement content (everything but the hash) is pinned to the pre-optimisation engine; the hash itself is
    // pinned separately because its scheme changed on purpose (statement.ts HASH_SCHEME, scheme 2).
    const content = (ss: Statement[]) => ss.map(({ hash: _h, ...rest }) => rest);
    expect([m1, m2, m3, q1].map((ss) => digest(content(ss)))).toEqual(PINNED.contents);
    expect([m1, m2, m3, q1].map((ss) => digest(ss.map((s) => s.hash)))).toEqual(PINNED.hashes);
    expect([m1, m2, m3, q1].map(payable)).toEqual(PINNED.payable);
    expect([...m1, ...m2, ...m3, ...q1].every(verifyStatement)).toBe(true);
    // The dataset does exercise restatements and every adjusting kind.
    const kinds = new Set([...m2, ...m3].flatMap((s) => s.lines.map((l) => l.kind)));
    expect([...kinds].sort()).toEqual(PINNED.laterKinds);
    expect(m3.filter((s) => s.restatements.length > 0).length).toBeGreaterThan(5);
  });

  it('credits, accrual, estimate and what-if are unchanged', () => {
    const credits = [...creditDeals(book, mar)].map(([rep, list]) => [
      rep,
      list.map((c) => ({
        ...c,
        amount: c.amount.toFixed(),
        dealAmount: c.dealAmount.toFixed(),
        share: c.share.toFixed(),
      })),
    ]);
    const accruals = ['cn-00', 'cn-03', 'jp-01', 'kw-02', 'lite-04', 'mgr-00'].map((rep) => {
      const acc = RepAccrual.start(book, rep, '2025-02');
      for (const d of feb) acc.addDeal(d);
      const est = estimateDeal(book, acc, {
        ...(feb[7] as Deal),
        id: 'what-if',
        owners: [{ repId: rep, percent: '100' }],
        dates: { closeDate: '2025-02-27', wonAt: '2025-02-27T12:00:00Z' },
      });
      return [acc.summary(), est];
    });
    const draft = PlanBook.parse({
      ...book.config,
      plans: book.config.plans.map((p) => ({ ...p, periodCap: undefined, draw: undefined })),
    });
    const replay = replayDraft(book, draft, [...m1, ...m2, ...m3], 3);
    expect([digest(credits), digest(accruals), digest(replay)]).toEqual(PINNED.others);
  });
});

// Computed with the engine as of commit 1142228 (before the integer-minor-unit rework); `closes` digests whole
// statements with their scheme-1 hashes, `contents` the same statements without the hash (computed with the
// engine that still reproduced `closes`), `hashes` the scheme-2 hashes of those statements.
const PINNED = {
  counts: [31, 31, 31, 5],
  contents: [
    '2880bb182cf6c09a6a90e228613527b488339799e78963c4b43d89e890e6ce13',
    'cb007deb27fb715e8a926fdbda2d0de2c2419bf981c3c2ab393f9df2a04d26d8',
    '1ad5e53029d4d7d6913b331d9d80e07b918960cc8c35472ba7db43432861d860',
    '5bc1681e07b7db3b484a9ada7c561b6ced5ac350cfa0f8e24a23b73e544067d2',
  ],
  hashes: [
    '77f8c9ecc988556a745b4facf90fc9a8508bcc7e800efcc0f1e04ae04786a828',
    '95eb51b309f5c60321a7d6710e1877030dbaddf4fe7c376c7f1e8efa26bdbb5b',
    '63833f32a77ce977e142787018bebe2f57e7c3e2999b30c53fe423925e13d5a6',
    '7dad4a398c29a882651ed8789ab2d72025471e65a657875dc1b70bc55d3162bf',
  ],
  /** Scheme 1 (canonical JSON of the whole statement), kept for the record; no longer asserted. */
  closesScheme1: [
    'fbab6acce6d608c40e9fdffd7dad5eac1549d3ae2d773176a0ca9eb76d30793a',
    'cfcbfcb320e98746d765ca589caa769fdbd76097ce02560acd3ee2729ef8936a',
    'f93507d95ee188fdde079011fa75083f97c9e2caf4979b1280473c4cb98d4e79',
    'fd0302bc7b5de64b396ef99b04fa9482e0f71fed38da9ec921c0bcbb7810c43c',
  ],
  payable: [
    'cn-00=12000.00 cn-01=37782.75 cn-02=92541.17 cn-03=91386.63 cn-04=17212.97 cn-05=63849.46 cn-06=90189.39 cn-07=91134.51 cn-08=43242.98 cn-09=47703.74 cn-10=90000.00 cn-11=90000.00 cn-12=12000.00 cn-13=65999.17 jp-00=263085 jp-01=638032 jp-02=29922 jp-03=172778 jp-04=251379 kw-00=116215.062 kw-01=149230.798 kw-02=8578.268 kw-03=17591.457 lite-00=15233.63 lite-01=8337.42 lite-02=15155.56 lite-03=15155.55 lite-04=4206.60 lite-05=15155.55 mgr-00=70052.09 mgr-01=70052.09',
    'cn-00=11298.87 cn-01=74512.48 cn-02=78209.72 cn-03=78936.90 cn-04=26031.52 cn-05=59320.53 cn-06=68997.43 cn-07=78999.33 cn-08=26630.91 cn-09=51880.56 cn-10=77745.85 cn-11=79652.32 cn-12=12000.00 cn-13=66598.77 jp-00=327111 jp-01=1262609 jp-02=77226 jp-03=136071 jp-04=227155 kw-00=10061.124 kw-01=9147.677 kw-02=1914.332 kw-03=10743.652 lite-00=8029.94 lite-01=17303.38 lite-02=12062.10 lite-03=15155.55 lite-04=5191.51 lite-05=15155.55 mgr-00=69078.41 mgr-01=69078.41',
    'cn-00=13815.65 cn-01=82379.30 cn-02=67581.12 cn-03=69204.85 cn-04=33274.44 cn-05=75479.42 cn-06=68304.03 cn-07=69844.07 cn-08=18648.14 cn-09=70592.74 cn-10=65539.59 cn-11=67332.16 cn-12=12000.00 cn-13=47387.51 jp-00=402726 jp-01=1218079 jp-02=173089 jp-03=476014 jp-04=475061 kw-00=6519.125 kw-01=11784.804 kw-02=7790.008 kw-03=0.000 lite-00=9410.07 lite-01=16680.12 lite-02=13245.45 lite-03=15155.55 lite-04=14253.73 lite-05=15155.55 mgr-00=100775.96 mgr-01=100775.96',
    'us-00=58433.51 us-01=12887.36 us-02=28053.41 us-03=19836.53 us-04=76033.72',
  ],
  laterKinds: [
    'adjustment',
    'cap',
    'clawback',
    'commission',
    'draw',
    'gate',
    'milestone',
    'override',
    'spiff',
    'teamBonus',
  ],
  others: [
    '5c396d0710a5aae5ada7829852c58e2e432f0f213b8c5d9938c94fea1e13a783',
    '62381dc5e2547ba80c4f9d71bb43b01d9fec6dd0b90b96eff1e506f7dc8208a5',
    '4da337a14478392fba85bfc7bf4190a3730ad586ba7604d14ffe39397a3af152',
  ],
};
