/**
 * The incentives, digest and workflows commands on a running npm start, found by --data-dir as the goals commands
 * find it: they act at the runtime's clock (here a stand-in runtime answering GET /_local/clock with a moved clock,
 * its table on dynalite), the digest's goals with the holidays of that clock's year; --now and --as-of still win.
 * The clock is years from any machine's, so acting at the machine's time (or its year's holidays) shows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreview } from '../../../infra/cli/digest';
import { digestWiring } from '../../../infra/cli/digest-wiring';
import { incentivesWiring, runAccrual } from '../../../infra/cli/incentives';
import { targetForCli } from '../../../infra/cli/tenant-target';
import { runDryRun, runEvents, workflowsWiring } from '../../../infra/cli/workflows';
import { EventArchive } from '../../../shared/store/event-archive';
import { isBusinessDay } from '../../../shared/workflows/calendar';
import { cliAsync } from '../../support/cli-process';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { deal, event } from '../../unit/workflows/fixtures';

/** Monday 2040-07-02, 10:00 in Shanghai: ISO week 2040-W27; 4 July 2040 is a US holiday (a Wednesday). */
const CLOCK = '2040-07-02T02:00:00.000Z';

let table: LocalTable;
let server: Server;
let dataDir: string;

beforeAll(async () => {
  table = await startLocalTable('cli-clock');
  server = createServer((req, res) => {
    if (req.url === '/_local/clock')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now: CLOCK }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'qf-cli-clock-'));
  writeFileSync(
    join(dataDir, 'runtime.json'),
    JSON.stringify({
      tenant: 'demo',
      url,
      pid: process.pid,
      endpoints: { AWS_ENDPOINT_URL_DYNAMODB: table.endpoint, TABLE_NAME: table.tableName },
    }),
  );
});
afterAll(async () => {
  await new Promise((ok) => server?.close(ok));
  await table?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Within a minute of the runtime's clock (it moves on in real time while the test runs). */
const atRuntimeClock = (at: Date) => expect(Math.abs(at.getTime() - Date.parse(CLOCK))).toBeLessThan(60_000);

describe('incentives on npm start', () => {
  it("accrue as of the runtime's clock, its table found by --data-dir; --now still wins", async () => {
    const opts = { tenant: 'demo', dataDir };
    const w = await incentivesWiring(opts, await targetForCli(opts));
    try {
      expect(w.tableName).toBe(table.tableName);
      atRuntimeClock((w.now as () => Date)());
      const { t, term } = terminal();
      expect(await runAccrual({ ...opts, json: true }, w, term)).toBe(0);
      expect(JSON.parse(t.out)).toMatchObject({ tenant: 'demo', date: '2040-07-02' });
    } finally {
      w.destroy();
    }
    const fixed = { ...opts, now: '2040-08-15T09:00:00+08:00' };
    const later = await incentivesWiring(fixed, await targetForCli(fixed));
    try {
      expect((later.now as () => Date)().toISOString()).toBe('2040-08-15T01:00:00.000Z');
    } finally {
      later.destroy();
    }
  });

  it('the CLI takes --data-dir and prints the accrual of the runtime’s day', async () => {
    const { status, stdout, stderr } = await cliAsync(
      ['incentives', 'accrual', '--tenant', 'demo', '--data-dir', dataDir],
      { timeoutMs: 120_000 },
    );
    expect(status, stderr).toBe(0);
    expect(stdout).toContain('accrual on 2040-07-02 (Asia/Shanghai)');
  }, 150_000);
});

describe('digest on npm start', () => {
  it("previews as of the runtime's clock, with the holidays of its year; --as-of still wins", async () => {
    const w = await digestWiring({ tenant: 'demo', dataDir });
    try {
      atRuntimeClock(w.now());
      // date-holidays calendars are resolved for the runtime's year, not this machine's.
      expect(isBusinessDay(w.goals.calendar('us'), '2040-07-04')).toBe(false);
      expect(isBusinessDay(w.goals.calendar('us'), '2040-07-05')).toBe(true);
      const now = terminal();
      expect(await runPreview({ tenant: 'demo', manager: 'm1', format: 'json' }, w, now.term)).toBe(0);
      expect(JSON.parse(now.t.out).digest.period).toMatchObject({ key: '2040-W27', kind: 'week' });
      const asOf = terminal();
      const opts = {
        tenant: 'demo',
        manager: 'm1',
        format: 'json' as const,
        asOf: '2040-07-20T09:00:00+08:00',
      };
      expect(await runPreview(opts, w, asOf.term)).toBe(0);
      expect(JSON.parse(asOf.t.out).digest.period.key).toBe('2040-W29');
    } finally {
      w.destroy();
    }
  });
});

describe('workflows on npm start', () => {
  it("list and dry-run the runtime's last days, not this machine's; --now still wins", async () => {
    // Archived on the runtime's yesterday (Sunday 2040-07-01, 11:00 in Shanghai).
    const won = event('deal.won', deal({ status: 'won', stage: 'Closed Won' }), {
      occurredAt: '2040-07-01T03:00:00.000Z',
      eventId: 'evt-2040-won',
    });
    await new EventArchive(table.doc, table.tableName, {
      timeZone: 'Asia/Shanghai',
      now: () => new Date(CLOCK),
    }).put(won);

    const opts = { tenant: 'demo', dataDir };
    const w = await workflowsWiring({}, await targetForCli(opts));
    try {
      expect(w.tableName('demo')).toBe(table.tableName);
      atRuntimeClock(w.now());
      const listed = terminal();
      expect(await runEvents({ tenant: 'demo', days: 3, json: true }, w, listed.term)).toBe(0);
      expect(JSON.parse(listed.t.out).map((e: { eventId: string }) => e.eventId)).toEqual(['evt-2040-won']);
      const dry = terminal();
      expect(await runDryRun({ tenant: 'demo', days: 3, json: true }, w, dry.term)).toBe(0);
      expect(JSON.parse(dry.t.out).totals).toMatchObject({ events: 1 });
    } finally {
      w.destroy();
    }

    const fixed = { ...opts, now: '2040-08-15T09:00:00+08:00' };
    const later = await workflowsWiring({ now: fixed.now }, await targetForCli(fixed));
    try {
      expect(later.now().toISOString()).toBe('2040-08-15T01:00:00.000Z');
      const none = terminal();
      expect(await runEvents({ tenant: 'demo', days: 3, json: true }, later, none.term)).toBe(0);
      expect(JSON.parse(none.t.out)).toEqual([]);
    } finally {
      later.destroy();
    }
  });
});
