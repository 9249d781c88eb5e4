/**
 * The workflow runner: what happens when a domain event arrives, and when one of its delayed steps falls due.
 *
 * On an event: stop signals first (a reply, a stage change, a closed deal, a deletion or a suppressed address stop
 * the enrolments they concern), then the tenant's workflows are matched and planned (plan.ts). Steps due now are
 * performed at once; later ones become one-time schedules carrying the step's origin and the event. Debounced
 * workflows and sequence steps always go through a schedule or a fresh check.
 *
 * When a step falls due it is planned again from the event with the record as stored now: the workflow must still
 * be the same version and its record conditions must still hold, a sequence's enrolment must still be active, and
 * the step must still exist in the fresh plan (a moved close date moves the step). Otherwise the step is skipped,
 * and the reason recorded under its key. due-step.ts decides that; enrol.ts enrols a record in a sequence.
 *
 * Storage is reached through ports (ports.ts) only: the ledger, enrolments, send counters and records.
 *
 * Nothing here is performed twice: every effect goes through the ledger under its deterministic key, schedules are
 * named after that key (created, then recorded), and enrolments are started under the enrolment key.
 */
import type { DomainEventDetail } from '../../events';
import { DomainError } from '../errors';
import type { CompiledWorkflows } from './compiled';
import { planTenant } from './compiled';
import { TRIGGER_EVENTS } from './definition';
import { type DueStep, sequenceStepDue, workflowStepDue } from './due-step';
import { SequenceEnroller } from './enrol';
import type { WorkflowEvent } from './match';
import {
  checkPortsOf,
  EffectPerformer,
  type PerformContext,
  type PerformDeps,
  type StepOrigin,
  type StepResult,
  stepLabel,
  stepScheduleName,
} from './perform';
import { type PlannedEffect, planWorkflow } from './plan';
import type { RecordsPort } from './ports';
import { applyStopSignals, type StoppedEnrolment } from './stops';

/** The input of a step's one-time schedule. */
export interface StepPayload {
  kind: 'workflow-step';
  tenantId: string;
  key: string;
  origin: StepOrigin;
  event: { type: string; detail: DomainEventDetail };
  correlationId: string;
}

export interface RunnerDeps extends PerformDeps {
  records: RecordsPort;
}

export interface EventRun {
  matched: { id: string; version: number }[];
  steps: StepResult[];
  stopped: StoppedEnrolment[];
}

/** A step whose effect failed for good (a template that does not render): raised after every other step ran. */
export class StepFailedError extends DomainError {
  override readonly name = 'StepFailedError';
  constructor(readonly failed: StepResult[]) {
    super(
      'step_failed',
      `${failed.length} workflow step(s) failed: ${failed.map((f) => `${f.key}: ${f.detail}`).join('; ')}`,
    );
  }
}

/** Sequence steps due within this of now run at once instead of through a schedule. */
const DUE_NOW_MS = 1_000;

const isTrigger = (t: string) => (TRIGGER_EVENTS as readonly string[]).includes(t);

export class WorkflowRunner {
  private readonly performer: EffectPerformer;
  private readonly enroller: SequenceEnroller;

  constructor(private readonly deps: RunnerDeps) {
    this.performer = new EffectPerformer(deps);
    this.enroller = new SequenceEnroller(deps, checkPortsOf(deps), (effect, origin, event) =>
      this.dispatch(effect, origin, event),
    );
  }

  private get wf(): CompiledWorkflows {
    return this.deps.workflows;
  }

  // ---- events ------------------------------------------------------------------------------------------------

  async onEvent(event: WorkflowEvent): Promise<EventRun> {
    const stopped = await applyStopSignals(event, this.wf.config, this.deps.enrolments);
    const run: EventRun = { matched: [], steps: [], stopped };
    if (!isTrigger(event.type)) return run;
    let transient: unknown;
    for (const workflow of this.wf.matcher.match(event).matched) {
      run.matched.push({ id: workflow.id, version: workflow.version });
      const plan = planWorkflow({
        config: this.wf.config,
        tenant: planTenant(this.deps.tenant),
        workflow,
        event,
      });
      const origin: StepOrigin = { kind: 'workflow', id: workflow.id, version: workflow.version };
      for (const effect of plan.effects) {
        try {
          run.steps.push(...(await this.dispatch(effect, origin, event)));
        } catch (err) {
          // A provider that is down (SES, the CRM, a chat group) holds up only its own step: the others still go,
          // and the error is raised after them, so the platform retries the event (the done steps are duplicates
          // then) and parks it in the DLQ if it keeps failing.
          transient ??= err;
        }
      }
    }
    const failed = run.steps.filter((s) => s.outcome === 'failed');
    if (failed.length) throw new StepFailedError(failed);
    if (transient !== undefined) throw transient;
    return run;
  }

  /** Performs a step that is due now, or schedules it for later; sequence starts plan their own steps. */
  private async dispatch(
    effect: PlannedEffect,
    origin: StepOrigin,
    event: WorkflowEvent,
  ): Promise<StepResult[]> {
    const now = this.deps.now().getTime();
    const due = Date.parse(effect.dueAt);
    const later = origin.kind === 'workflow' ? effect.recheck || due > now : due > now + DUE_NOW_MS;
    if (later) return [await this.schedule(effect, origin, event, new Date(Math.max(due, now)))];
    if (effect.kind === 'start_sequence') return this.enroller.enrol(effect, origin, event);
    return [await this.performer.perform(this.context(effect, origin, event))];
  }

  private context(effect: PlannedEffect, origin: StepOrigin, event: WorkflowEvent): PerformContext {
    const d = event.detail;
    return {
      effect,
      origin,
      object: d.object,
      record: d.record,
      change: 'change' in d ? d.change : undefined,
      correlationId: d.correlationId,
      reschedule: (at) => this.reschedule(this.payload(effect, origin, event), at),
    };
  }

  private payload(effect: PlannedEffect, origin: StepOrigin, event: WorkflowEvent): StepPayload {
    return {
      kind: 'workflow-step',
      tenantId: this.deps.tenant.id,
      key: effect.key,
      origin,
      event: { type: event.type, detail: event.detail },
      correlationId: event.detail.correlationId,
    };
  }

  /**
   * The step's one-time schedule, created once: it is named after the step key, so Scheduler itself refuses a second
   * one, and the ledger only records it (key `<step key>#schedule`) after the call: one write, no claim.
   */
  private async schedule(
    effect: PlannedEffect,
    origin: StepOrigin,
    event: WorkflowEvent,
    at: Date,
  ): Promise<StepResult> {
    const out = await this.deps.effects.runIdempotent({
      key: `${effect.key}#schedule`,
      correlationId: event.detail.correlationId,
      payload: {
        kind: 'schedule',
        schedule: {
          name: stepScheduleName(effect.key),
          at: at.toISOString(),
          payload: { ...this.payload(effect, origin, event) },
        },
      },
    });
    return {
      ...stepLabel(effect),
      outcome: out.outcome === 'performed' ? 'scheduled' : 'duplicate',
      detail: `due ${at.toISOString()}`,
    };
  }

  // ---- steps falling due -----------------------------------------------------------------------------------

  /** A step's schedule fired: the step is planned again with the record as stored now (due-step.ts decides). */
  async onStep(step: StepPayload): Promise<StepResult> {
    const d = step.event.detail;
    const stored = await this.deps.records.get(d.object, d.recordId);
    if (!stored || stored.deleted) return this.skipStep(step, `the ${d.object} no longer exists`);
    const event: WorkflowEvent = {
      type: step.event.type,
      detail: { ...d, record: stored.record } as DomainEventDetail,
    };
    return this.apply(step, await this.due(step, event), event);
  }

  private async due(step: StepPayload, event: WorkflowEvent): Promise<DueStep> {
    const input = {
      workflows: this.wf,
      tenant: this.deps.tenant,
      key: step.key,
      event,
      original: step.event.detail,
      now: this.deps.now(),
    };
    const o = step.origin;
    if (o.kind === 'workflow') return workflowStepDue({ ...input, origin: o });
    const d = event.detail;
    const enrolment = await this.deps.enrolments.get({
      object: d.object,
      recordId: d.recordId,
      sequence: o.id,
      occurrence: o.occurrence,
    });
    return sequenceStepDue({ ...input, origin: o, enrolment });
  }

  /** Carries out what due-step.ts decided: settle a skip, schedule a wait, or perform the step. */
  private async apply(step: StepPayload, due: DueStep, event: WorkflowEvent): Promise<StepResult> {
    if (due.kind === 'skip') return this.skipStep(step, due.reason, due.stopEnrolment);
    if (due.kind === 'wait') {
      await this.reschedule(step, due.at);
      const label = due.effect ? stepLabel(due.effect) : unplanned(step);
      return { ...label, outcome: 'rescheduled', detail: due.detail };
    }
    const { effect } = due;
    if (effect.kind === 'start_sequence') {
      const results = await this.enroller.enrol(effect, step.origin, event);
      return results[0] ?? { ...unplanned(step), outcome: 'skipped' };
    }
    const res = await this.performer.perform(this.context(effect, step.origin, event));
    if (res.outcome === 'failed') throw new StepFailedError([res]);
    return res;
  }

  /** Settles a step that does not run, with its reason (stopping its enrolment first when the decision says so). */
  private async skipStep(step: StepPayload, reason: string, stopEnrolment?: string): Promise<StepResult> {
    const o = step.origin;
    if (stopEnrolment && o.kind === 'sequence') {
      const d = step.event.detail;
      const ref = { object: d.object, recordId: d.recordId, sequence: o.id, occurrence: o.occurrence };
      await this.deps.enrolments.stop(ref, stopEnrolment);
    }
    await this.deps.effects.settle(step.key, `skipped: ${reason}`, step.correlationId);
    return { ...unplanned(step), outcome: 'skipped', detail: reason };
  }

  /** The step again at a later instant (a send limit, a moved date, a debounce): a schedule named for both. */
  private async reschedule(step: StepPayload, at: Date): Promise<void> {
    await this.deps.scheduler.scheduleOnce({
      name: stepScheduleName(step.key, at),
      at: at.toISOString(),
      payload: { ...step },
    });
  }
}

/** A step result's label before the step is planned again (the kind is not known then). */
const unplanned = (step: StepPayload) => ({
  key: step.key,
  step: '?',
  kind: 'email' as PlannedEffect['kind'],
});
