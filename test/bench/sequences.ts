/**
 * Send limits under a burst: N sequence emails to contacts fall due in the same minute (target: all sent within the
 * tenant's rate limit, none twice), and DynamoDB writes per email sent (target ≤ 3), counted on the client.
 * The runner, ledger, enrolments and counters are the real ones on dynalite; mail and Scheduler are recording
 * ports, and schedules are fired in time order with the clock at each one's time, up to 16 at once, as Scheduler
 * and Lambda would.
 * Run alone: `npx tsx test/bench/sequences.ts` (QF_BENCH_ENROLMENTS, default 10000; QF_BENCH_RATE, default 600/min).
 */
import { performance } from 'node:perf_hooks';
import type { OneTimeSchedule } from '../../shared/ports';
import type { StepPayload } from '../../shared/workflows/runner';
import { harness } from '../integration/workflows/support';
import { startLocalTable } from '../support/local-aws';
import { deal, event } from '../unit/workflows/fixtures';

export interface SendLimitFigures {
  enrolments: number;
  perMinute: number;
  sent: number;
  duplicates: number;
  /** The most emails sent in any one minute (must be ≤ perMinute). */
  maxInAMinute: number;
  minutesToDrain: number;
  invocations: number;
  writesPerEmail: number;
  seconds: number;
}

const CONCURRENCY = 16;

export const measureSendLimits = async (enrolments: number, perMinute: number): Promise<SendLimitFigures> => {
  const table = await startLocalTable('quotaflow-bench-seq');
  try {
    const config = {
      schemaVersion: 1,
      tenantId: 'demo',
      sendLimits: { perMinute, perRepPerDay: 100_000 },
      templates: {
        hi: { locales: { en: { subject: 'Hi {{contact.name}}', text: 'Hello {{contact.name}}' } } },
      },
      workflows: [
        {
          id: 'welcome',
          version: 1,
          name: 'Welcome',
          trigger: { event: 'lead.created', conditions: [] },
          actions: [{ type: 'start_sequence', sequence: 'one' }],
        },
      ],
      sequences: [
        {
          id: 'one',
          version: 1,
          name: 'One',
          steps: [
            { type: 'wait', for: { minutes: 30 } },
            { type: 'send_email', template: 'hi', recipient: { to: 'contact' } },
          ],
        },
      ],
    };
    const h = harness(table, config, { start: '2026-03-02T02:00:00.000Z' }); // Monday 10:00 Shanghai
    const occurredAt = '2026-03-02T02:00:00.000Z';
    // Enrol N leads at the same instant: each one's email step is scheduled for 10:30, the same minute for all.
    for (let i = 0; i < enrolments; i += CONCURRENCY) {
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, enrolments - i) }, (_, k) => {
          const l = deal({
            id: `L-${i + k}`,
            email: `lead${i + k}@example.cn`,
            name: `Lead ${i + k}`,
            status: undefined,
            stage: undefined,
            amount: undefined,
            modifiedAt: occurredAt,
          });
          h.records.put('lead', l);
          return h.runner.onEvent(event('lead.created', l, { eventId: `evt-${i + k}`, occurredAt }));
        }),
      );
    }
    const due = [...h.scheduler.scheduled.values()];
    if (due.length !== enrolments || new Set(due.map((s) => s.at)).size !== 1)
      throw new Error(`expected ${enrolments} schedules at one instant, found ${due.length}`);

    h.writes.reset();
    const sentAt: string[] = [];
    const started = performance.now();
    let invocations = 0;
    for (;;) {
      const pending = [...h.scheduler.scheduled.values()].sort((a, b) => a.at.localeCompare(b.at));
      const first = pending[0];
      if (!first) break;
      // Everything due at the earliest instant fires "at once", with the clock at that instant.
      const batch: OneTimeSchedule[] = pending.filter((s) => s.at === first.at);
      for (const s of batch) h.scheduler.scheduled.delete(s.name);
      h.clock.advance(new Date(first.at));
      for (let i = 0; i < batch.length; i += CONCURRENCY) {
        const results = await Promise.all(
          batch.slice(i, i + CONCURRENCY).map((s) => h.runner.onStep(s.payload as unknown as StepPayload)),
        );
        invocations += results.length;
        for (const r of results) if (r.outcome === 'performed') sentAt.push(h.clock.now().toISOString());
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const perMinuteCounts = new Map<string, number>();
    for (const t of sentAt)
      perMinuteCounts.set(t.slice(0, 16), (perMinuteCounts.get(t.slice(0, 16)) ?? 0) + 1);
    const recipients = h.mailer.sent.map((m) => m.to[0]);
    const minutes = [...perMinuteCounts.keys()].sort();
    return {
      enrolments,
      perMinute,
      sent: h.mailer.sent.length,
      duplicates: recipients.length - new Set(recipients).size,
      maxInAMinute: Math.max(...perMinuteCounts.values()),
      minutesToDrain: minutes.length
        ? (Date.parse(`${minutes.at(-1)}:00Z`) - Date.parse(`${minutes[0]}:00Z`)) / 60_000 + 1
        : 0,
      invocations,
      writesPerEmail: h.writes.writes / Math.max(1, h.mailer.sent.length),
      seconds,
    };
  } finally {
    await table.stop();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.env.QF_BENCH_ENROLMENTS ?? 10_000);
  const rate = Number(process.env.QF_BENCH_RATE ?? 600);
  measureSendLimits(n, rate).then(
    (f) => console.table([f]),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
