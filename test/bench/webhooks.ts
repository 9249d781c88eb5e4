/**
 * Webhook slice under bounded load on loopback: autocannon drives signed won-deal webhooks (every tenth one a
 * replay of the previous delivery) at `npm start`'s runtime in its own process, then waits until everything has
 * settled and checks that each accepted delivery produced exactly one email: none lost, none twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { REPO_ROOT, startRuntimeProcess } from '../support/runtime-process';
import { demoSigningSecret, signedHeaders } from '../support/signer';

export interface WebhookFigures {
  seconds: number;
  connections: number;
  requests: number;
  throughputPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  uniqueDeliveries: number;
  emails: number;
  lostEmails: number;
  duplicateEmails: number;
  drainSeconds: number;
  /** Emails delivered per second from the first request until the runtime was idle again (load + drain). */
  endToEndPerSec: number;
  /** The runtime process's resident memory (its function workers included) before the load and once drained. */
  rssMbBefore: number;
  rssMbAfter: number;
  /**
   * CPU time per email from the first request until drained: the runtime's process (its workers included) and
   * dynalite's. A busy machine slows rates a lot and CPU per email much less, so A/Bs on a shared machine compare this.
   */
  cpuMsPerEmail: { runtime: number; database: number | undefined };
}

interface CpuMs {
  runtime: number;
  database?: number;
}

const perEmail = (ms: number, emails: number) => Math.round((ms / Math.max(1, emails)) * 10) / 10;

/**
 * `persist`: run on a data folder, as `npm start` does by default (the bus outbox synced to disk before each
 * PutEvents answers); otherwise in memory.
 */
export const measureWebhooks = async (
  seconds = 10,
  connections = 16,
  persist = false,
  /** More `npm start` options, e.g. `--workers 2`. */
  runtimeArgs: string[] = [],
): Promise<WebhookFigures> => {
  const dataDir = persist ? mkdtempSync(join(tmpdir(), 'qf-bench-')) : undefined;
  const rt = await startRuntimeProcess(
    ['--log-level', 'SILENT', '--no-metrics', ...runtimeArgs],
    dataDir ? { dataDir } : {},
  );
  try {
    const secret = demoSigningSecret(REPO_ROOT);
    // Sign on the runtime's clock (it starts at a fixed instant), as a CRM's clock would agree with the API's.
    const runtimeNow = Date.parse(
      ((await (await fetch(`${rt.url}/_local/clock`)).json()) as { now: string }).now,
    );
    const offsetMs = runtimeNow - Date.now();
    const rssMb = async () =>
      ((await (await fetch(`${rt.url}/_local/status`)).json()) as { rssMb: number }).rssMb;
    const cpuMs = async () =>
      ((await (await fetch(`${rt.url}/_local/status`)).json()) as { cpuMs: CpuMs }).cpuMs;
    // Function workers load in the background once the runtime is ready: measure them loaded, as after a start.
    const workers = Number(runtimeArgs[runtimeArgs.indexOf('--workers') + 1] ?? 0) || 0;
    for (let i = 0; i < 600; i++) {
      const s = (await (await fetch(`${rt.url}/_local/status`)).json()) as { workers?: number };
      if ((s.workers ?? 0) >= workers) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rssMbBefore = await rssMb();
    const cpuBefore = await cpuMs();
    let n = 0;
    const sent = new Set<string>();
    const result = await autocannon({
      url: rt.url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/generic',
          setupRequest: (req) => {
            n++;
            const k = n % 10 === 0 ? n - 1 : n; // every tenth request replays the previous delivery
            const id = `bench_${k}`;
            sent.add(id);
            const body = JSON.stringify({
              object: 'deal',
              action: 'updated',
              record: {
                id: `BENCH-${k}`,
                modifiedAt: '2026-11-27T10:00:00+08:00',
                name: `Bench deal ${k}`,
                owner: { id: 'u1', name: 'Bench Rep', email: 'rep@bench.example' },
                status: 'won',
                stage: 'Closed Won',
                amount: '128000.00', // over the demo won-deal workflow's threshold
                currency: 'CNY',
              },
            });
            return {
              ...req,
              headers: signedHeaders(secret, id, body, Math.floor((Date.now() + offsetMs) / 1000)),
              body,
            };
          },
        },
      ],
    });
    const drainStart = Date.now();
    for (;;) {
      const s = (await (await fetch(`${rt.url}/_local/status`)).json()) as { inFlight: number };
      if (s.inFlight === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    // dynalite reports its CPU time each second: wait for a sample taken after the drain.
    await new Promise((r) => setTimeout(r, 1100));
    const cpuAfter = await cpuMs();
    const emails = (await (await fetch(`${rt.url}/_local/emails`)).json()) as { subject: string }[];
    const congratulations = emails.filter((e) => e.subject.startsWith('恭喜赢单'));
    const perDeal = new Map<string, number>();
    for (const e of congratulations) {
      const deal = /Bench deal (\d+)/.exec(e.subject)?.[1] ?? '?';
      perDeal.set(deal, (perDeal.get(deal) ?? 0) + 1);
    }
    const accepted = result['2xx'];
    const uniqueDeliveries = Math.min(sent.size, accepted);
    return {
      seconds,
      connections,
      requests: result.requests.total,
      throughputPerSec: result.requests.average,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      non2xx: result.non2xx,
      uniqueDeliveries,
      emails: congratulations.length,
      lostEmails: Math.max(0, uniqueDeliveries - perDeal.size),
      duplicateEmails: [...perDeal.values()].reduce((a, c) => a + (c - 1), 0),
      drainSeconds,
      endToEndPerSec: congratulations.length / (seconds + drainSeconds),
      rssMbBefore,
      rssMbAfter: await rssMb(),
      cpuMsPerEmail: {
        runtime: perEmail(cpuAfter.runtime - cpuBefore.runtime, congratulations.length),
        database:
          cpuAfter.database === undefined || cpuBefore.database === undefined
            ? undefined
            : perEmail(cpuAfter.database - cpuBefore.database, congratulations.length),
      },
    };
  } finally {
    await rt.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
};
