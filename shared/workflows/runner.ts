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
 * and the reason recorded under its key.
 *
 * Nothing here is performed twice: every effect goes through the ledger under its deterministic key, schedules are
 * named after that key, and enrolments are claimed under the enrolment key.
 */
import type { DomainEventDetail } from '../../events';
import { DomainError } from '../errors';
import type { RecordRepository } from '../store/records';
import type { CompiledWorkflows } from './compiled';
import { planTenant } from './compiled';
import { TRIGGER_EVENTS } from './definition';
import { type EffectCheckPorts, refusalOf } from './effect-checks';
import type { WorkflowEvent } from './match';
import {
  checkPortsOf,
  EffectPerformer,
  type PerformContext,
  type PerformDeps,
  type StepOrigin,
  type StepResult,
  stepScheduleName,
} from './perform';
import { type PlannedEffect, planEnrolment, planWorkflow } from './plan';
import { applyStopSignals, fieldText, type StoppedEnrolment, staleTrigger } from './stops';

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
  records: Pick<RecordRepository, 'get'>;
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
/** A step planned again at fire time that is due this much later was moved (a date changed): schedule it again. */
const MOVED_MS = 60_000;

const isTrigger = (t: string) => (TRIGGER_EVENTS as readonly string[]).includes(t);

export class WorkflowRunner {
  private readonly performer: EffectPerformer;
  private readonly checks: EffectCheckPorts;

  constructor(private readonly deps: RunnerDeps) {
    this.performer = new EffectPerformer(deps);
    this.checks = checkPortsOf(deps);
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
    const d = event.detail;
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
          run.steps.push(...(await this.dispatch(effect, origin, event, d.record)));
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
    record: DomainEventDetail['record'],
  ): Promise<StepResult[]> {
    const now = this.deps.now().getTime();
    const due = Date.parse(effect.dueAt);
    const later = origin.kind === 'workflow' ? effect.recheck || due > now : due > now + DUE_NOW_MS;
    if (later) return [await this.schedule(effect, origin, event, new Date(Math.max(due, now)))];
    if (effect.kind === 'start_sequence') return this.enrol(effect, origin, event, record);
    return [await this.performer.perform(this.context(effect, origin, event, record))];
  }

  private context(
    effect: PlannedEffect,
    origin: StepOrigin,
    event: WorkflowEvent,
    record: DomainEventDetail['record'],
  ): PerformContext {
    const d = event.detail;
    return {
      effect,
      origin,
      object: d.object,
      record,
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

  /** The step's one-time schedule, created once (ledger key `<step key>#schedule`, schedule named after the key). */
  private async schedule(
    effect: PlannedEffect,
    origin: StepOrigin,
    event: WorkflowEvent,
    at: Date,
  ): Promise<StepResult> {
    const out = await this.deps.effects.run({
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
      key: effect.key,
      step: effect.step,
      kind: effect.kind,
      outcome: out.outcome === 'performed' ? 'scheduled' : 'duplicate',
      detail: `due ${at.toISOString()}`,
    };
  }

  /**
   * Enrols the record in a sequence: the enrolment key is claimed in the ledger (that enforces "once", "once per
   * period" or "always"), then the sequence's steps are planned from the enrolment's start and dispatched. Running
   * this again (a redelivery) finds the claim and the steps' keys and repeats nothing.
   */
  private async enrol(
    effect: Extract<PlannedEffect, { kind: 'start_sequence' }>,
    origin: StepOrigin,
    event: WorkflowEvent,
    record: DomainEventDetail['record'],
  ): Promise<StepResult[]> {
    const { effects, enrolments } = this.deps;
    const d = event.detail;
    const sequence = this.wf.config.sequences.find((s) => s.id === effect.sequence);
    const base = { key: effect.key, step: effect.step, kind: effect.kind } as const;
    const settle = async (outcome: StepResult['outcome'], detail: string): Promise<StepResult[]> => {
      await effects.settle(effect.key, `${outcome}: ${detail}`, d.correlationId);
      return [{ ...base, outcome, detail }];
    };
    if (!sequence) return settle('skipped', `sequence ${effect.sequence} is not in the config`);
    const workflowId = origin.kind === 'workflow' ? origin.id : origin.workflow;
    // A suppressed contact is not enrolled at all (its emails would only be skipped one by one).
    const refused = await refusalOf(effect, { object: d.object, email: record.email }, this.checks);
    if (refused) return settle('skipped', refused.reason);
    if (record.email) {
      const busy = (await enrolments.ofAddress(record.email)).find(
        (e) =>
          e.status === 'active' &&
          e.workflow === workflowId &&
          !(e.object === d.object && e.recordId === d.recordId && e.sequence === sequence.id),
      );
      if (busy)
        return settle(
          'skipped',
          `${record.email} is already in sequence ${busy.sequence} from workflow ${workflowId} (${busy.object} ${busy.recordId})`,
        );
    }
    const accountId = fieldText(record.fields, 'accountId');
    const claimed = await effects.run({
      key: effect.enrolmentKey,
      correlationId: d.correlationId,
      payload: {
        kind: 'enrol',
        enrolment: {
          object: d.object,
          recordId: d.recordId,
          sequence: sequence.id,
          version: sequence.version,
          occurrence: effect.occurrence,
          workflow: workflowId,
          ...(record.email ? { address: record.email } : {}),
          ...(accountId ? { accountId } : {}),
          ...(record.owner?.id ? { ownerId: record.owner.id } : {}),
        },
      },
    });
    const current = await enrolments.get({
      object: d.object,
      recordId: d.recordId,
      sequence: sequence.id,
      occurrence: effect.occurrence,
    });
    if (claimed.outcome === 'duplicate' && current?.status !== 'active')
      return settle('skipped', `already enrolled in ${sequence.id} (${effect.occurrence}) before`);
    const startAt = effect.dueAt;
    const plan = planEnrolment({
      config: this.wf.config,
      tenant: planTenant(this.deps.tenant),
      sequence,
      event,
      occurrence: effect.occurrence,
      startAt: new Date(startAt),
    });
    const seqOrigin: StepOrigin = {
      kind: 'sequence',
      id: sequence.id,
      version: sequence.version,
      occurrence: effect.occurrence,
      startAt,
      workflow: workflowId,
    };
    const steps: StepResult[] = [];
    for (const step of plan.effects) steps.push(...(await this.dispatch(step, seqOrigin, event, record)));
    await effects.settle(effect.key, `enrolled: ${effect.enrolmentKey}`, d.correlationId);
    return [
      {
        ...base,
        outcome: claimed.outcome === 'performed' ? 'enrolled' : 'duplicate',
        detail: effect.enrolmentKey,
      },
      ...steps,
    ];
  }

  // ---- steps falling due -----------------------------------------------------------------------------------

  async onStep(step: StepPayload): Promise<StepResult> {
    const { records, effects, enrolments } = this.deps;
    const d = step.event.detail;
    const base = { key: step.key, step: '?', kind: 'email' as PlannedEffect['kind'] };
    const skip = async (reason: string): Promise<StepResult> => {
      await effects.settle(step.key, `skipped: ${reason}`, step.correlationId);
      return { ...base, outcome: 'skipped', detail: reason };
    };
    const stored = await records.get(d.object, d.recordId);
    if (!stored || stored.deleted) return skip(`the ${d.object} no longer exists`);
    const record = stored.record;
    const event: WorkflowEvent = { type: step.event.type, detail: { ...d, record } as DomainEventDetail };
    const tenant = planTenant(this.deps.tenant);
    const config = this.wf.config;

    let effect: PlannedEffect | undefined;
    let skippedWhy: string[] = [];
    const o = step.origin;
    if (o.kind === 'workflow') {
      const workflow = config.workflows.find((w) => w.id === o.id);
      if (!workflow) return skip(`workflow ${o.id} is no longer in the config`);
      if (workflow.version !== o.version)
        return skip(`workflow ${o.id} is now version ${workflow.version} (the step is from ${o.version})`);
      if (!workflow.enabled) return skip(`workflow ${o.id} is disabled`);
      const stale = staleTrigger(step.event.type, d, record);
      if (stale) return skip(stale);
      const reasons = this.wf.matcher.recheck(o.id, d.object, record);
      if (reasons.length)
        return skip(
          `its conditions no longer hold: ${reasons.map((r) => `${r.path}: ${r.reason}`).join('; ')}`,
        );
      const plan = planWorkflow({ config, tenant, workflow, event });
      effect = plan.effects.find((e) => e.key === step.key);
      // Debounce: the steps at the gate wait until the record has been left alone for the whole window.
      if (workflow.debounceSeconds && effect && effect.dueAt === plan.gate?.until) {
        const settledAt = Date.parse(record.modifiedAt) + workflow.debounceSeconds * 1000;
        if (record.modifiedAt !== d.record.modifiedAt && settledAt > this.deps.now().getTime()) {
          const at = new Date(settledAt);
          await this.reschedule(step, at);
          return {
            ...base,
            outcome: 'rescheduled',
            detail: `the record changed again; waiting until ${at.toISOString()}`,
          };
        }
      }
      skippedWhy = plan.skipped.map((s) => `${s.step}: ${s.reason}`);
    } else {
      const enrolment = await enrolments.get({
        object: d.object,
        recordId: d.recordId,
        sequence: o.id,
        occurrence: o.occurrence,
      });
      if (!enrolment) return skip(`no enrolment in ${o.id} for this record`);
      if (enrolment.status !== 'active')
        return skip(`the enrolment stopped: ${enrolment.stoppedReason ?? 'stopped'}`);
      const sequence = config.sequences.find((s) => s.id === o.id);
      if (!sequence || sequence.version !== o.version) {
        await enrolments.stop(enrolment, `sequence ${o.id} changed or was removed`);
        return skip(`sequence ${o.id} is no longer version ${o.version}`);
      }
      if (record.status && record.status !== 'open' && sequence.stopOn.includes('closed')) {
        await enrolments.stop(enrolment, `stop condition: closed (the ${d.object} is ${record.status})`);
        return skip(`the ${d.object} is ${record.status}`);
      }
      const plan = planEnrolment({
        config,
        tenant,
        sequence,
        event,
        occurrence: o.occurrence,
        startAt: new Date(o.startAt),
      });
      effect = plan.effects.find((e) => e.key === step.key);
      skippedWhy = plan.skipped.map((s) => `${s.step}: ${s.reason}`);
    }
    if (!effect)
      return skip(
        `the step no longer applies to the record as it is now${skippedWhy.length ? ` (${skippedWhy.join('; ')})` : ''}`,
      );
    const due = Date.parse(effect.dueAt);
    if (due > this.deps.now().getTime() + MOVED_MS) {
      await this.reschedule(step, new Date(due));
      return {
        key: effect.key,
        step: effect.step,
        kind: effect.kind,
        outcome: 'rescheduled',
        detail: `now due ${effect.dueAt}`,
      };
    }
    if (effect.kind === 'start_sequence') {
      const results = await this.enrol(effect, o, event, record);
      return results[0] ?? { ...base, outcome: 'skipped' };
    }
    const res = await this.performer.perform(this.context(effect, o, event, record));
    if (res.outcome === 'failed') throw new StepFailedError([res]);
    return res;
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
