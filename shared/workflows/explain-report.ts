/**
 * "Why did this event do what it did?": which workflows matched, which did not and why (per condition), the effects
 * each one planned with their due times, and for each effect its state in the effect ledger.
 *
 * No index of "effects by event" is needed: plans are deterministic (plan.ts), so recomputing the plan of the event
 * gives the very keys the runner recorded its effects under, and the ledger is read by key. Everything here is pure
 * but for `explainEvent`, which reads the ledger through the injected `EffectStateReader`.
 */
import type { CanonicalRecord } from '../../events';
import { localTime } from './calendar';
import type { Sequence, WorkflowConfig } from './definition';
import { type Unmatched, type WorkflowEvent, WorkflowMatcher, type WorkflowRef } from './match';
import {
  type EffectDescription,
  type Plan,
  type PlannedEffect,
  type PlanTenant,
  planEnrolment,
  planWorkflow,
  type SkippedStep,
} from './plan';
import { stopReason, stopSignalOf } from './sequences';

// ---- the plan of one event -----------------------------------------------------------------------------------

export interface PlannedEnrolment {
  sequence: Sequence;
  plan: Plan;
}
export interface PlannedWorkflow {
  workflow: WorkflowRef;
  plan: Plan;
  /** The steps of each enrolment a start_sequence effect makes, by that effect's key. */
  enrolments: Map<string, PlannedEnrolment>;
}
export interface EventPlan {
  event: WorkflowEvent;
  matched: PlannedWorkflow[];
  notMatched: Unmatched[];
  /** Enrolments of this record that this event stops, by sequence. */
  stops: { sequence: string; reason: string }[];
}

/** Matches (with reasons for every non-match) and plans one event; the enrolments it starts are planned too. */
export const planEvent = (input: {
  config: WorkflowConfig;
  tenant: PlanTenant;
  event: WorkflowEvent;
  matcher?: WorkflowMatcher;
  /** Only workflows listening to the event, stopping at the first failing condition (dry-run's fast path). */
  matchedOnly?: boolean;
}): EventPlan => {
  const { config, tenant, event } = input;
  const matcher = input.matcher ?? new WorkflowMatcher(config, { currency: tenant.currency });
  const { matched, notMatched } = matcher.match(event, { explain: !input.matchedOnly });
  const planned = matched.map((workflow): PlannedWorkflow => {
    const plan = planWorkflow({ config, tenant, workflow, event });
    const enrolments = new Map<string, PlannedEnrolment>();
    for (const e of plan.effects) {
      if (e.kind !== 'start_sequence') continue;
      const sequence = config.sequences.find((s) => s.id === e.sequence);
      if (!sequence) continue; // planWorkflow already reported it as skipped
      enrolments.set(e.key, {
        sequence,
        plan: planEnrolment({
          config,
          tenant,
          sequence,
          event,
          occurrence: e.occurrence,
          startAt: new Date(e.dueAt),
        }),
      });
    }
    return {
      workflow: { id: workflow.id, version: workflow.version, name: workflow.name },
      plan,
      enrolments,
    };
  });
  const signal = stopSignalOf(event.type);
  const stops = signal
    ? config.sequences.flatMap((s) => {
        const reason = stopReason(s, signal);
        return reason ? [{ sequence: s.id, reason }] : [];
      })
    : [];
  return { event, matched: planned, notMatched: input.matchedOnly ? [] : notMatched, stops };
};

// ---- ledger states -------------------------------------------------------------------------------------------

/** An effect's item in the ledger as read (shared/effects/ledger.ts). */
export interface LedgerItem {
  status?: unknown;
  result?: unknown;
  attempts?: unknown;
  createdAt?: unknown;
  doneAt?: unknown;
  leaseUntil?: unknown;
}

export type LedgerState =
  | { state: 'not_yet' }
  /** Not performed yet, its one-time schedule created (the runner records it under `<key>#schedule`). */
  | { state: 'scheduled'; schedule?: string }
  | { state: 'pending'; attempts: number; createdAt?: string; leaseUntil?: string }
  | { state: 'done'; result?: string; attempts: number; createdAt?: string; doneAt?: string }
  /** Settled without being performed (the ledger's `settle`): skipped for a reason, or failed for good. */
  | { state: 'skipped' | 'failed'; reason: string; at?: string };

/** Reads ledger items by effect key; keys without an item are left out of the map. */
export interface EffectStateReader {
  read(keys: readonly string[]): Promise<Map<string, LedgerItem>>;
}

/** Where the runner records a delayed step's one-time schedule (shared/workflows/runner.ts). */
export const scheduleLedgerKey = (effectKey: string): string => `${effectKey}#schedule`;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const opt = <K extends string>(k: K, v: string | undefined) =>
  (v === undefined ? {} : { [k]: v }) as Partial<Record<K, string>>;

/**
 * An effect's state from its ledger item and, failing that, its schedule's. A settled item (attempts 0) carries
 * its outcome in the result: "skipped: <reason>", "failed: <reason>", or what was done instead ("enrolled: …").
 */
export const ledgerState = (item: LedgerItem | undefined, schedule?: LedgerItem): LedgerState => {
  if (!item) {
    if (!schedule) return { state: 'not_yet' };
    return { state: 'scheduled', ...opt('schedule', str(schedule.result)) };
  }
  const attempts = typeof item.attempts === 'number' ? item.attempts : 1;
  const result = str(item.result);
  if (item.status === 'done') {
    const settled = attempts === 0 ? /^(skipped|failed): ([\s\S]*)$/.exec(result ?? '') : null;
    if (settled)
      return {
        state: settled[1] as 'skipped' | 'failed',
        reason: settled[2] || 'no reason recorded',
        ...opt('at', str(item.doneAt)),
      };
    return {
      state: 'done',
      attempts,
      ...opt('result', result),
      ...opt('createdAt', str(item.createdAt)),
      ...opt('doneAt', str(item.doneAt)),
    };
  }
  return {
    state: 'pending',
    attempts,
    ...opt('createdAt', str(item.createdAt)),
    ...opt('leaseUntil', str(item.leaseUntil)),
  };
};

/** Every ledger key the event's plan touches: effects and their schedules, enrolment claims, enrolment steps. */
export const ledgerKeys = (plan: EventPlan): string[] => {
  const withSchedule = (k: string) => [k, scheduleLedgerKey(k)];
  return plan.matched.flatMap((w) =>
    w.plan.effects.flatMap((e) => [
      ...withSchedule(e.key),
      ...(e.kind === 'start_sequence' ? [e.enrolmentKey] : []),
      ...(w.enrolments.get(e.key)?.plan.effects.flatMap((s) => withSchedule(s.key)) ?? []),
    ]),
  );
};

// ---- the report ----------------------------------------------------------------------------------------------

/** An instant as UTC and as the wall-clock time of a zone ("2026-03-09 09:00 Mon"). */
export interface Due {
  utc: string;
  local: string;
  timeZone: string;
}
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const dueIn = (iso: string, timeZone: string): Due => {
  const t = localTime(new Date(iso), timeZone);
  const hh = String(Math.floor(t.minutes / 60)).padStart(2, '0');
  const mm = String(t.minutes % 60).padStart(2, '0');
  const weekday = WEEKDAYS[(new Date(`${t.date}T00:00:00Z`).getUTCDay() + 6) % 7];
  return { utc: new Date(iso).toISOString(), local: `${t.date} ${hh}:${mm} ${weekday}`, timeZone };
};

/** One line's worth of what an effect does. */
export const describeEffect = (e: EffectDescription): string => {
  switch (e.kind) {
    case 'email':
      return `email "${e.template}" to ${e.recipient} <${e.address}> (${e.locale})`;
    case 'crm_activity':
      return `CRM ${e.activity} for owner ${e.ownerId}: "${e.subjectPreview ?? e.subject}"${e.dueDate ? ` due ${e.dueDate}` : ''}`;
    case 'chat':
      return `chat ${e.format} webhook "${e.webhook}" with "${e.template}"`;
    case 'start_sequence':
      return `start sequence ${e.sequence}@${e.version} (enrolment ${e.occurrence})`;
    case 'stop_sequence':
      return `stop sequence ${e.sequence} for this record`;
  }
};

export interface EffectReport {
  step: string;
  kind: EffectDescription['kind'];
  summary: string;
  key: string;
  due: Due;
  /** The due time in the recipient's zone, when a send window was applied in another zone than the tenant's. */
  recipientDue?: Due;
  /** Conditions (or stop conditions) are evaluated again on fresh data when it falls due. */
  recheck: boolean;
  /** Absent when the ledger was not read (an event explained from a file). */
  ledger?: LedgerState;
  effect: EffectDescription;
  enrolment?: {
    sequence: WorkflowRef;
    key: string;
    ledger?: LedgerState;
    effects: EffectReport[];
    skipped: SkippedStep[];
  };
}

export interface MatchedReport extends WorkflowRef {
  /** Debounced: acts at `until` only if the record is still at `recordModifiedAt` then. */
  debounce?: { until: Due; recordModifiedAt: string };
  effects: EffectReport[];
  /** Steps the plan could not place, with why (no email on the record, no owner, no date to wait for). */
  skipped: SkippedStep[];
}

export interface ExplainReport {
  tenant: { id: string; timeZone: string };
  event: {
    type: string;
    eventId: string;
    object: string;
    recordId: string;
    occurredAt: Due;
    record: Pick<CanonicalRecord, 'name' | 'stage' | 'status' | 'amount' | 'modifiedAt'>;
  };
  matched: MatchedReport[];
  notMatched: Unmatched[];
  stops: EventPlan['stops'];
}

const effectReport = (
  e: PlannedEffect,
  tenant: PlanTenant,
  states: ReadonlyMap<string, LedgerItem> | undefined,
  enrolment: PlannedEnrolment | undefined,
): EffectReport => {
  const state = (k: string) =>
    states ? { ledger: ledgerState(states.get(k), states.get(scheduleLedgerKey(k))) } : {};
  const { key, step, dueAt, recheck, ...effect } = e;
  const recipientZone = effect.kind === 'email' ? effect.windowTimeZone : undefined;
  return {
    step,
    kind: effect.kind,
    summary: describeEffect(effect),
    key,
    due: dueIn(dueAt, tenant.timeZone),
    ...(recipientZone && recipientZone !== tenant.timeZone
      ? { recipientDue: dueIn(dueAt, recipientZone) }
      : {}),
    recheck,
    ...state(key),
    effect,
    ...(effect.kind === 'start_sequence' && enrolment
      ? {
          enrolment: {
            sequence: {
              id: enrolment.sequence.id,
              version: enrolment.sequence.version,
              name: enrolment.sequence.name,
            },
            key: effect.enrolmentKey,
            ...state(effect.enrolmentKey),
            effects: enrolment.plan.effects.map((s) => effectReport(s, tenant, states, undefined)),
            skipped: enrolment.plan.skipped,
          },
        }
      : {}),
  };
};

/** The report of a planned event, given the ledger items read for `ledgerKeys(plan)` (if the ledger was read). */
export const buildExplainReport = (
  plan: EventPlan,
  tenant: PlanTenant,
  states?: ReadonlyMap<string, LedgerItem>,
): ExplainReport => {
  const d = plan.event.detail;
  const r = d.record;
  return {
    tenant: { id: tenant.id, timeZone: tenant.timeZone },
    event: {
      type: plan.event.type,
      eventId: d.eventId,
      object: d.object,
      recordId: d.recordId,
      occurredAt: dueIn(d.occurredAt, tenant.timeZone),
      record: {
        modifiedAt: r.modifiedAt,
        ...(r.name !== undefined ? { name: r.name } : {}),
        ...(r.stage !== undefined ? { stage: r.stage } : {}),
        ...(r.status !== undefined ? { status: r.status } : {}),
        ...(r.amount !== undefined ? { amount: r.amount } : {}),
      },
    },
    matched: plan.matched.map((w) => ({
      ...w.workflow,
      ...(w.plan.gate
        ? {
            debounce: {
              until: dueIn(w.plan.gate.until, tenant.timeZone),
              recordModifiedAt: w.plan.gate.recordModifiedAt,
            },
          }
        : {}),
      effects: w.plan.effects.map((e) => effectReport(e, tenant, states, w.enrolments.get(e.key))),
      skipped: w.plan.skipped,
    })),
    notMatched: plan.notMatched,
    stops: plan.stops,
  };
};

/** Plans the event, reads the ledger states of everything it planned (when given a reader), and reports. */
export const explainEvent = async (
  input: { config: WorkflowConfig; tenant: PlanTenant; event: WorkflowEvent },
  ledger?: EffectStateReader,
): Promise<ExplainReport> => {
  const plan = planEvent(input);
  if (!ledger) return buildExplainReport(plan, input.tenant);
  const keys = ledgerKeys(plan);
  return buildExplainReport(plan, input.tenant, keys.length > 0 ? await ledger.read(keys) : new Map());
};
