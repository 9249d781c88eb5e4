/**
 * Pins the full output of a mid-sized close of the benchmark's tenant (test/bench/incentives.ts: marginal tiers
 * with a gate, a SPIFF, a milestone, 70/30 splits, 10% of deals in USD), so that work on the close's speed can
 * prove every statement stays byte-identical: the digest covers each statement's JSON (key order, every field and
 * the content hash). Computed with the engine before the close was reworked for speed; never update it to make a
 * change pass.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closePeriod, verifyStatement } from '../../../shared/incentives';
import { benchData } from '../../bench/incentives';

describe('the benchmark tenant’s close', () => {
  it('is byte-identical to the pinned output', () => {
    const { book, deals } = benchData(60, 12_000);
    const { statements } = closePeriod({ book, periodKey: '2025-Q1', deals, closed: [] });
    expect(statements).toHaveLength(60);
    expect(statements.every(verifyStatement)).toBe(true);
    const digest = createHash('sha256').update(JSON.stringify(statements)).digest('hex');
    expect(digest).toBe('527d5302effb4f18ad2d1ca26d3fc40d052728a4c592f71d252089976efd03d8');
  });
});
