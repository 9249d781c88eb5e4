/**
 * `npm run bench`: the platform's figures, printed as tables and written to bench-results/latest.json.
 *   QF_BENCH_SECONDS (default 10), QF_BENCH_CONNECTIONS (16), QF_BENCH_INIT_RUNS (11),
 *   QF_BENCH_SKIP=bundles,webhooks,crm,workflows,incentives,goals,import,synth
 *   QF_BENCH_ENROLMENTS (default 10000), QF_BENCH_RATE (tenant send limit per minute, default 600)
 *   QF_BENCH_IMPORT_DEALS (default 100000)
 *   QF_BENCH_GOAL_REPS (default 1000), QF_BENCH_GOAL_DEALS (200000), QF_BENCH_GOAL_ACTIVITIES (500000)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureBundles } from './bundles';
import { measureCrmLatency } from './crm';
import { measureGoals } from './goals';
import { measureImport } from './import';
import { measureIncentives } from './incentives';
import { measureSendLimits } from './sequences';
import { measureWebhooks, type WebhookFigures } from './webhooks';
import { measureRuleEvaluation } from './workflows';

const ROOT = resolve(import.meta.dirname, '..', '..');
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const skip = new Set((process.env.QF_BENCH_SKIP ?? '').split(',').filter(Boolean));

/** GNU time reports the peak RSS of the whole synth (CLI, app and bundling); it writes to stderr. */
const synthSeconds = (): { seconds: number; peakRssMb: number | null } => {
  const start = Date.now();
  const run = spawnSync(
    '/usr/bin/time',
    ['-v', 'npx', 'cdk', 'synth', '--quiet', '-c', 'tenant=demo', '-o', join(ROOT, 'cdk.out', 'bench')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`cdk synth failed:\n${run.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1];
  return { seconds: (Date.now() - start) / 1000, peakRssMb: rss ? Number(rss) / 1024 : null };
};

const main = async () => {
  const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version };

  if (!skip.has('bundles')) {
    process.stderr.write('bundling each function and timing module init in fresh processes…\n');
    const bundles = await measureBundles(num('QF_BENCH_INIT_RUNS', 11));
    results.bundles = bundles;
    console.log('\nLambda bundles (target: ≤ 500 KB; init ≤ 1.5× the DynamoDB-client-only bundle)');
    console.table(
      bundles.map((b) => ({
        function: b.function,
        'size KB': (b.bytes / 1024).toFixed(1),
        'init median ms': b.initMedianMs.toFixed(1),
        'init ratio': b.initRatioToSdkOnly?.toFixed(2) ?? '1.00',
      })),
    );
  }

  if (!skip.has('webhooks')) {
    const seconds = num('QF_BENCH_SECONDS', 10);
    process.stderr.write(`driving signed webhooks at the local runtime for ${seconds} s…\n`);
    const connections = num('QF_BENCH_CONNECTIONS', 16);
    const inMemory = await measureWebhooks(seconds, connections);
    process.stderr.write(`…and on a data folder (npm start's default: outbox synced before each ack)…\n`);
    const onDisk = await measureWebhooks(seconds, connections, true);
    results.webhooks = inMemory;
    results.webhooksPersisted = onDisk;
    console.log(
      '\nWebhook slice on the local runtime (targets: ≥ 300/s, p99 ≤ 100 ms, 0 lost, 0 duplicated)',
    );
    console.table(
      [
        ['in memory', inMemory],
        ['data folder', onDisk],
      ].map(([mode, w]) => {
        const f = w as WebhookFigures;
        return {
          mode,
          'req/s': f.throughputPerSec.toFixed(0),
          'p50 ms': f.latencyP50Ms,
          'p99 ms': f.latencyP99Ms,
          requests: f.requests,
          non2xx: f.non2xx,
          deliveries: f.uniqueDeliveries,
          emails: f.emails,
          lost: f.lostEmails,
          duplicated: f.duplicateEmails,
          'drain s': f.drainSeconds.toFixed(1),
        };
      }),
    );
  }

  if (!skip.has('crm')) {
    process.stderr.write('changing records in the CRM simulators, one at a time…\n');
    const crm = await measureCrmLatency(num('QF_BENCH_CRM_CHANGES', 100));
    results.crm = crm;
    console.log(
      '\nCRM change → receiver ack → record read back, stored, domain event published (local runtime)',
    );
    console.table(
      crm.map((c) => ({
        provider: c.provider,
        changes: c.changes,
        'ack p50 ms': c.ackP50Ms.toFixed(1),
        'ack p99 ms': c.ackP99Ms.toFixed(1),
        'stored p50 ms': c.storedP50Ms.toFixed(1),
        'stored p99 ms': c.storedP99Ms.toFixed(1),
        DLQ: c.deadLetters,
      })),
    );
  }

  if (!skip.has('workflows')) {
    const rules = measureRuleEvaluation();
    const enrolments = num('QF_BENCH_ENROLMENTS', 10_000);
    process.stderr.write(
      `${enrolments.toLocaleString('en-US')} sequence emails falling due in one minute…\n`,
    );
    const limits = await measureSendLimits(enrolments, num('QF_BENCH_RATE', 600));
    results.workflows = { rules, limits };
    console.log('\nWorkflow rule evaluation (target: 100 workflows × one event, median < 1 ms)');
    console.table([
      {
        workflows: rules.workflows,
        'median µs': rules.medianUs.toFixed(1),
        'p99 µs': rules.p99Us.toFixed(1),
        'explain median µs': rules.explainMedianUs.toFixed(1),
        'compile ms': rules.compileMs.toFixed(1),
      },
    ]);
    console.log(
      '\nA burst of contact emails due in one minute (targets: within the rate limit, none twice; ≤ 3 writes/email)',
    );
    console.table([
      {
        emails: limits.enrolments,
        'limit /min': limits.perMinute,
        sent: limits.sent,
        duplicated: limits.duplicates,
        'max in a minute': limits.maxInAMinute,
        'minutes to drain': limits.minutesToDrain,
        invocations: limits.invocations,
        'writes/email (burst)': limits.writesPerEmail.toFixed(2),
        seconds: limits.seconds.toFixed(1),
      },
    ]);
  }

  if (!skip.has('incentives')) {
    process.stderr.write('closing a period for 1,000 reps over 200,000 deals…\n');
    const i = await measureIncentives();
    results.incentives = i;
    console.log('\nIncentive period close (targets: < 2 s and < 512 MB; accrual incremental)');
    console.table([
      {
        'close ms': i.closeMs.toFixed(0),
        'RSS +MB': i.peakRssDeltaMb.toFixed(0),
        lines: i.lines,
        'rerun identical': i.rerunIdentical,
        'accrual µs/deal': i.accrualAddDealUs.toFixed(1),
        'back-dated µs': i.accrualRebuildUs.toFixed(0),
      },
    ]);
  }

  if (!skip.has('goals')) {
    process.stderr.write('seeding the goals tenant into dynalite and measuring goal progress…\n');
    const g = await measureGoals();
    results.goals = g;
    console.log(
      `\nGoal progress: ${g.reps} reps × ${g.goals} goals over ${g.deals} deals and ${g.activities} activities ` +
        '(targets: daily evaluation < 60 s with reads bounded by index; recompute < 15 min or resumable; ' +
        '≤ 2 writes per affected goal)',
    );
    console.table([
      { measure: 'seed (direct writes)', seconds: g.seedSeconds.toFixed(1), reads: '', 'items read': '' },
      {
        measure: 'daily evaluation, stored totals',
        seconds: g.evaluationStoredSeconds.toFixed(1),
        reads: g.evaluationStoredReads,
        'items read': g.evaluationStoredItems,
      },
      {
        measure: 'daily evaluation, owner index',
        seconds: g.evaluationRecordsSeconds.toFixed(1),
        reads: g.evaluationRecordsReads,
        'items read': g.evaluationRecordsItems,
      },
      {
        measure: `nightly recompute (${g.recomputeDisagreements} disagreements)`,
        seconds: g.recomputeSeconds.toFixed(1),
        reads: g.recomputeReads,
        'items read': g.recomputeItems,
      },
    ]);
    console.log(
      `writes per progress update: ${g.writesPerUpdate.toFixed(2)} per change, ` +
        `${g.writesPerAffectedGoal.toFixed(2)} per affected goal (max ${g.maxWritesPerAffectedGoal.toFixed(2)}) ` +
        `over ${g.updates} changes`,
    );
  }

  if (!skip.has('import')) {
    const deals = num('QF_BENCH_IMPORT_DEALS', 100_000);
    process.stderr.write(`full import of ${deals.toLocaleString('en-US')} Zoho deals from the simulator…\n`);
    const m = await measureImport(deals);
    results.import = m;
    console.log(
      `\nInitial import from the Zoho simulator into dynalite (target: list calls = ⌈N/200⌉ = ${m.expectedListCalls}, + token calls)`,
    );
    console.table([
      {
        deals: m.deals,
        'list calls': m.listCalls,
        'token calls': m.tokenCalls,
        'other calls': m.otherCalls,
        stored: m.stored,
        seconds: m.seconds.toFixed(1),
        'CRM wait s': m.crmWaitSeconds.toFixed(1),
        'records/s': m.recordsPerSec.toFixed(0),
        'peak RSS MB': m.peakRssMb.toFixed(0),
      },
    ]);
  }

  if (!skip.has('synth')) {
    process.stderr.write('timing cdk synth of the demo tenant…\n');
    const s = synthSeconds();
    results.synth = s;
    console.log('\ncdk synth, one tenant (target ≤ 30 s)');
    console.table([{ seconds: s.seconds.toFixed(1), 'peak RSS MB': s.peakRssMb?.toFixed(0) ?? 'n/a' }]);
  }

  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten to bench-results/latest.json');
};

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
