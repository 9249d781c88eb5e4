/**
 * Dry-run: replays the archived domain events of a period, in the order they happened, through a (draft or current)
 * workflow config and lists what it would have done, per event, without doing any of it. Reads only.
 *
 * The replay follows what the runner does with later events on the same record, so the list is what would really
 * have gone out, not just what each event planned:
 * - a debounced workflow is superseded when its record changed again before the gate opened;
 * - a delayed step whose conditions no longer hold on the record as it was when the step fell due is skipped
 *   (conditions about the change itself are not asked again, as `recheck` does);
 * - an enrolment stops at the first later event that is one of its stop signals, or at a stop_sequence action;
 * - a second enrolment under the same enrolment key (the re-enrolment rule) is refused.
 * Effects due after the end of the period are listed as "would schedule": the events that could still stop them
 * have not happened yet.
 * Last, every step still listed goes through the runner's own checks (effect-checks.ts): mail to a suppressed
 * address (suppressed by the time the step was due; the list as it is now for steps due later) and write-backs the
 * tenant's CRM does not take are listed as skipped with the runner's reason, and counted apart in the totals.
 */
import type { EventArchiveReader } from '../store/event-archive';
import { localDaysBetween } from '../store/event-archive';
import type { WorkflowConfig } from './definition';
import { type EffectCheckPorts, type EffectRefusal, type EffectTarget, refusalOf } from './effect-checks';
import { type Due, describeEffect, dueIn, type EffectReport, planEvent } from './explain-report';
import { type WorkflowEvent, WorkflowMatcher } from './match';
import type { PlannedEffect, PlanTenant, SkippedStep } from './plan';
import { stopReason, stopSignalOf } from './sequences';

export type DryRunOutcome = 'would_perform' | 'would_schedule' | 'would_skip';

export interface DryRunEffect {
  step: string;
  kind: EffectReport['kind'];
  summary: string;
  due: Due;
  recipientDue?: Due;
  outcome: DryRunOutcome;
  /** Why it would be skipped. */
  reason?: string;
  /** Set when the runner's checks would skip it (a suppressed address, a write-back the CRM does not take). */
  refused?: EffectRefusal['check'];
  effect: EffectReport['effect'];
  /** For start_sequence: the enrolment's own steps. */
  steps?: DryRunEffect[];
}

export interface DryRunWorkflow {
  id: string;
  version: number;
  name: string;
  debounce?: { until: Due; superseded?: string };
  effects: DryRunEffect[];
  skipped: SkippedStep[];
}

export interface DryRunEvent {
  type: string;
  eventId: string;
  object: string;
  recordId: string;
  occurredAt: Due;
  workflows: DryRunWorkflow[];
}

export interface DryRunTotals {
  days: number;
  events: number;
  eventsWithEffects: number;
  emails: number;
  crmActivities: { task: number; note: number; call: number };
  chatNotifications: number;
  enrolments: number;
  sequenceStops: number;
  /** Of the above, due after the period's end. */
  scheduledLater: number;
  skipped: number;
  /** Of the skipped, those the runner's checks refuse. */
  refused: { suppressed: number; crmWriteBack: number };
}

export interface DryRunReport {
  tenant: { id: string; timeZone: string };
  period: { since: Due; until: Due; days: string[] };
  events: DryRunEvent[];
  totals: DryRunTotals;
}

export interface DryRunProgress {
  day: string;
  index: number;
  days: number;
  events: number;
}

/** Something in the replay that a later event on the same record can change. */
type Watch =
  | { kind: 'gate'; until: number; modifiedAt: string; workflow: DryRunWorkflow; release: () => void }
  | { kind: 'recheck'; due: number; workflowId: string; effect: DryRunEffect }
  | { kind: 'enrolment'; sequence: string; steps: { due: number; effect: DryRunEffect }[]; stopped: boolean };

const skip = (e: DryRunEffect, reason: string) => {
  e.outcome = 'would_skip';
  e.reason = reason;
};
const allOf = (w: DryRunWorkflow): DryRunEffect[] => w.effects.flatMap((e) => [e, ...(e.steps ?? [])]);

export const dryRun = async (input: {
  config: WorkflowConfig;
  tenant: PlanTenant;
  archive: EventArchiveReader;
  since: Date;
  until: Date;
  /** The tenant's CRM and suppression list, as the runner checks them. */
  checks: EffectCheckPorts;
  onProgress?: (p: DryRunProgress) => void;
}): Promise<DryRunReport> => {
  const { config, tenant, since, until } = input;
  const matcher = new WorkflowMatcher(config, { currency: tenant.currency });
  const days = localDaysBetween(since, until, tenant.timeZone);
  const end = until.getTime();
  const watches = new Map<string, Watch[]>();
  const enrolled = new Map<string, string>();
  const listed: DryRunEvent[] = [];
  let count = 0;
  /** Skipped for good (superseded, stopped, already enrolled): a later recheck cannot bring these back. */
  const settled = new WeakSet<DryRunEffect>();
  /** Every listed effect with what the runner's checks need to know about it. */
  const targets: { effect: DryRunEffect; description: PlannedEffect; target: EffectTarget; due: number }[] =
    [];
  const settle = (e: DryRunEffect, reason: string) => {
    skip(e, reason);
    settled.add(e);
  };

  const view = (e: PlannedEffect, target: EffectTarget): DryRunEffect => {
    const { key: _k, step, dueAt, recheck: _r, ...effect } = e;
    const zone = effect.kind === 'email' ? effect.windowTimeZone : undefined;
    const listed: DryRunEffect = {
      step,
      kind: effect.kind,
      summary: describeEffect(effect),
      due: dueIn(dueAt, tenant.timeZone),
      ...(zone && zone !== tenant.timeZone ? { recipientDue: dueIn(dueAt, zone) } : {}),
      outcome: Date.parse(dueAt) > end ? 'would_schedule' : 'would_perform',
      effect,
    };
    targets.push({ effect: listed, description: e, target, due: Date.parse(dueAt) });
    return listed;
  };

  /** What this event does to the replay's earlier plans for its record, before it plans its own. */
  const observe = (event: WorkflowEvent, recordKey: string) => {
    const list = watches.get(recordKey);
    if (!list) return;
    const d = event.detail;
    const at = Date.parse(d.occurredAt);
    const signal = stopSignalOf(event.type);
    for (const w of list) {
      if (w.kind === 'gate') {
        if (at >= w.until || d.record.modifiedAt === w.modifiedAt || w.workflow.debounce?.superseded)
          continue;
        const why = `debounced: the record changed again at ${d.occurredAt} (event ${d.eventId}) before the gate opened`;
        w.workflow.debounce = { ...(w.workflow.debounce as { until: Due }), superseded: d.eventId };
        for (const e of allOf(w.workflow)) settle(e, why);
        w.release();
      } else if (w.kind === 'recheck') {
        // The latest state before the step falls due decides, so each later event overwrites the verdict.
        if (at >= w.due || settled.has(w.effect)) continue;
        const reasons = matcher.recheck(w.workflowId, d.object, d.record);
        if (reasons.length > 0)
          skip(w.effect, `no longer holds: ${reasons.map((r) => `${r.path}: ${r.reason}`).join('; ')}`);
        else if (w.effect.outcome === 'would_skip') {
          w.effect.outcome = w.due > end ? 'would_schedule' : 'would_perform';
          delete w.effect.reason;
        }
      } else if (signal && !w.stopped) {
        const seq = config.sequences.find((s) => s.id === w.sequence);
        const reason = seq ? stopReason(seq, signal) : undefined;
        if (!reason) continue;
        w.stopped = true;
        for (const s of w.steps)
          if (s.due > at) settle(s.effect, `sequence stopped by event ${d.eventId}: ${reason}`);
      }
    }
  };

  const stopEnrolments = (recordKey: string, sequence: string, at: number, by: string) => {
    for (const w of watches.get(recordKey) ?? []) {
      if (w.kind !== 'enrolment' || w.sequence !== sequence || w.stopped) continue;
      w.stopped = true;
      for (const s of w.steps) if (s.due > at) settle(s.effect, `sequence stopped by ${by}`);
    }
  };

  const replay = (event: WorkflowEvent) => {
    const d = event.detail;
    const recordKey = `${d.object}/${d.recordId}`;
    const target: EffectTarget = { object: d.object, email: d.record.email };
    observe(event, recordKey);
    const plan = planEvent({ config, tenant, event, matcher, matchedOnly: true });
    if (plan.matched.length === 0) return;
    const watch = watches.get(recordKey) ?? [];
    watches.set(recordKey, watch);
    const workflows = plan.matched.map((pw): DryRunWorkflow => {
      const gate = pw.plan.gate;
      const wf: DryRunWorkflow = {
        ...pw.workflow,
        ...(gate ? { debounce: { until: dueIn(gate.until, tenant.timeZone) } } : {}),
        effects: [],
        skipped: pw.plan.skipped,
      };
      const claimed: string[] = [];
      for (const e of pw.plan.effects) {
        const effect = view(e, target);
        const due = Date.parse(e.dueAt);
        if (e.recheck) watch.push({ kind: 'recheck', due, workflowId: pw.workflow.id, effect });
        if (e.kind === 'start_sequence') {
          const first = enrolled.get(e.enrolmentKey);
          if (first !== undefined) {
            settle(effect, `already enrolled by event ${first} (enrolment ${e.occurrence})`);
          } else {
            enrolled.set(e.enrolmentKey, d.eventId);
            claimed.push(e.enrolmentKey);
            const steps = (pw.enrolments.get(e.key)?.plan.effects ?? []).map((s) => ({
              due: Date.parse(s.dueAt),
              effect: view(s, target),
            }));
            effect.steps = steps.map((s) => s.effect);
            watch.push({ kind: 'enrolment', sequence: e.sequence, steps, stopped: false });
          }
        }
        if (e.kind === 'stop_sequence')
          stopEnrolments(recordKey, e.sequence, due, `workflow ${pw.workflow.id} (event ${d.eventId})`);
        wf.effects.push(effect);
      }
      if (gate)
        watch.push({
          kind: 'gate',
          until: Date.parse(gate.until),
          modifiedAt: gate.recordModifiedAt,
          workflow: wf,
          // A superseded enrolment never happened: the event that superseded it may enrol instead.
          release: () => {
            for (const k of claimed) if (enrolled.get(k) === d.eventId) enrolled.delete(k);
          },
        });
      return wf;
    });
    listed.push({
      type: event.type,
      eventId: d.eventId,
      object: d.object,
      recordId: d.recordId,
      occurredAt: dueIn(d.occurredAt, tenant.timeZone),
      workflows,
    });
  };

  for (const [i, day] of days.entries()) {
    const events = await input.archive.eventsOfDay(day, since, until);
    for (const event of events) replay(event);
    count += events.length;
    input.onProgress?.({ day, index: i + 1, days: days.length, events: count });
  }

  // The runner's checks, on what the replay still lists; one suppression lookup per address.
  const lookups = new Map<string, ReturnType<EffectCheckPorts['isSuppressed']>>();
  const ports: EffectCheckPorts = {
    crmProvider: input.checks.crmProvider,
    isSuppressed: (address) => {
      const key = address.toLowerCase();
      let found = lookups.get(key);
      if (!found) {
        found = input.checks.isSuppressed(address);
        lookups.set(key, found);
      }
      return found;
    },
  };
  for (const t of targets) {
    if (t.effect.outcome === 'would_skip') continue;
    const refused = await refusalOf(
      t.description,
      t.target,
      ports,
      t.due > end ? undefined : new Date(t.due),
    );
    if (!refused) continue;
    skip(t.effect, refused.reason);
    t.effect.refused = refused.check;
  }

  // An enrolment that would not start has no steps to take.
  for (const ev of listed)
    for (const w of ev.workflows)
      for (const e of w.effects)
        if (e.outcome === 'would_skip')
          for (const s of e.steps ?? [])
            if (s.outcome !== 'would_skip') skip(s, 'the enrolment would not start');

  return {
    tenant: { id: tenant.id, timeZone: tenant.timeZone },
    period: {
      since: dueIn(since.toISOString(), tenant.timeZone),
      until: dueIn(until.toISOString(), tenant.timeZone),
      days,
    },
    events: listed,
    totals: totalsOf(listed, days.length, count),
  };
};

const totalsOf = (events: DryRunEvent[], days: number, count: number): DryRunTotals => {
  const t: DryRunTotals = {
    days,
    events: count,
    eventsWithEffects: 0,
    emails: 0,
    crmActivities: { task: 0, note: 0, call: 0 },
    chatNotifications: 0,
    enrolments: 0,
    sequenceStops: 0,
    scheduledLater: 0,
    skipped: 0,
    refused: { suppressed: 0, crmWriteBack: 0 },
  };
  for (const ev of events) {
    let any = false;
    for (const w of ev.workflows) {
      t.skipped += w.skipped.length;
      for (const e of allOf(w)) {
        if (e.outcome === 'would_skip') {
          t.skipped++;
          if (e.refused === 'suppressed') t.refused.suppressed++;
          else if (e.refused === 'crm_write_back') t.refused.crmWriteBack++;
          continue;
        }
        any = true;
        if (e.outcome === 'would_schedule') t.scheduledLater++;
        const x = e.effect;
        if (x.kind === 'email') t.emails++;
        else if (x.kind === 'crm_activity') t.crmActivities[x.activity]++;
        else if (x.kind === 'chat') t.chatNotifications++;
        else if (x.kind === 'start_sequence') t.enrolments++;
        else t.sequenceStops++;
      }
    }
    if (any) t.eventsWithEffects++;
  }
  return t;
};
