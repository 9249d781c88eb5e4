/**
 * Initial import at scale: the Zoho simulator seeded with N deals (default 100,000), a full import through the
 * production scanner and reconcile into an in-process dynalite. Target: ⌈N/200⌉ list calls plus token calls. Time is
 * split into waiting for the CRM (the simulator runs in this process, so its sorting and rendering count here too)
 * and applying (versioned upserts into dynalite). Peak RSS is the whole process: simulator, dynalite and import.
 */

import { buildCrmScanner } from '../../functions/wiring/crm-scanner';
import { startZohoSimulator } from '../../infra/local/simulators/zoho';
import { RecordRepository } from '../../shared/store/records';
import { SyncStateRepository } from '../../shared/store/sync-state';
import type { CrmScanner, ScanOptions, ScanPage } from '../../shared/sync/crm-scanner';
import { reconcile } from '../../shared/sync/reconcile';
import { RecordingBus, secretsOf, tenantOn } from '../integration/sync/support';
import { startLocalTable } from '../support/local-aws';

export interface ImportFigures {
  deals: number;
  listCalls: number;
  expectedListCalls: number;
  tokenCalls: number;
  otherCalls: number;
  stored: number;
  seconds: number;
  crmWaitSeconds: number;
  recordsPerSec: number;
  peakRssMb: number;
  rssBeforeImportMb: number;
}

/** Times how long the import waits for each page, without changing what the scanner does. */
const timed = (inner: CrmScanner, waited: { ms: number }): CrmScanner => ({
  provider: inner.provider,
  modules: inner.modules,
  scan: (module: string, opts?: ScanOptions) => ({
    async *[Symbol.asyncIterator]() {
      const it = inner.scan(module, opts)[Symbol.asyncIterator]();
      for (;;) {
        const start = performance.now();
        const next: IteratorResult<ScanPage> = await it.next();
        waited.ms += performance.now() - start;
        if (next.done) return;
        yield next.value;
      }
    },
  }),
});

const mb = (bytes: number) => bytes / 1024 / 1024;

export const measureImport = async (deals = 100_000): Promise<ImportFigures> => {
  const sim = await startZohoSimulator({ seed: { deals, leads: 0, contacts: 0 } });
  const table = await startLocalTable('quotaflow-bench-import');
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const scanner = await buildCrmScanner({
      tenant: tenantOn('bench', {
        provider: 'zoho',
        dataCenter: 'com',
        accountsUrl: sim.url,
        modules: ['Deals'],
      }),
      secrets: secretsOf({
        zohoClientId: sim.clientId,
        zohoClientSecret: sim.clientSecret,
        zohoRefreshToken: sim.issueRefreshToken(),
      }),
      tokenTable: { doc: table.doc, tableName: table.tableName },
      http: { timeoutMs: 60_000, attempts: 3, maxBackoffMs: 1_000 },
    });
    if (!scanner) throw new Error('a Zoho tenant has a scanner');
    const waited = { ms: 0 };
    const records = new RecordRepository(table.doc, table.tableName);
    const rssBefore = process.memoryUsage().rss;
    const from = sim.requests.length;
    const start = performance.now();
    let lastLine = 0;
    const result = await reconcile(
      {
        tenantId: 'bench',
        scanner: timed(scanner, waited),
        state: new SyncStateRepository(table.doc, table.tableName),
        records,
        bus: new RecordingBus(),
        now: () => new Date(),
      },
      {
        mode: 'import',
        onPage: (p) => {
          if (Date.now() - lastLine < 10_000) return;
          lastLine = Date.now();
          process.stderr.write(`  import: ${p.pages} pages, ${p.records} records\n`);
        },
      },
    );
    const seconds = (performance.now() - start) / 1000;
    if (!result.complete) throw new Error('the import did not complete');
    const calls = sim.requests.slice(from);
    const listCalls = calls.filter((r) => r.path === '/crm/v8/Deals').length;
    const tokenCalls = calls.filter((r) => r.path === '/oauth/v2/token').length;
    const stored = result.modules[0]?.outcomes.applied ?? 0;
    return {
      deals,
      listCalls,
      expectedListCalls: Math.ceil(deals / 200),
      tokenCalls,
      otherCalls: calls.length - listCalls - tokenCalls,
      stored,
      seconds,
      crmWaitSeconds: waited.ms / 1000,
      recordsPerSec: stored / seconds,
      peakRssMb: mb(Math.max(peak, process.resourceUsage().maxRSS * 1024)),
      rssBeforeImportMb: mb(rssBefore),
    };
  } finally {
    clearInterval(sampler);
    await sim.stop();
    await table.stop();
  }
};
