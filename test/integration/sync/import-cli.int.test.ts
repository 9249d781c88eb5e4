/**
 * `quotaflow import` as an operator sees it: progress on the terminal (one updating line on a TTY, plain lines
 * otherwise), exit codes 0/1/2, a clear way on after an interruption, and the result as JSON. runImport runs against
 * the Zoho simulator and dynalite; the argument handling runs as the real CLI process.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportWiring, runImport } from '../../../infra/cli/import';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { cli } from '../../support/cli-process';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { storedRecords } from './reconcile-support';
import { RecordingBus, secretsOf, tenantOn } from './support';

let sim: ZohoSimulator;
let table: LocalTable;
let wiring: ImportWiring;

beforeAll(async () => {
  sim = await startZohoSimulator({ seed: { deals: 450, leads: 30, contacts: 0 } });
  table = await startLocalTable('quotaflow-import-cli');
  wiring = {
    tenant: tenantOn('acme', {
      provider: 'zoho',
      dataCenter: 'com',
      accountsUrl: sim.url,
      modules: ['Deals', 'Leads'],
    }),
    secrets: secretsOf({
      zohoClientId: sim.clientId,
      zohoClientSecret: sim.clientSecret,
      zohoRefreshToken: sim.issueRefreshToken(),
    }),
    doc: table.doc,
    tableName: table.tableName,
    bus: new RecordingBus(),
  };
});
afterAll(async () => {
  await sim?.stop();
  await table?.stop();
});

describe('quotaflow import', () => {
  it('stops after the page under way on Ctrl+C, exits 1 and says how to continue', async () => {
    const { t, term } = terminal(false);
    // Ctrl+C pressed while the first page is read: the import stops once that page is applied.
    const pressed = () => sim.requests.some((r) => r.path === '/crm/v8/Deals');
    const code = await runImport({ tenant: 'acme' }, wiring, term, pressed);
    expect(code).toBe(1);
    expect(t.err).toContain('Deals: stopped: 1 pages, 200 records');
    expect(t.err).toContain('run again with --resume');
    expect(await storedRecords(table, 'deal')).toHaveLength(200);
  });

  it('refuses to start over an interrupted import without --resume or --restart', async () => {
    const { t, term } = terminal(false);
    expect(await runImport({ tenant: 'acme' }, wiring, term)).toBe(1);
    expect(t.err).toMatch(
      /an interrupted import of Deals is saved \(1 pages, 200 records.*--resume.*--restart/,
    );
    expect(await runImport({ tenant: 'acme', resume: true, restart: true }, wiring, term)).toBe(2);
  });

  it('--resume finishes on a single updating line per module on a TTY, exit 0, JSON on stdout', async () => {
    const { t, term } = terminal(true);
    const code = await runImport({ tenant: 'acme', resume: true, json: true }, wiring, term);
    expect(code).toBe(0);
    expect(t.err).toContain('\r\x1b[2KDeals (full): 3 pages, 450 records');
    expect(t.err).toMatch(/records\/s/);
    expect(t.err).toMatch(/Deals: complete: 2 pages, 250 records .*, resumed\n/);
    expect(t.err).toMatch(/Leads: complete: 1 pages, 30 records/);
    const json = JSON.parse(t.out) as { complete: boolean; modules: { module: string; status: string }[] };
    expect(json.complete).toBe(true);
    expect(json.modules.map((m) => [m.module, m.status])).toEqual([
      ['Deals', 'complete'],
      ['Leads', 'complete'],
    ]);
    expect(await storedRecords(table, 'deal')).toHaveLength(450);
    expect(await storedRecords(table, 'lead')).toHaveLength(30);
  });

  it('--resume after a finished import has nothing left to do', async () => {
    const { t, term } = terminal(false);
    const before = sim.requests.length;
    expect(await runImport({ tenant: 'acme', resume: true }, wiring, term)).toBe(0);
    expect(t.err).toContain('Deals: already imported');
    expect(sim.requests.length).toBe(before);
  });

  it('exits 2 for a module the tenant does not sync, and for a tenant without a CRM', async () => {
    const a = terminal(false);
    expect(await runImport({ tenant: 'acme', module: ['Potentials'] }, wiring, a.term)).toBe(2);
    expect(a.t.err).toContain('unknown module Potentials; this tenant syncs Deals, Leads');
    const b = terminal(false);
    const generic = { ...wiring, tenant: tenantOn('plain', { provider: 'generic' }) };
    expect(await runImport({ tenant: 'plain' }, generic, b.term)).toBe(2);
    expect(b.t.err).toContain('uses the generic webhook');
  });

  it('as a process: a missing or unknown tenant is a usage error (exit 2) naming the problem', () => {
    const run = (...args: string[]) => cli(args);
    const missing = run('import');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '--tenant <id>' not specified");
    const unknown = run('import', '--tenant', 'no-such-tenant');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no-such-tenant.json');
  });
});
