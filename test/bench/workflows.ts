/**
 * Rule evaluation cost: one domain event against 100 workflows of one tenant (target: median under 1 ms).
 * Worst case on purpose: every workflow listens to the event's type, so the index by event type saves nothing,
 * and each has 2-4 conditions mixing exact-decimal amounts, lists, a change from -> to, teams and an OR group.
 * Part of `npm run bench` (section "workflows"); alone: `npx tsx test/bench/workflows.ts`.
 */
import { performance } from 'node:perf_hooks';
import type { DomainEventDetail } from '../../events';
import { parseWorkflowConfig, type WorkflowEvent, WorkflowMatcher } from '../../shared/workflows';

export interface RuleEvaluationFigures {
  workflows: number;
  runs: number;
  matched: number;
  /** Median and p99 of one full match (all workflows) on the hot path, in microseconds. */
  medianUs: number;
  p99Us: number;
  /** The same with explain (every failing condition collected). */
  explainMedianUs: number;
  /** Compiling the config into the matcher (once per cold start / config version). */
  compileMs: number;
}

const STAGES = [
  'Qualification',
  'Needs Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
];

const benchConfig = (count: number) => ({
  schemaVersion: 1,
  tenantId: 'bench',
  mappedFields: { industry: 'text', employees: 'number' },
  teams: { east: { name: 'East', members: ['u-1', 'u-2', 'u-3'] }, west: { name: 'West', members: ['u-4'] } },
  templates: { t: { locales: { en: { subject: 's', text: 'x' } } } },
  workflows: Array.from({ length: count }, (_, i) => ({
    id: `wf-${String(i).padStart(3, '0')}`,
    version: 1,
    name: `Workflow ${i}`,
    trigger: {
      event: 'deal.stage_changed',
      conditions: [
        {
          field: 'stage',
          op: 'changed_from_to',
          to: [STAGES[i % STAGES.length], STAGES[(i + 2) % STAGES.length]],
        },
        { field: 'amount', op: i % 2 ? 'gte' : 'lt', value: `${(i % 10) * 25000}.00` },
        ...(i % 3 === 0
          ? [{ field: 'fields.industry', op: 'in', values: ['retail', 'energy', 'software'] }]
          : []),
        ...(i % 4 === 0
          ? [
              {
                op: 'any',
                conditions: [
                  { op: 'team_in', teams: ['west'] },
                  { field: 'fields.employees', op: 'gt', value: 100 },
                ],
              },
            ]
          : []),
      ],
    },
    actions: [{ type: 'send_email', template: 't', recipient: { to: 'owner' } }],
  })),
});

const benchEvent: WorkflowEvent = {
  type: 'deal.stage_changed',
  detail: {
    version: 1,
    eventId: 'evt-bench',
    tenantId: 'bench',
    object: 'deal',
    recordId: 'D-1',
    occurredAt: '2026-09-29T07:00:00.000Z',
    correlationId: 'c',
    change: { from: 'Needs Analysis', to: 'Proposal/Price Quote' },
    record: {
      id: 'D-1',
      modifiedAt: '2026-09-29T07:00:00.000Z',
      stage: 'Proposal/Price Quote',
      amount: '128000.50',
      currency: 'CNY',
      owner: { id: 'u-2' },
      fields: { industry: 'software', employees: 250 },
    },
  } as DomainEventDetail,
};

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

const timeRuns = (runs: number, fn: () => unknown): number[] => {
  for (let i = 0; i < 500; i++) fn(); // warm-up: let the JIT settle before measuring
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push((performance.now() - t0) * 1000);
  }
  return out.sort((a, b) => a - b);
};

export const measureRuleEvaluation = (workflows = 100, runs = 5000): RuleEvaluationFigures => {
  const config = parseWorkflowConfig(benchConfig(workflows), 'bench');
  const c0 = performance.now();
  const matcher = new WorkflowMatcher(config);
  const compileMs = performance.now() - c0;
  const matched = matcher.match(benchEvent).matched.length;
  const hot = timeRuns(runs, () => matcher.match(benchEvent));
  const explain = timeRuns(runs, () => matcher.explain(benchEvent));
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    workflows,
    runs,
    matched,
    medianUs: round(quantile(hot, 0.5)),
    p99Us: round(quantile(hot, 0.99)),
    explainMedianUs: round(quantile(explain, 0.5)),
    compileMs: round(compileMs),
  };
};

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  console.log(measureRuleEvaluation());
}
