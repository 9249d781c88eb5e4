/**
 * What a delayed step comes to when it falls due (shared/workflows/due-step.ts): plain decisions from the config,
 * the step's event and the record as stored now, without any store.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { compileWorkflows, planTenant } from '../../../shared/workflows/compiled';
import { sequenceStepDue, workflowStepDue } from '../../../shared/workflows/due-step';
import type { WorkflowEvent } from '../../../shared/workflows/match';
import { planWorkflow } from '../../../shared/workflows/plan';
import type { Enrolment } from '../../../shared/workflows/ports';
import { TENANT } from '../../support/workflow-harness';
import { deal, demoConfig, event } from './fixtures';

const workflows = compileWorkflows(demoConfig(), 'CNY');
const config = workflows.config;

/** The step's event with the record as stored now. */
const now = (e: WorkflowEvent, record: CanonicalRecord): WorkflowEvent => ({
  type: e.type,
  detail: { ...e.detail, record },
});

const planned = (workflowId: string, e: WorkflowEvent) => {
  const workflow = config.workflows.find((w) => w.id === workflowId);
  if (!workflow) throw new Error(`no workflow ${workflowId}`);
  return planWorkflow({ config, tenant: planTenant(TENANT), workflow, event: e });
};

describe('a workflow step falling due', () => {
  const won = deal({ status: 'won', stage: 'Closed Won' });
  const e = event('deal.won', won);
  const plan = planned('won-deal-recognition', e);
  const checkIn = plan.effects.at(-1);
  if (!checkIn) throw new Error('no check-in planned');
  const due = (record: CanonicalRecord, at: string, version = 1) =>
    workflowStepDue({
      workflows,
      tenant: TENANT,
      key: checkIn.key,
      event: now(e, record),
      original: e.detail,
      now: new Date(at),
      origin: { kind: 'workflow', id: 'won-deal-recognition', version },
    });

  it('runs the check-in when it is due and the deal is still won', () => {
    expect(checkIn.dueAt).toBe('2026-03-09T08:00:00.000Z');
    expect(due(won, checkIn.dueAt)).toEqual({ kind: 'run', effect: checkIn });
  });

  it('skips it when the deal is no longer won, or the workflow changed version', () => {
    expect(due({ ...won, status: 'open' }, checkIn.dueAt)).toEqual({
      kind: 'skip',
      reason: 'the deal is no longer won (now open)',
    });
    expect(due(won, checkIn.dueAt, 0)).toEqual({
      kind: 'skip',
      reason: 'workflow won-deal-recognition is now version 1 (the step is from 0)',
    });
  });

  it('waits when the fresh plan puts the step later than a minute from now (fired early or a moved date)', () => {
    expect(due(won, '2026-03-02T08:00:05.000Z')).toEqual({
      kind: 'wait',
      at: new Date(checkIn.dueAt),
      detail: `now due ${checkIn.dueAt}`,
      effect: checkIn,
    });
  });

  it('holds a debounced step while the record keeps changing, until it has been left alone for the window', () => {
    const created = deal({ id: 'L-1', email: 'wang.fang@example.cn', status: undefined, stage: undefined });
    const lead = event('lead.created', created, { object: 'lead' });
    const gated = planned('new-lead-welcome', lead);
    const atGate = gated.effects.find((x) => x.dueAt === gated.gate?.until);
    if (!atGate || !gated.gate) throw new Error('no debounce gate planned');
    const edited = { ...created, modifiedAt: '2026-03-02T08:01:00.000Z' };
    const step = (record: CanonicalRecord) =>
      workflowStepDue({
        workflows,
        tenant: TENANT,
        key: atGate.key,
        event: now(lead, record),
        original: lead.detail,
        now: new Date(gated.gate?.until ?? ''),
        origin: { kind: 'workflow', id: 'new-lead-welcome', version: 1 },
      });
    expect(step(edited)).toEqual({
      kind: 'wait',
      at: new Date('2026-03-02T08:03:00.000Z'),
      detail: 'the record changed again; waiting until 2026-03-02T08:03:00.000Z',
    });
    expect(step(created)).toEqual({ kind: 'run', effect: atGate });
  });
});

describe('a sequence step falling due', () => {
  const lead = deal({ id: 'L-2', email: 'li.na@example.cn', status: 'open', stage: undefined });
  const e = event('lead.created', lead, { object: 'lead' });
  const enrolment: Enrolment = {
    object: 'lead',
    recordId: 'L-2',
    sequence: 'lead-nurture',
    version: 1,
    occurrence: 'once',
    workflow: 'new-lead-welcome',
    startedAt: '2026-03-02T08:02:00.000Z',
    status: 'active',
  };
  const due = (record: CanonicalRecord, en: Enrolment | undefined, version = 1) =>
    sequenceStepDue({
      workflows,
      tenant: TENANT,
      key: 'new-lead-welcome/v1/lead-nurture/L-2/steps[1]',
      event: now(e, record),
      original: e.detail,
      now: new Date('2026-03-04T02:00:00.000Z'),
      origin: {
        kind: 'sequence',
        id: 'lead-nurture',
        version,
        occurrence: 'once',
        startAt: '2026-03-02T08:02:00.000Z',
        workflow: 'new-lead-welcome',
      },
      enrolment: en,
    });

  it('skips the step of a missing or stopped enrolment, leaving the enrolment as it is', () => {
    expect(due(lead, undefined)).toEqual({
      kind: 'skip',
      reason: 'no enrolment in lead-nurture for this record',
    });
    expect(due(lead, { ...enrolment, status: 'stopped', stoppedReason: 'replied' })).toEqual({
      kind: 'skip',
      reason: 'the enrolment stopped: replied',
    });
  });

  it('stops the enrolment when the sequence changed version, or the record closed and the sequence stops on it', () => {
    expect(due(lead, enrolment, 2)).toEqual({
      kind: 'skip',
      reason: 'sequence lead-nurture is no longer version 2',
      stopEnrolment: 'sequence lead-nurture changed or was removed',
    });
    expect(due({ ...lead, status: 'lost' }, enrolment)).toEqual({
      kind: 'skip',
      reason: 'the lead is lost',
      stopEnrolment: 'stop condition: closed (the lead is lost)',
    });
  });

  it('skips a step the fresh plan no longer has, saying so', () => {
    const outcome = due(lead, enrolment);
    expect(outcome.kind).toBe('skip');
    expect(outcome.kind === 'skip' && outcome.reason).toMatch(
      /^the step no longer applies to the record as it is now/,
    );
  });
});
