/**
 * Plans config files and the canonical deals the sync stores, as the runs read them: the demo tenant's plans are
 * valid; a bad plans file is refused with its file, path and reason; a stored deal maps to an engine deal (owner,
 * split credit, product and new-account fields, a deleted record as a cancelled deal).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import {
  closePeriod,
  dealFromRecord,
  dealsFromRecords,
  IncentiveInputError,
  lastEndedPeriods,
  planBookFromFile,
} from '../../../shared/incentives';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const demo = planBookFromFile(join(ROOT, 'tenants', 'incentives', 'demo.json'));
const mapping = demo.config.dealSource;

const record = (over: Partial<CanonicalRecord> = {}): CanonicalRecord => ({
  id: 'D-1',
  modifiedAt: '2026-03-10T02:00:00Z',
  owner: { id: 'u1', name: '王芳', email: 'wang.fang@demo.example' },
  status: 'won',
  stage: 'Closed Won',
  amount: '120000.00',
  currency: 'CNY',
  closeDate: '2026-03-10',
  fields: {},
  ...over,
});

describe('plans config files', () => {
  it('the demo tenant: reps, a manager, a team and monthly plans', () => {
    expect(demo.repIds()).toEqual(['m1', 'u1', 'u2', 'u3']);
    expect(demo.person('u3')).toEqual({
      name: 'Emily Carter',
      locale: 'en',
      email: 'emily.carter@demo.example',
    });
    expect(lastEndedPeriods(demo, '2026-04-01')).toEqual(['2026-03']);
  });

  it('a bad file is refused with the file, the path and the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qf-plans-'));
    const file = join(dir, 'acme.json');
    const bad = structuredClone(demo.config) as unknown as {
      plans: { components: { tiers?: { from: string }[] }[] }[];
      reps: { email?: string }[];
    };
    const tiers = bad.plans[0]?.components[0]?.tiers;
    if (!tiers?.[1] || !bad.reps[0]) throw new Error('demo changed');
    tiers[1].from = '0.6';
    bad.reps[0].email = 'not-an-address';
    writeFileSync(file, JSON.stringify(bad));
    const err = (() => {
      try {
        planBookFromFile(file, 'tenants/incentives/acme.json');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(IncentiveInputError);
    const message = (err as Error).message;
    expect(message).toContain('tenants/incentives/acme.json: refused');
    expect(message).toMatch(/plans\[0\]\.components\[0\]\.tiers\[1\]\.from: .*gap/);
    expect(message).toContain('reps[0].email: must be an email address');
    writeFileSync(file, '{ nope');
    expect(() => planBookFromFile(file, 'acme.json')).toThrow(
      /acme.json: refused\n {2}- \(file\): is not valid JSON/,
    );
    expect(() => planBookFromFile(join(dir, 'none.json'), 'none.json')).toThrow(/\(file\): does not exist/);
  });
});

describe('stored deals → engine deals', () => {
  const opts = { currency: 'CNY', mapping };

  it('the owner is credited 100%; fields give product, new account, more amounts and dates', () => {
    const out = dealFromRecord(
      {
        record: record({
          fields: {
            product: 'ERP 采购',
            newAccount: true,
            arr: '60000.00',
            wonAt: '2026-03-09T17:30:00Z',
            note: 'x',
          },
        }),
        deleted: false,
      },
      opts,
    );
    expect(out).toEqual({
      deal: {
        id: 'D-1',
        modifiedAt: '2026-03-10T02:00:00Z',
        status: 'won',
        currency: 'CNY',
        amounts: { amount: '120000.00', arr: '60000.00' },
        dates: { modifiedAt: '2026-03-10T02:00:00Z', closeDate: '2026-03-10', wonAt: '2026-03-09T17:30:00Z' },
        owners: [{ repId: 'u1', percent: '100' }],
        stage: 'Closed Won',
        product: 'ERP 采购',
        newAccount: true,
      },
    });
  });

  it('a split in the split field replaces the owner; the credit splits conserve the amount', () => {
    const deals = dealsFromRecords(
      [{ record: record({ amount: '100000.01', fields: { creditSplit: 'u1:60; u2:40' } }), deleted: false }],
      opts,
    );
    expect(deals[0]?.owners).toEqual([
      { repId: 'u1', percent: '60' },
      { repId: 'u2', percent: '40' },
    ]);
    const statements = closePeriod({ book: demo, periodKey: '2026-03', deals, closed: [] }).statements;
    const credited = statements.flatMap((s) => s.credits.map((c) => c.amount));
    expect(credited.sort()).toEqual(['40000.00', '60000.01']);
  });

  it('a deleted record is a cancelled deal; a deal with no owner is skipped; bad ones are all named by id', () => {
    const gone = dealFromRecord({ record: record(), deleted: true }, opts);
    expect(gone && 'deal' in gone ? gone.deal.status : undefined).toBe('cancelled');
    const { owner: _o, ...ownerless } = record();
    expect(dealFromRecord({ record: ownerless, deleted: false }, opts)).toBeUndefined();
    expect(() =>
      dealsFromRecords(
        [
          { record: record({ id: 'A', fields: { creditSplit: 'u1=60' } }), deleted: false },
          { record: record({ id: 'B', currency: undefined }), deleted: false },
          { record: record({ id: 'C', fields: { creditSplit: 'u1:60;u2:30' } }), deleted: false },
        ],
        opts,
        'close 2026-03: deals',
      ),
    ).toThrow(/close 2026-03: deals: refused\n {2}- deal A\.fields\.creditSplit: "u1=60" is not a split/);
    // B takes the tenant currency; C's split is the engine's to refuse (it does, when it credits).
    const ok = dealsFromRecords([{ record: record({ id: 'B', currency: undefined }), deleted: false }], opts);
    expect(ok[0]?.currency).toBe('CNY');
  });
});
