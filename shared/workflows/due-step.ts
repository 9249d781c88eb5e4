/**
 * What a delayed step comes to when it falls due, decided from the config and the record as stored now; plain
 * functions, no storage (the runner reads the record and the enrolment, and applies the decision).
 *
 * The step is planned again from its event: a workflow must still be the same version, enabled, its trigger must
 * still stand and its record conditions still hold; a sequence's enrolment must still be active and the sequence
 * the same version. The step must still be in the fresh plan; a debounced step whose record changed again waits,
 * and a step the fresh plan puts later (a moved date) is scheduled again.
 */
import type { DomainEventDetail } from '../../events';
import type { TenantConfig } from '../config/tenant';
import { type CompiledWorkflows, planTenant } from './compiled';
import type { WorkflowEvent } from './match';
import type { StepOrigin } from './perform';
import { type Plan, type PlannedEffect, planEnrolment, planWorkflow } from './plan';
import type { Enrolment } from './ports';
import { staleTrigger } from './stops';

/** A step planned again at fire time that is due this much later was moved (a date changed): schedule it again. */
export const MOVED_MS = 60_000;

export type DueStep =
  /** Settle the step as skipped; `stopEnrolment`: stop the step's enrolment with this reason first. */
  | { kind: 'skip'; reason: string; stopEnrolment?: string }
  /** Schedule the step again for `at`; `effect` when the fresh plan has it. */
  | { kind: 'wait'; at: Date; detail: string; effect?: PlannedEffect }
  /** Perform the step now. */
  | { kind: 'run'; effect: PlannedEffect };

interface DueInput {
  workflows: CompiledWorkflows;
  tenant: TenantConfig;
  key: string;
  /** The event the step came from, with the record as stored now. */
  event: WorkflowEvent;
  /** The triggering event's detail as the step's schedule carried it (the record as it was then). */
  original: DomainEventDetail;
  now: Date;
}

const skip = (reason: string, stopEnrolment?: string): DueStep => ({
  kind: 'skip',
  reason,
  ...(stopEnrolment ? { stopEnrolment } : {}),
});

/** The step as the fresh plan has it: gone, moved later, or due. */
const fromPlan = (plan: Plan, key: string, now: Date): DueStep => {
  const effect = plan.effects.find((e) => e.key === key);
  if (!effect) {
    const why = plan.skipped.map((s) => `${s.step}: ${s.reason}`);
    return skip(
      `the step no longer applies to the record as it is now${why.length ? ` (${why.join('; ')})` : ''}`,
    );
  }
  const due = Date.parse(effect.dueAt);
  if (due > now.getTime() + MOVED_MS)
    return { kind: 'wait', at: new Date(due), detail: `now due ${effect.dueAt}`, effect };
  return { kind: 'run', effect };
};

/** A workflow's delayed step (origin kind 'workflow'). */
export const workflowStepDue = (
  input: DueInput & { origin: Extract<StepOrigin, { kind: 'workflow' }> },
): DueStep => {
  const { workflows, event, origin: o, now } = input;
  const d = event.detail;
  const record = d.record;
  const workflow = workflows.config.workflows.find((w) => w.id === o.id);
  if (!workflow) return skip(`workflow ${o.id} is no longer in the config`);
  if (workflow.version !== o.version)
    return skip(`workflow ${o.id} is now version ${workflow.version} (the step is from ${o.version})`);
  if (!workflow.enabled) return skip(`workflow ${o.id} is disabled`);
  const stale = staleTrigger(event.type, input.original, record);
  if (stale) return skip(stale);
  const reasons = workflows.matcher.recheck(o.id, d.object, record);
  if (reasons.length)
    return skip(`its conditions no longer hold: ${reasons.map((r) => `${r.path}: ${r.reason}`).join('; ')}`);
  const plan = planWorkflow({ config: workflows.config, tenant: planTenant(input.tenant), workflow, event });
  const effect = plan.effects.find((e) => e.key === input.key);
  // Debounce: the steps at the gate wait until the record has been left alone for the whole window.
  if (workflow.debounceSeconds && effect && effect.dueAt === plan.gate?.until) {
    const settledAt = Date.parse(record.modifiedAt) + workflow.debounceSeconds * 1000;
    if (record.modifiedAt !== input.original.record.modifiedAt && settledAt > now.getTime()) {
      const at = new Date(settledAt);
      return { kind: 'wait', at, detail: `the record changed again; waiting until ${at.toISOString()}` };
    }
  }
  return fromPlan(plan, input.key, now);
};

/** A sequence's step (origin kind 'sequence'), given its enrolment as stored now. */
export const sequenceStepDue = (
  input: DueInput & { origin: Extract<StepOrigin, { kind: 'sequence' }>; enrolment: Enrolment | undefined },
): DueStep => {
  const { workflows, event, origin: o, enrolment } = input;
  const d = event.detail;
  const record = d.record;
  if (!enrolment) return skip(`no enrolment in ${o.id} for this record`);
  if (enrolment.status !== 'active')
    return skip(`the enrolment stopped: ${enrolment.stoppedReason ?? 'stopped'}`);
  const sequence = workflows.config.sequences.find((s) => s.id === o.id);
  if (!sequence || sequence.version !== o.version)
    return skip(
      `sequence ${o.id} is no longer version ${o.version}`,
      `sequence ${o.id} changed or was removed`,
    );
  if (record.status && record.status !== 'open' && sequence.stopOn.includes('closed'))
    return skip(
      `the ${d.object} is ${record.status}`,
      `stop condition: closed (the ${d.object} is ${record.status})`,
    );
  const plan = planEnrolment({
    config: workflows.config,
    tenant: planTenant(input.tenant),
    sequence,
    event,
    occurrence: o.occurrence,
    startAt: new Date(o.startAt),
  });
  return fromPlan(plan, input.key, input.now);
};
