import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatExplanation,
  parseWorkflowConfig,
  type WorkflowEvent,
  WorkflowMatcher,
} from '../../../shared/workflows';
import { config, deal, event, workflow } from './fixtures';

const BASE = {
  mappedFields: { employees: 'number', renewalDate: 'date', vip: 'boolean', industry: 'text' },
  teams: { east: { name: 'East', members: ['u-1001', 'wang.fang@demo.quotaflow.dev'] } },
} as const;

/** Runs one condition through the real path: validate the config, compile the matcher, match the event. */
const verdict = (condition: unknown, ev: WorkflowEvent): string | undefined => {
  const cfg = parseWorkflowConfig(
    config({ ...BASE, workflows: [workflow({ trigger: { event: ev.type, conditions: [condition] } })] }),
    'test',
  );
  const result = new WorkflowMatcher(cfg).match(ev);
  return result.matched.length === 1 ? undefined : (result.notMatched[0]?.reasons[0]?.reason ?? 'no reason');
};
const won = (over = {}) => event('deal.won', deal({ status: 'won', ...over }));
const stage = (from: string | null, to: string | null) =>
  event('deal.stage_changed', deal({ stage: to ?? undefined }), { change: { from, to } });
const amount = (from: string | null, to: string | null) =>
  event('deal.amount_changed', deal({ amount: to ?? undefined }), { change: { from, to } });

describe('record conditions, one operator at a time', () => {
  it('eq / ne on text, with the reason when they fail', () => {
    expect(verdict({ field: 'stage', op: 'eq', value: 'Proposal/Price Quote' }, won())).toBeUndefined();
    expect(verdict({ field: 'stage', op: 'eq', value: 'Closed Won' }, won())).toBe(
      'stage is "Proposal/Price Quote", not "Closed Won"',
    );
    expect(verdict({ field: 'currency', op: 'ne', value: 'USD' }, won())).toBeUndefined();
    expect(verdict({ field: 'currency', op: 'ne', value: 'CNY' }, won())).toBe(
      'currency is "CNY", which is excluded',
    );
  });

  it('in / not_in, including a missing value', () => {
    expect(verdict({ field: 'owner.id', op: 'in', values: ['u-9', 'u-1001'] }, won())).toBeUndefined();
    expect(verdict({ field: 'fields.industry', op: 'in', values: ['retail', 'energy'] }, won())).toBe(
      'fields.industry is missing, not one of "retail", "energy"',
    );
    expect(verdict({ field: 'fields.industry', op: 'not_in', values: ['retail'] }, won())).toBeUndefined();
  });

  it('amounts compare as exact decimals, not floats', () => {
    const big = won({ amount: '123456789012345.123456' });
    // As binary floats these two are the same number; as decimals the deal is one millionth above the bar.
    expect(Number('123456789012345.123456')).toBe(Number('123456789012345.123455'));
    expect(verdict({ field: 'amount', op: 'gt', value: '123456789012345.123455' }, big)).toBeUndefined();
    expect(verdict({ field: 'amount', op: 'gt', value: '123456789012345.123456' }, big)).toBe(
      'amount is 123456789012345.123456, not > 123456789012345.123456',
    );
    expect(verdict({ field: 'amount', op: 'eq', value: '128000' }, won())).toBeUndefined(); // "128000.00"
    expect(verdict({ field: 'amount', op: 'gte', value: '128000.001' }, won())).toBe(
      'amount is 128000, not ≥ 128000.001',
    );
    expect(verdict({ field: 'amount', op: 'lte', value: '128000.00' }, won())).toBeUndefined();
    expect(verdict({ field: 'amount', op: 'lt', value: '0.1' }, won({ amount: undefined }))).toBe(
      'amount is missing, so not < 0.1',
    );
  });

  it('dates, mapped numbers and booleans', () => {
    expect(verdict({ field: 'closeDate', op: 'lt', value: '2026-04-01' }, won())).toBeUndefined();
    expect(verdict({ field: 'closeDate', op: 'gte', value: '2026-04-01' }, won())).toBe(
      'closeDate is "2026-03-31", not ≥ "2026-04-01"',
    );
    const mapped = won({ fields: { employees: 250, vip: true, renewalDate: '2027-01-15' } });
    expect(verdict({ field: 'fields.employees', op: 'gt', value: 200 }, mapped)).toBeUndefined();
    expect(verdict({ field: 'fields.vip', op: 'eq', value: true }, mapped)).toBeUndefined();
    expect(verdict({ field: 'fields.renewalDate', op: 'lt', value: '2027-01-01' }, mapped)).toBe(
      'fields.renewalDate is "2027-01-15", not < "2027-01-01"',
    );
  });

  it('exists / missing (an empty string counts as missing)', () => {
    expect(verdict({ field: 'owner.managerEmail', op: 'exists' }, won())).toBeUndefined();
    expect(verdict({ field: 'email', op: 'exists' }, won({ email: undefined }))).toBe('email is missing');
    expect(verdict({ field: 'name', op: 'missing' }, won({ name: '' }))).toBeUndefined();
  });

  it('owner and team, by CRM id or by email', () => {
    expect(verdict({ op: 'owner_in', owners: ['u-1001'] }, won())).toBeUndefined();
    expect(verdict({ op: 'owner_in', owners: ['li.lei@demo.quotaflow.dev'] }, won())).toBeUndefined();
    expect(verdict({ op: 'owner_in', owners: ['u-2'] }, won())).toBe('owner u-1001 is not one of u-2');
    expect(verdict({ op: 'team_in', teams: ['east'] }, won())).toBeUndefined();
    const other = won({ owner: { id: 'u-7', email: 'wang.fang@demo.quotaflow.dev' } });
    expect(verdict({ op: 'team_in', teams: ['east'] }, other)).toBeUndefined();
    expect(verdict({ op: 'team_in', teams: ['east'] }, won({ owner: { id: 'u-8' } }))).toBe(
      'owner u-8 is not in team east',
    );
  });

  it('any: one of them is enough; otherwise every reason is given', () => {
    const any = (amountBar: string) => ({
      op: 'any',
      conditions: [
        { field: 'amount', op: 'gte', value: amountBar },
        { op: 'team_in', teams: ['east'] },
      ],
    });
    expect(verdict(any('1000000'), won())).toBeUndefined();
    expect(verdict(any('1000000'), won({ owner: { id: 'u-8' } }))).toBe(
      'none of: amount is 128000, not ≥ 1000000; owner u-8 is not in team east',
    );
  });
});

describe('change conditions', () => {
  it('changed: from differs from to', () => {
    expect(verdict({ field: 'stage', op: 'changed' }, stage('Qualification', 'Proposal'))).toBeUndefined();
    expect(verdict({ field: 'stage', op: 'changed' }, stage('Proposal', 'Proposal'))).toBe(
      'stage did not change ("Proposal")',
    );
    expect(verdict({ field: 'amount', op: 'changed' }, amount('100.0', '100.00'))).toBe(
      'amount did not change ("100.00")',
    );
  });

  it('changed from → to, each side optional and either side a list', () => {
    const c = (from: unknown, to: unknown) => ({ field: 'stage', op: 'changed_from_to', from, to });
    expect(verdict(c('Qualification', 'Proposal'), stage('Qualification', 'Proposal'))).toBeUndefined();
    expect(
      verdict(c(undefined, ['Proposal', 'Negotiation']), stage('Anything', 'Negotiation')),
    ).toBeUndefined();
    expect(verdict(c('Qualification', undefined), stage(null, 'Proposal'))).toBe(
      'stage changed from null to "Proposal", not from "Qualification"',
    );
    expect(verdict(c('Qualification', 'Negotiation'), stage('Qualification', 'Proposal'))).toBe(
      'stage changed from "Qualification" to "Proposal", not to "Negotiation"',
    );
  });

  it('change.from / change.to take the changed field type: amounts compare exactly', () => {
    expect(
      verdict({ field: 'change.from', op: 'lt', value: '100000' }, amount('99999.99', '150000')),
    ).toBeUndefined();
    expect(
      verdict({ field: 'change.to', op: 'eq', value: 'Proposal' }, stage('Lead', 'Proposal')),
    ).toBeUndefined();
  });

  it('amount thresholds crossed in either direction', () => {
    const above = { field: 'amount', op: 'crossed_above', value: '100000' };
    expect(verdict(above, amount('99999.99', '100000.00'))).toBeUndefined();
    expect(verdict(above, amount(null, '250000'))).toBeUndefined();
    expect(verdict(above, amount('100000', '250000'))).toBe(
      'amount changed from "100000" to "250000", which does not cross above 100000',
    );
    const below = { field: 'amount', op: 'crossed_below', value: '100000' };
    expect(verdict(below, amount('100000', '99999.999999'))).toBeUndefined();
    expect(verdict(below, amount('90000', '80000'))).toContain('does not cross below');
  });
});

describe('matching a tenant: order, disabled workflows, explain', () => {
  const cfg = parseWorkflowConfig(
    config({
      workflows: [
        workflow({
          id: 'big-win',
          trigger: { event: 'deal.won', conditions: [{ field: 'amount', op: 'gte', value: '100000' }] },
        }),
        workflow({
          id: 'huge-win-east',
          trigger: {
            event: 'deal.won',
            conditions: [
              { field: 'amount', op: 'gte', value: '1000000' },
              { field: 'currency', op: 'eq', value: 'USD' },
            ],
          },
        }),
        workflow({ id: 'any-win', name: 'Any win', enabled: false }),
        workflow({ id: 'lead-hello', trigger: { event: 'lead.created', conditions: [] } }),
      ],
    }),
    'test',
  );
  const matcher = new WorkflowMatcher(cfg);

  it('the hot path looks only at workflows listening to the event and stops at the first failure', () => {
    const r = matcher.match(won());
    expect(r.matched.map((w) => w.id)).toEqual(['big-win']);
    expect(r.notMatched.map((w) => [w.id, w.reasons.length])).toEqual([
      ['any-win', 1],
      ['huge-win-east', 1],
    ]);
  });

  it('explain accounts for every workflow, with every failing condition and its path', () => {
    const e = matcher.explain(won());
    expect(e.matched.map((w) => `${w.id}@${w.version}`)).toEqual(['big-win@1']);
    expect(e.notMatched).toEqual([
      {
        id: 'any-win',
        version: 1,
        name: 'Any win',
        reasons: [{ path: 'enabled', reason: 'the workflow is disabled' }],
      },
      {
        id: 'huge-win-east',
        version: 1,
        name: 'A workflow',
        reasons: [
          { path: 'trigger.conditions[0]', reason: 'amount is 128000, not ≥ 1000000' },
          { path: 'trigger.conditions[1]', reason: 'currency is "CNY", not "USD"' },
        ],
      },
      {
        id: 'lead-hello',
        version: 1,
        name: 'A workflow',
        reasons: [{ path: 'trigger.event', reason: 'listens to lead.created, not deal.won' }],
      },
    ]);
    expect(formatExplanation(e)).toBe(
      [
        'deal.won deal:D-1001 (event evt-deal.won-D-1001)',
        '  ✓ big-win@1 "A workflow"',
        '  ✗ any-win@1 "Any win"',
        '      enabled: the workflow is disabled',
        '  ✗ huge-win-east@1 "A workflow"',
        '      trigger.conditions[0]: amount is 128000, not ≥ 1000000',
        '      trigger.conditions[1]: currency is "CNY", not "USD"',
        '  ✗ lead-hello@1 "A workflow"',
        '      trigger.event: listens to lead.created, not deal.won',
      ].join('\n'),
    );
  });

  it('an event no workflow can listen to is explained as such', () => {
    const e = matcher.explain(event('lead.merged', deal()));
    expect(e.matched).toEqual([]);
    expect(e.notMatched[0]?.reasons[0]?.reason).toBe(
      'listens to deal.won, not lead.merged (not a workflow trigger)',
    );
  });
});

describe('property: matching is deterministic and independent of config order', () => {
  const stages = ['Qualification', 'Proposal', 'Negotiation', 'Closed Won'];
  const conditionArb = fc.oneof(
    fc.record({
      field: fc.constant('amount'),
      op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
      value: fc.integer({ min: 0, max: 300000 }).map(String),
    }),
    fc.record({
      field: fc.constant('stage'),
      op: fc.constantFrom('eq', 'ne'),
      value: fc.constantFrom(...stages),
    }),
    fc.record({
      field: fc.constant('stage'),
      op: fc.constant('in'),
      values: fc.subarray(stages, { minLength: 1 }),
    }),
    fc.record({
      op: fc.constant('owner_in'),
      owners: fc.constantFrom(['u-1001'], ['u-2'], ['u-2', 'u-1001']),
    }),
  );
  const workflowsArb = fc.uniqueArray(
    fc.record({
      id: fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
      event: fc.constantFrom('deal.won', 'deal.stage_changed'),
      enabled: fc.boolean(),
      conditions: fc.array(conditionArb, { maxLength: 3 }),
    }),
    { selector: (w) => w.id, maxLength: 12 },
  );
  const eventArb = fc.record({
    type: fc.constantFrom('deal.won', 'deal.stage_changed'),
    amount: fc.integer({ min: 0, max: 300000 }).map((n) => `${n}.00`),
    stage: fc.constantFrom(...stages),
  });

  it('shuffled configs and repeated runs give identical results', () => {
    fc.assert(
      fc.property(workflowsArb, eventArb, fc.infiniteStream(fc.nat()), (ws, e, seeds) => {
        const defs = ws.map((w) =>
          workflow({ id: w.id, enabled: w.enabled, trigger: { event: w.event, conditions: w.conditions } }),
        );
        const shuffled = [...defs].sort(() => (seeds.next().value % 3) - 1);
        const ev =
          e.type === 'deal.won'
            ? won({ amount: e.amount, stage: e.stage })
            : event('deal.stage_changed', deal({ amount: e.amount, stage: e.stage }), {
                change: { from: 'Lead', to: e.stage },
              });
        const a = new WorkflowMatcher(parseWorkflowConfig(config({ workflows: defs }), 't'));
        const b = new WorkflowMatcher(parseWorkflowConfig(config({ workflows: shuffled }), 't'));
        const first = a.explain(ev);
        expect(b.explain(ev)).toEqual(first);
        expect(a.explain(ev)).toEqual(first);
        // The fast path agrees with explain on what matched.
        expect(b.match(ev).matched.map((w) => w.id)).toEqual(first.matched.map((w) => w.id));
      }),
      { numRuns: 200 },
    );
  });
});

describe('re-checking a delayed step on fresh data', () => {
  const cfg = parseWorkflowConfig(
    config({
      workflows: [
        workflow({
          id: 'stalled',
          trigger: {
            event: 'deal.stage_changed',
            conditions: [
              { field: 'stage', op: 'changed_from_to', to: 'Proposal' },
              { field: 'stage', op: 'eq', value: 'Proposal' },
              { field: 'amount', op: 'gte', value: '50000' },
            ],
          },
        }),
      ],
    }),
    'test',
  );
  const matcher = new WorkflowMatcher(cfg);

  it('record conditions are asked again; the change conditions describe the event and are not', () => {
    expect(matcher.recheck('stalled', 'deal', deal({ stage: 'Proposal' }))).toEqual([]);
    expect(matcher.recheck('stalled', 'deal', deal({ stage: 'Closed Won', amount: '100' }))).toEqual([
      { path: 'trigger.conditions[1]', reason: 'stage is "Closed Won", not "Proposal"' },
      { path: 'trigger.conditions[2]', reason: 'amount is 100, not ≥ 50000' },
    ]);
  });
});
