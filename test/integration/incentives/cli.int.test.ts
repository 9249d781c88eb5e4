/**
 * `quotaflow incentives` as an operator uses it, on dynalite: accrual, close (and its idempotent and refused
 * re-runs), statement in both locales and three formats, export and what-if (which writes nothing). The command
 * functions run with an injected terminal; argument errors run as the real CLI process (exit 2).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IncentiveWiring,
  runAccrual,
  runClose,
  runExport,
  runStatement,
  runWhatIf,
} from '../../../infra/cli/incentives';
import { loadTenant } from '../../../infra/tenants';
import { type Statement, verifyStatement } from '../../../shared/incentives';
import { IncentiveRepository } from '../../../shared/store/incentives';
import { cli as quotaflow } from '../../support/cli-process';
import { countWrites, type LocalTable, startLocalTable, type WriteCounter } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { demoBook, januaryDeals, ROOT, storeDeal, wonDeal } from './support';

let table: LocalTable;
let wiring: IncentiveWiring;
let writes: WriteCounter;
let now = new Date('2026-01-21T10:00:00+08:00');

const base = { tenant: 'demo' };

beforeAll(async () => {
  table = await startLocalTable('incentives-cli');
  for (const d of januaryDeals()) await storeDeal(table, d);
  wiring = {
    tenant: loadTenant(join(ROOT, 'tenants', 'demo.json')),
    book: demoBook(),
    store: new IncentiveRepository(table.doc, table.tableName),
    tableName: table.tableName,
    now: () => now,
  };
  writes = countWrites(table.doc);
});
afterAll(async () => {
  await table?.stop();
});

describe('incentives accrual', () => {
  it('shows each rep’s earnings so far, tier and what the next tier needs; --json; --save stores a snapshot', async () => {
    const { t, term } = terminal();
    expect(await runAccrual({ ...base }, wiring, term)).toBe(0);
    expect(t.out).toContain('accrual on 2026-01-21 (Asia/Shanghai)');
    expect(t.out).toMatch(/u1 +2026-01 +300000\.00 CNY +100% +25000\.00 CNY +commission #3 at 12%/);
    // u3: half of J3 and J4 converted at 7.10 = 111,000 (37%): tier 1 until 150,000.
    expect(t.out).toMatch(
      /u3 +2026-01 +111000\.00 CNY +37% +4440\.00 CNY +commission #1 at 4% +39000\.00 CNY more for 8%/,
    );
    expect(t.out).toContain('team components (overrides, team bonuses) are settled at close');
    writes.reset();
    const j = terminal();
    expect(await runAccrual({ ...base, json: true, rep: ['u1'], save: true }, wiring, j.term)).toBe(0);
    const parsed = JSON.parse(j.t.out);
    expect(parsed).toMatchObject({ tenant: 'demo', date: '2026-01-21', saved: true });
    expect(parsed.accruals).toHaveLength(1);
    expect(parsed.accruals[0]).toMatchObject({ repId: 'u1', earned: '25000.00' });
    expect(writes.writes).toBe(1);
  });

  it('an unknown rep or a bad period is a usage error (exit 2)', async () => {
    const a = terminal();
    expect(await runAccrual({ ...base, rep: ['nobody'] }, wiring, a.term)).toBe(2);
    expect(a.t.err).toContain('--rep nobody: not a rep of the plans (m1, u1, u2, u3)');
    const b = terminal();
    expect(await runAccrual({ ...base, period: '2026-13' }, wiring, b.term)).toBe(2);
    expect(b.t.err).toContain('--period must be a period such as 2026-03 or 2026-Q1, got "2026-13"');
    const c = terminal();
    expect(await runStatement({ ...base, rep: 'u9', period: '2026-01' }, wiring, c.term)).toBe(2);
    expect(c.t.err).toContain('--rep u9: not a rep of the plans (m1, u1, u2, u3)');
  });
});

describe('incentives close', () => {
  it('closes once; a re-run says it was already closed and writes nothing', async () => {
    now = new Date('2026-02-01T02:00:00+08:00');
    const a = terminal();
    expect(await runClose({ ...base, period: '2026-01' }, wiring, a.term)).toBe(0);
    // 25,000 + 0 + 4,440 + 4,510
    expect(a.t.out).toMatch(/^closed 2026-01: 4 statements, payable 33950\.00 CNY \(close [0-9a-f]{32}\)\n$/);
    writes.reset();
    const b = terminal();
    expect(await runClose({ ...base, period: '2026-01', json: true }, wiring, b.term)).toBe(0);
    const out = JSON.parse(b.t.out);
    expect(out.outcome).toBe('already-closed');
    expect(out.statements.map((s: { repId: string }) => s.repId)).toEqual(['m1', 'u1', 'u2', 'u3']);
    expect(writes.writes).toBe(0);
  });

  it('before the period ends it is refused (exit 1) with the reason', async () => {
    const { t, term } = terminal();
    expect(await runClose({ ...base, period: '2026-02' }, wiring, term)).toBe(1);
    expect(t.err).toContain('close 2026-02 refused: close 2026-02: refused');
    expect(t.err).toContain('2026-02 ends on 2026-02-28 (Asia/Shanghai); it can be closed from 2026-03-01');
  });
});

describe('incentives statement and export', () => {
  it('text in the rep’s locale or the one asked for; CSV; JSON that verifies', async () => {
    const zh = terminal();
    expect(await runStatement({ ...base, rep: 'u1', period: '2026-01' }, wiring, zh.term)).toBe(0);
    expect(zh.t.out).toContain('王芳（u1）2026-01 提成对账单');
    expect(zh.t.out).toMatch(/commission +J1 +¥4,000\.00 +¥50,000\.00 × 8% — 第2档，完成率 50%–100%/);
    expect(zh.t.out).toMatch(/应付合计 +¥25,000\.00/);
    const en = terminal();
    expect(await runStatement({ ...base, rep: 'u1', period: '2026-01', locale: 'en' }, wiring, en.term)).toBe(
      0,
    );
    expect(en.t.out).toContain('Statement 2026-01 for 王芳 (u1)');
    expect(en.t.out).toMatch(/total payable +CN¥25,000\.00/);
    expect(en.t.out).toContain('(2 deals)');
    const one = terminal();
    expect(
      await runStatement({ ...base, rep: 'u2', period: '2026-01', locale: 'en' }, wiring, one.term),
    ).toBe(0);
    expect(one.t.out).toContain('credited: CN¥40,000.00 (1 deal)');
    const csv = terminal();
    expect(
      await runStatement({ ...base, rep: 'u1', period: '2026-01', format: 'csv' }, wiring, csv.term),
    ).toBe(0);
    expect(csv.t.out.split('\r\n')[0]).toBe(
      'rep,period,kind,component,deal,amount,currency,trace,origin_period',
    );
    expect(csv.t.out).toContain('u1,2026-01,total,,,25000.00,CNY,应付合计,');
    const json = terminal();
    expect(await runStatement({ ...base, rep: 'u1', period: '2026-01', json: true }, wiring, json.term)).toBe(
      0,
    );
    expect(verifyStatement(JSON.parse(json.t.out) as Statement)).toBe(true);
  });

  it('a statement of an open period is a failure (exit 1) that says why', async () => {
    const open = terminal();
    expect(await runStatement({ ...base, rep: 'u1', period: '2026-02' }, wiring, open.term)).toBe(1);
    expect(open.t.err).toContain('2026-02 is not closed');
  });

  it('export: one CSV with one header for every rep, or a JSON array', async () => {
    const csv = terminal();
    expect(await runExport({ ...base, period: '2026-01', locale: 'en' }, wiring, csv.term)).toBe(0);
    const rows = csv.t.out.trim().split('\r\n');
    expect(rows.filter((r) => r.startsWith('rep,'))).toHaveLength(1);
    expect(rows.filter((r) => r.includes(',total,')).map((r) => r.split(',')[0])).toEqual([
      'm1',
      'u1',
      'u2',
      'u3',
    ]);
    const json = terminal();
    expect(await runExport({ ...base, period: '2026-01', format: 'json' }, wiring, json.term)).toBe(0);
    expect((JSON.parse(json.t.out) as Statement[]).map((s) => s.totals.payable)).toEqual([
      '4510.00',
      '25000.00',
      '0.00',
      '4440.00',
    ]);
  });
});

describe('incentives what-if', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qf-draft-'));
  const draftFile = (mutate: (c: ReturnType<typeof demoBook>['config']) => void) => {
    const config = structuredClone(demoBook().config);
    mutate(config);
    const file = join(dir, `draft-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(config));
    return file;
  };

  it('replays a draft over the closed periods: old, new and difference per rep, writing nothing', async () => {
    const draft = draftFile((c) => {
      const tiers = c.plans[0]?.components[0];
      if (tiers?.type === 'tiered' && tiers.tiers[0]) tiers.tiers[0].rate = '0.05';
    });
    writes.reset();
    const { t, term } = terminal();
    expect(await runWhatIf({ ...base, draft, periods: '3', json: true }, wiring, term)).toBe(0);
    const out = JSON.parse(t.out);
    expect(out.periods).toEqual(['2026-01']);
    // u1: 150,000 × 5% instead of 4% = +1,500; u3: 111,000 × 1% more = +1,110. Earnings only (no draws).
    expect(out.rows).toEqual([
      { repId: 'm1', oldTotal: '4510.00', newTotal: '4510.00', difference: '0.00' },
      { repId: 'u1', oldTotal: '25000.00', newTotal: '26500.00', difference: '1500.00' },
      { repId: 'u2', oldTotal: '0.00', newTotal: '0.00', difference: '0.00' },
      { repId: 'u3', oldTotal: '4440.00', newTotal: '5550.00', difference: '1110.00' },
    ]);
    expect(writes.writes).toBe(0);
    const text = terminal();
    expect(await runWhatIf({ ...base, draft, periods: '1' }, wiring, text.term)).toBe(0);
    expect(text.t.out).toMatch(/u1 +25000\.00 CNY +26500\.00 CNY +1500\.00/);
  });

  it('a bad draft is refused with its path and reason (exit 2)', async () => {
    const draft = draftFile((c) => {
      const tiers = c.plans[0]?.components[0];
      if (tiers?.type === 'tiered' && tiers.tiers[2]) tiers.tiers[2].rate = '0.9';
    });
    const { t, term } = terminal();
    expect(await runWhatIf({ ...base, draft, periods: '3' }, wiring, term)).toBe(2);
    expect(t.err).toMatch(
      /plans\[0\]\.components\[0\]\.tiers\[2\]\.rate: rate 0\.9 is above maxAcceleratorRate 0\.2/,
    );
    const n = terminal();
    expect(await runWhatIf({ ...base, draft, periods: '0' }, wiring, n.term)).toBe(2);
    expect(n.t.err).toContain('--periods must be a whole number from 1 to 60, got "0"');
  });
});

describe('a late change after the close', () => {
  it('makes a second close of the period fail (exit 1) naming the period; the statement is unchanged', async () => {
    const before = await wiring.store.statement('2026-01', 'u1');
    await storeDeal(
      table,
      wonDeal('J1', 'u1', '150000.00', '2026-01-05', { modifiedAt: '2026-02-03T02:00:00Z' }),
    );
    now = new Date('2026-02-04T09:00:00+08:00');
    const { t, term } = terminal();
    expect(await runClose({ ...base, period: '2026-01' }, wiring, term)).toBe(1);
    expect(t.err).toMatch(/^close 2026-01 refused: period 2026-01 is already closed/);
    expect(await wiring.store.statement('2026-01', 'u1')).toEqual(before);
  });
});

describe('the real command line', () => {
  const cli = (...args: string[]) =>
    quotaflow(['incentives', ...args], {
      env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
    });

  it('missing or bad arguments exit 2 with the reason', () => {
    const missing = cli('statement', '--tenant', 'demo', '--period', '2026-01');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '--rep <id>' not specified");
    const format = cli(
      'statement',
      '--tenant',
      'demo',
      '--rep',
      'u1',
      '--period',
      '2026-01',
      '--format',
      'xml',
    );
    expect(format.status).toBe(2);
    expect(format.stderr).toContain("option '--format <format>' argument 'xml' is invalid");
    const tenant = cli('close', '--tenant', 'nope', '--period', '2026-01');
    expect(tenant.status).toBe(2);
    expect(tenant.stderr).toContain('tenants/nope.json');
  });
});
