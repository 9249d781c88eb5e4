/**
 * The statement content hash (scheme qf-statement-hash/2): independent of the order members come back in from
 * storage, and changed by any change to what a statement says, including a value's JSON type.
 */
import { describe, expect, it } from 'vitest';
import { closePeriod, type Statement, statementHash, verifyStatement } from '../../../shared/incentives';
import { book, deal, TIERS } from './fixtures';

const [s] = closePeriod({
  book: book([
    { id: 'base', type: 'tiered', mode: 'marginal', tiers: TIERS, capPerDeal: '40000' },
    { id: 'nl', type: 'spiff', when: { newAccount: true }, fixed: '500' },
  ]),
  periodKey: '2025-03',
  deals: [
    deal('600000.00', '2025-03-03', { newAccount: true, product: 'ERP' }),
    deal('300000.00', '2025-03-09', { stagesReached: ['Proposal', 'Won'] }),
  ],
  closed: [],
}).statements;
if (!s) throw new Error('no statement');

/** Every object rebuilt with its keys in reverse order, as a map read back from DynamoDB may be. */
const reversed = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(reversed);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .reverse()
      .map((k) => [k, reversed((v as Record<string, unknown>)[k])]),
  );
};
const copy = (): Statement => JSON.parse(JSON.stringify(s)) as Statement;

describe('statement content hash', () => {
  it('is a sha256 that survives a JSON round trip and any key order', () => {
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyStatement(copy())).toBe(true);
    expect(verifyStatement(reversed(copy()) as Statement)).toBe(true);
  });

  it('changes with any amount, credit, trace, origin, total or a value’s type', () => {
    const edits: ((x: Statement) => void)[] = [
      (x) => {
        (x.lines[0] as { amount: string }).amount = '0.01';
      },
      (x) => {
        (x.credits[0] as { amount: string }).amount = '1.00';
      },
      (x) => {
        (x.credits[0] as { newAccount?: unknown }).newAccount = 'true';
      },
      (x) => {
        (x.credits[1] as { stagesReached?: string[] }).stagesReached = ['Won', 'Proposal'];
      },
      (x) => {
        (x.lines[0]?.trace as { rate: string }).rate = '0.5';
      },
      (x) => {
        (x.lines[0] as { origin?: unknown }).origin = { periodKey: '2025-02', key: 'k' };
      },
      (x) => {
        x.lines.pop();
      },
      (x) => {
        x.totals.payable = '1.00';
      },
      (x) => {
        x.segments[0] = { ...(x.segments[0] as Statement['segments'][number]), attainment: '2' };
      },
      (x) => {
        x.restatements.push({ periodKey: '2025-02', credits: [] });
      },
    ];
    for (const edit of edits) {
      const x = copy();
      edit(x);
      expect(statementHash(x)).not.toBe(s.hash);
      expect(verifyStatement(x)).toBe(false);
    }
  });

  it('tells an absent optional member from a present one', () => {
    const x = copy();
    const line = x.lines.find((l) => l.dealId !== undefined);
    if (!line) throw new Error('no deal line');
    delete (line as { dealId?: string }).dealId;
    expect(verifyStatement(x)).toBe(false);
  });

  it('hashes text beyond ASCII as its UTF-8 bytes, as before', () => {
    // Pinned with the engine that always hashed through the UTF-8 encoder (ASCII text now takes a plain copy).
    const [one] = closePeriod({
      book: book([{ id: 'base', type: 'tiered', mode: 'marginal', tiers: TIERS, capPerDeal: '40000' }]),
      periodKey: '2025-03',
      deals: [deal('600000.00', '2025-03-03', { id: 'D-1', product: 'ERP' })],
      closed: [],
    }).statements;
    if (!one) throw new Error('no statement');
    expect(one.hash).toBe('d6b9de225231e221ffe4fc126c0d1bbb123c1954bfe839a0610dc173febcadec');
    const x = JSON.parse(JSON.stringify(one)) as Statement;
    (x.credits[0] as { product?: string }).product = '企业版 ERP — “年度”';
    (x.lines[0] as { dealId?: string }).dealId = 'D-😀';
    expect(statementHash(x)).toBe('b230fce8d4aba8344cb3f35a568dd0730fab66bbcdcf856aee44df5a62b95efa');
  });
});
