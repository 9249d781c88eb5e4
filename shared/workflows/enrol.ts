/**
 * Enrolling a record in a sequence (a workflow's start_sequence step): whether it may be enrolled, the enrolment
 * started and recorded under its key in the ledger, and the sequence's steps planned from the enrolment's start. The runner dispatches
 * those steps (performed now or scheduled) through the callback it passes in.
 */
import { planTenant } from './compiled';
import type { Sequence } from './definition';
import { type EffectCheckPorts, refusalOf } from './effect-checks';
import type { WorkflowEvent } from './match';
import { type PerformDeps, type StepOrigin, type StepResult, stepLabel } from './perform';
import { type PlannedEffect, planEnrolment } from './plan';
import { fieldText } from './stops';

export type StartSequence = Extract<PlannedEffect, { kind: 'start_sequence' }>;

type Dispatch = (effect: PlannedEffect, origin: StepOrigin, event: WorkflowEvent) => Promise<StepResult[]>;

export class SequenceEnroller {
  constructor(
    private readonly deps: Pick<PerformDeps, 'tenant' | 'workflows' | 'effects' | 'enrolments'>,
    private readonly checks: EffectCheckPorts,
    private readonly dispatch: Dispatch,
  ) {}

  /**
   * Enrols the record in a sequence: the enrolment is started under the enrolment key (that enforces "once", "once
   * per period" or "always") and recorded in the ledger, then the sequence's steps are planned from the enrolment's
   * start and dispatched. Running this again (a redelivery) finds the enrolment and the steps' keys and repeats
   * nothing.
   */
  async enrol(effect: StartSequence, origin: StepOrigin, event: WorkflowEvent): Promise<StepResult[]> {
    const sequence = this.deps.workflows.config.sequences.find((s) => s.id === effect.sequence);
    const workflowId = origin.kind === 'workflow' ? origin.id : origin.workflow;
    const refused = sequence
      ? await this.enrolmentRefusal(effect, sequence, workflowId, event)
      : `sequence ${effect.sequence} is not in the config`;
    if (refused || !sequence) return [await this.settleStart(effect, event, 'skipped', refused ?? '')];
    const claimed = await this.claimEnrolment(effect, sequence, workflowId, event);
    if (claimed === 'ended')
      return [
        await this.settleStart(
          effect,
          event,
          'skipped',
          `already enrolled in ${sequence.id} (${effect.occurrence}) before`,
        ),
      ];
    const steps = await this.sequenceSteps(effect, sequence, workflowId, event);
    await this.deps.effects.settle(
      effect.key,
      `enrolled: ${effect.enrolmentKey}`,
      event.detail.correlationId,
    );
    const outcome = claimed === 'performed' ? 'enrolled' : 'duplicate';
    return [{ ...stepLabel(effect), outcome, detail: effect.enrolmentKey }, ...steps];
  }

  /**
   * Why the record may not be enrolled, if it may not: a suppressed contact is not enrolled at all (its emails would
   * only be skipped one by one), and an address already in another active sequence of the same workflow waits.
   */
  private async enrolmentRefusal(
    effect: StartSequence,
    sequence: Sequence,
    workflowId: string,
    event: WorkflowEvent,
  ): Promise<string | undefined> {
    const d = event.detail;
    const record = d.record;
    const refused = await refusalOf(effect, { object: d.object, email: record.email }, this.checks);
    if (refused) return refused.reason;
    if (!record.email) return undefined;
    const busy = (await this.deps.enrolments.ofAddress(record.email)).find(
      (e) =>
        e.status === 'active' &&
        e.workflow === workflowId &&
        !(e.object === d.object && e.recordId === d.recordId && e.sequence === sequence.id),
    );
    return busy
      ? `${record.email} is already in sequence ${busy.sequence} from workflow ${workflowId} (${busy.object} ${busy.recordId})`
      : undefined;
  }

  /**
   * Starts the enrolment under its key: 'performed' for a new enrolment, 'duplicate' for a redelivery while it is
   * still active (its steps are dispatched again, and are duplicates), 'ended' when it was enrolled before and has
   * stopped.
   */
  private async claimEnrolment(
    effect: StartSequence,
    sequence: Sequence,
    workflowId: string,
    event: WorkflowEvent,
  ): Promise<'performed' | 'duplicate' | 'ended'> {
    const d = event.detail;
    const record = d.record;
    const accountId = fieldText(record.fields, 'accountId');
    // The enrolment store starts an enrolment with a conditional put of its key: idempotent, so no claim first.
    const claimed = await this.deps.effects.runIdempotent({
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
    const current = await this.deps.enrolments.get({
      object: d.object,
      recordId: d.recordId,
      sequence: sequence.id,
      occurrence: effect.occurrence,
    });
    // Not active right after the start: it was started before (by a run that recorded it, or one that crashed
    // before recording it) and has stopped since.
    if (current?.status !== 'active') return 'ended';
    return claimed.outcome;
  }

  /** Plans the sequence's steps from the enrolment's start and dispatches each. */
  private async sequenceSteps(
    effect: StartSequence,
    sequence: Sequence,
    workflowId: string,
    event: WorkflowEvent,
  ): Promise<StepResult[]> {
    const startAt = effect.dueAt;
    const plan = planEnrolment({
      config: this.deps.workflows.config,
      tenant: planTenant(this.deps.tenant),
      sequence,
      event,
      occurrence: effect.occurrence,
      startAt: new Date(startAt),
    });
    const origin: StepOrigin = {
      kind: 'sequence',
      id: sequence.id,
      version: sequence.version,
      occurrence: effect.occurrence,
      startAt,
      workflow: workflowId,
    };
    const steps: StepResult[] = [];
    for (const step of plan.effects) steps.push(...(await this.dispatch(step, origin, event)));
    return steps;
  }

  private async settleStart(
    effect: StartSequence,
    event: WorkflowEvent,
    outcome: StepResult['outcome'],
    detail: string,
  ): Promise<StepResult> {
    await this.deps.effects.settle(effect.key, `${outcome}: ${detail}`, event.detail.correlationId);
    return { ...stepLabel(effect), outcome, detail };
  }
}
