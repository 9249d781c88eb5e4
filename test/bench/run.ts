/**
 * `npm run bench`: the platform's figures, each printed beside its target and the previous run's figure, and
 * written to bench-results/latest.json (format: bench-results/README.md).
 *   QF_BENCH_SECONDS (default 10), QF_BENCH_CONNECTIONS (16), QF_BENCH_INIT_RUNS (11),
 *   QF_BENCH_COST_WEBHOOKS (webhooks of each kind in the cost model, default 20)
 *   QF_BENCH_SKIP=bundles,cost,webhooks,crm,workflows,incentives,goals,import,synth
 *   QF_BENCH_ENROLMENTS (default 10000), QF_BENCH_RATE (tenant send limit per minute, default 600)
 *   QF_BENCH_IMPORT_DEALS (default 100000)
 *   QF_BENCH_DIGEST_MANAGERS (100), QF_BENCH_DIGEST_REPS (10 per manager), QF_BENCH_DIGEST_DEALS (200000),
 *   QF_BENCH_DIGEST_ACTIVITIES (500000); skip with QF_BENCH_SKIP=digests
 *   QF_BENCH_GOAL_REPS (default 1000), QF_BENCH_GOAL_DEALS (200000), QF_BENCH_GOAL_ACTIVITIES (500000)
 */
import { join, resolve } from 'node:path';
import { silenceSdkNodeNotice } from '../../infra/node-version';
import { measureBundles } from './bundles';
import { costModel, synthSeconds } from './child-sections';
import { PRICES } from './cost';
import { measureCrmLatency } from './crm';
import { DIGEST_FIGURES, measureDigests } from './digests';
import { measureGoals } from './goals';
import { measureImport } from './import';
import { measureIncentives } from './incentives';
import {
  type Figure,
  noisy,
  printFigures,
  readPrevious,
  type SectionLoad,
  watchLoad,
  writeResults,
} from './report';
import { measureSendLimits } from './sequences';
import { measureWebhooks } from './webhooks';
import { measureRuleEvaluation } from './workflows';

const ROOT = resolve(import.meta.dirname, '..', '..');
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const skip = new Set((process.env.QF_BENCH_SKIP ?? '').split(',').filter(Boolean));

/** Every bundle's size limit: 500 KB read as 500,000 bytes. */
const BUNDLE_MAX_BYTES = 500_000;

/** Functions a webhook reaches first: their init target is tighter (≤ 1.5× the DynamoDB-only bundle). */
const INGEST = new Set(['ingest-generic', 'ingest-zoho', 'ingest-fxiaoke', 'ingest-zoho-workflow']);

/** Per-webhook goals of the cost model (at arrival): writes and invocations. */
const COST_GOALS: Record<string, { writes: number; invocations: number }> = {
  update: { writes: 3, invocations: 3 },
  'won-deal': { writes: 6, invocations: 5 },
};

const main = async () => {
  // As npm start does: the sections that use the AWS SDK in this process (digests, goals, import) and every process
  // it starts would otherwise print the SDK's notice that its 2027 releases need Node 22 (README, Node versions).
  if (silenceSdkNodeNotice(process.versions.node, process.env))
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const file = join(ROOT, 'bench-results', 'latest.json');
  const previous = readPrevious(file);
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    node: process.version,
    load: {},
    cpu: {},
  };
  const load = results.load as Record<string, number>;
  const cpu = results.cpu as Record<string, SectionLoad['cpu']>;
  const seen: Record<string, SectionLoad> = {};
  const measure = async <T>(section: string, work: () => Promise<T> | T): Promise<T> => {
    const watch = watchLoad(section);
    try {
      return await work();
    } finally {
      const l = watch.end();
      seen[section] = l;
      load[section] = l.load;
      if (l.cpu) cpu[section] = l.cpu;
    }
  };

  if (!skip.has('bundles')) {
    process.stderr.write('bundling each function and timing module init in fresh processes…\n');
    const bundles = await measure('bundles', () => measureBundles(num('QF_BENCH_INIT_RUNS', 11)));
    results.bundles = bundles;
    printFigures(
      'Lambda bundles: size (bytes) and module init as a multiple of the DynamoDB-client-only bundle',
      bundles.flatMap((b): Figure[] => [
        {
          // In bytes against 500,000, so no reading of "500 KB" (1,000 or 1,024 bytes) decides whether it is met.
          label: `${b.function} bytes`,
          path: ['bundles', `function=${b.function}`, 'bytes'],
          digits: 0,
          target: { max: BUNDLE_MAX_BYTES },
        },
        ...(b.initRatioToSdkOnly === undefined
          ? [{ label: `${b.function} init ms`, path: ['bundles', `function=${b.function}`, 'initMedianMs'] }]
          : [
              {
                label: `${b.function} init ×`,
                path: ['bundles', `function=${b.function}`, 'initRatioToSdkOnly'],
                digits: 2,
                target: { max: INGEST.has(b.function) ? 1.5 : 2 },
              },
            ]),
      ]),
      results,
      previous,
    );
  }

  if (!skip.has('cost')) {
    process.stderr.write('cost model: counting AWS calls per webhook on the local runtime…\n');
    const rows = await measure('cost', costModel);
    results.cost = rows;
    console.log(`\nCost per webhook, counted on the AWS SDK clients (prices: ${PRICES.date})`);
    console.table(
      rows.map((r) => ({
        webhook: r.kind,
        phase: r.phase,
        invocations: r.invocations,
        'EB events': r.events,
        'DDB reads': r.reads,
        'read units': r.readUnits,
        'DDB writes': r.writes,
        'write units': r.writeUnits,
        'Scheduler calls': r.schedulerCalls,
        'SES sends': r.sesSends,
        '$ per million': r.usdPerMillion.toFixed(2),
      })),
    );
    printFigures(
      'Cost model against its goals (at arrival)',
      Object.entries(COST_GOALS).flatMap(([kind, goal]): Figure[] => [
        {
          label: `${kind} writes`,
          path: ['cost', `id=${kind}/arrival`, 'writes'],
          digits: 2,
          target: { max: goal.writes },
        },
        {
          label: `${kind} invocations`,
          path: ['cost', `id=${kind}/arrival`, 'invocations'],
          digits: 2,
          target: { max: goal.invocations },
        },
        {
          label: `${kind} write units`,
          path: ['cost', `id=${kind}/arrival`, 'writeUnits'],
          digits: 2,
        },
        {
          label: `${kind} $ per million (total)`,
          path: ['cost', `id=${kind}/total`, 'usdPerMillion'],
          digits: 2,
        },
      ]),
      results,
      previous,
    );
  }

  if (!skip.has('webhooks')) {
    const seconds = num('QF_BENCH_SECONDS', 10);
    const connections = num('QF_BENCH_CONNECTIONS', 16);
    process.stderr.write(`driving signed webhooks at the local runtime for ${seconds} s…\n`);
    results.webhooks = await measure('webhooks', () => measureWebhooks(seconds, connections));
    process.stderr.write(`…and on a data folder (npm start's default: outbox synced before each ack)…\n`);
    results.webhooksPersisted = await measure('webhooksPersisted', () =>
      measureWebhooks(seconds, connections, true),
    );
    printFigures(
      `Webhook slice on the local runtime, ${connections} connections × ${seconds} s, then drained`,
      (['webhooks', 'webhooksPersisted'] as const).flatMap((k): Figure[] => {
        const mode = k === 'webhooks' ? 'in memory' : 'data folder';
        return [
          { label: `${mode}: acks/s`, path: [k, 'throughputPerSec'], digits: 0, target: { min: 300 } },
          { label: `${mode}: ack p99 ms`, path: [k, 'latencyP99Ms'], digits: 0, target: { max: 100 } },
          {
            label: `${mode}: end-to-end emails/s`,
            path: [k, 'endToEndPerSec'],
            digits: 1,
            target: { min: 150 },
          },
          { label: `${mode}: drain s`, path: [k, 'drainSeconds'], digits: 1 },
          { label: `${mode}: runtime CPU ms/email`, path: [k, 'cpuMsPerEmail', 'runtime'], digits: 1 },
          { label: `${mode}: dynalite CPU ms/email`, path: [k, 'cpuMsPerEmail', 'database'], digits: 1 },
          { label: `${mode}: emails`, path: [k, 'emails'], digits: 0 },
          { label: `${mode}: lost`, path: [k, 'lostEmails'], digits: 0, target: { eq: 0 } },
          { label: `${mode}: duplicated`, path: [k, 'duplicateEmails'], digits: 0, target: { eq: 0 } },
          { label: `${mode}: non-2xx`, path: [k, 'non2xx'], digits: 0, target: { eq: 0 } },
        ];
      }),
      results,
      previous,
    );
  }

  if (!skip.has('digests')) {
    const managers = num('QF_BENCH_DIGEST_MANAGERS', 100);
    const deals = num('QF_BENCH_DIGEST_DEALS', 200_000);
    process.stderr.write(
      `seeding ${deals.toLocaleString('en-US')} deals for ${managers} managers' digests…\n`,
    );
    const d = await measure('digests', () =>
      measureDigests(
        managers,
        num('QF_BENCH_DIGEST_REPS', 10),
        deals,
        num('QF_BENCH_DIGEST_ACTIVITIES', 500_000),
      ),
    );
    results.digests = d;
    console.log(
      `\n${d.managers} managers × ${d.reps / Math.max(1, d.managers)} reps, ${d.deals} deals, ${d.activities} activities, ${d.archivedEvents} archived events (seeded in ${d.seedSeconds.toFixed(0)} s, not measured)`,
    );
    printFigures(
      'Manager digests, one scheduled run on dynalite in its own process, as npm start runs it',
      DIGEST_FIGURES(d.managers),
      results,
      previous,
    );
  }

  if (!skip.has('crm')) {
    process.stderr.write('changing records in the CRM simulators, one at a time…\n');
    const crm = await measure('crm', () => measureCrmLatency(num('QF_BENCH_CRM_CHANGES', 100)));
    results.crm = crm;
    printFigures(
      'CRM change → receiver ack → record read back, stored, domain event published (local runtime)',
      crm.flatMap((c): Figure[] => [
        { label: `${c.provider} ack p50 ms`, path: ['crm', `provider=${c.provider}`, 'ackP50Ms'] },
        { label: `${c.provider} ack p99 ms`, path: ['crm', `provider=${c.provider}`, 'ackP99Ms'] },
        { label: `${c.provider} stored p50 ms`, path: ['crm', `provider=${c.provider}`, 'storedP50Ms'] },
        { label: `${c.provider} stored p99 ms`, path: ['crm', `provider=${c.provider}`, 'storedP99Ms'] },
        {
          label: `${c.provider} dead letters`,
          path: ['crm', `provider=${c.provider}`, 'deadLetters'],
          digits: 0,
          target: { eq: 0 },
        },
      ]),
      results,
      previous,
    );
  }

  if (!skip.has('workflows')) {
    const enrolments = num('QF_BENCH_ENROLMENTS', 10_000);
    const rules = await measure('rules', () => measureRuleEvaluation());
    process.stderr.write(
      `${enrolments.toLocaleString('en-US')} sequence emails falling due in one minute…\n`,
    );
    const limits = await measure('limits', () => measureSendLimits(enrolments, num('QF_BENCH_RATE', 600)));
    results.workflows = { rules, limits };
    printFigures(
      `Workflow rules (100 workflows × one event) and a burst of ${enrolments.toLocaleString('en-US')} emails due in one minute (limit ${limits.perMinute}/min)`,
      [
        {
          label: 'rule evaluation median µs',
          path: ['workflows', 'rules', 'medianUs'],
          target: { max: 1000 },
        },
        { label: 'rule evaluation p99 µs', path: ['workflows', 'rules', 'p99Us'] },
        { label: 'explain median µs', path: ['workflows', 'rules', 'explainMedianUs'] },
        { label: 'compile ms', path: ['workflows', 'rules', 'compileMs'] },
        {
          label: 'burst: sent',
          path: ['workflows', 'limits', 'sent'],
          digits: 0,
          target: { eq: limits.enrolments },
        },
        {
          label: 'burst: duplicated',
          path: ['workflows', 'limits', 'duplicates'],
          digits: 0,
          target: { eq: 0 },
        },
        {
          label: 'burst: max in a minute',
          path: ['workflows', 'limits', 'maxInAMinute'],
          digits: 0,
          target: { max: limits.perMinute },
        },
        { label: 'burst: minutes to drain', path: ['workflows', 'limits', 'minutesToDrain'], digits: 0 },
        { label: 'burst: invocations', path: ['workflows', 'limits', 'invocations'], digits: 0 },
        {
          label: 'burst: writes per email',
          path: ['workflows', 'limits', 'writesPerEmail'],
          digits: 2,
          target: { max: 3 },
        },
        { label: 'burst: seconds', path: ['workflows', 'limits', 'seconds'] },
      ],
      results,
      previous,
    );
  }

  if (!skip.has('incentives')) {
    process.stderr.write('closing a period for 1,000 reps over 200,000 deals…\n');
    results.incentives = await measure('incentives', () => measureIncentives());
    printFigures(
      'Incentive period close, 1,000 reps × 200,000 deals, and incremental accrual',
      [
        { label: 'close ms', path: ['incentives', 'closeMs'], digits: 0, target: { max: 1000 } },
        { label: 'RSS + MB', path: ['incentives', 'peakRssDeltaMb'], digits: 0, target: { max: 512 } },
        {
          label: 'rerun identical (1 = yes)',
          path: ['incentives', 'rerunIdentical'],
          digits: 0,
          target: { eq: 1 },
        },
        { label: 'accrual µs per deal', path: ['incentives', 'accrualAddDealUs'] },
        { label: 'back-dated change µs', path: ['incentives', 'accrualRebuildUs'], digits: 0 },
      ],
      results,
      previous,
    );
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
    const m = await measure('import', () => measureImport(deals));
    results.import = m;
    printFigures(
      `Initial import of ${deals.toLocaleString('en-US')} deals from the Zoho simulator into dynalite`,
      [
        {
          label: 'list calls',
          path: ['import', 'listCalls'],
          digits: 0,
          target: { eq: m.expectedListCalls },
        },
        { label: 'token calls', path: ['import', 'tokenCalls'], digits: 0 },
        { label: 'other calls', path: ['import', 'otherCalls'], digits: 0 },
        { label: 'stored', path: ['import', 'stored'], digits: 0, target: { eq: deals } },
        { label: 'seconds', path: ['import', 'seconds'] },
        { label: 'CRM wait s', path: ['import', 'crmWaitSeconds'] },
        { label: 'records/s', path: ['import', 'recordsPerSec'], digits: 0 },
        { label: 'peak RSS MB', path: ['import', 'peakRssMb'], digits: 0 },
      ],
      results,
      previous,
    );
  }

  if (!skip.has('synth')) {
    process.stderr.write('timing cdk synth of the demo tenant…\n');
    results.synth = await measure('synth', synthSeconds);
    printFigures(
      'cdk synth, one tenant',
      [
        { label: 'seconds', path: ['synth', 'seconds'], target: { max: 30 } },
        { label: 'peak RSS MB', path: ['synth', 'peakRssMb'], digits: 0 },
      ],
      results,
      previous,
    );
  }

  const busy = Object.entries(seen).filter(([, l]) => noisy(l));
  if (busy.length)
    console.log(
      `\nother processes competed for the CPU while measuring ${busy
        .map(([s, l]) => `${s} (load ${l.load}${l.cpu ? `, others ${l.cpu.others} cores` : ''})`)
        .join(', ')}: noisy figures`,
    );
  writeResults(file, previous, results);
  console.log(
    `\nwritten to bench-results/latest.json${previous ? ' (the previous run is the "previous" column)' : ''}`,
  );
};

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
