/**
 * Matching a domain event against a tenant's workflows. The config is compiled once (per cold start, per config
 * version): workflows are indexed by trigger event and their conditions turned into closures, so one event costs a
 * map lookup plus the conditions of the workflows listening to it.
 *
 * Results are in workflow-id order whatever order the config lists them in, and depend on nothing but the event
 * and the config, so a redelivered event matches the same workflows (the effect keys in plan.ts rely on this).
 */
import type { CanonicalRecord, DomainEventDetail } from '../../events';
import { amountConverter } from './amounts';
import { compileCondition } from './conditions';
import {
  type Condition,
  TRIGGER_EVENTS,
  type TriggerEvent,
  type Workflow,
  type WorkflowConfig,
} from './definition';
import type { Check, EvalContext } from './fields';

/** A domain event as the automation handler receives it: the bus detail-type plus the detail. */
export interface WorkflowEvent {
  type: string;
  detail: DomainEventDetail;
}

interface CompiledWorkflow {
  readonly workflow: Workflow;
  /** `onChange`: the condition is about the triggering change, a fact of the event that fresh data cannot re-tell. */
  readonly checks: readonly { path: string; check: Check; onChange: boolean }[];
}

const CHANGE_OPS = new Set(['changed', 'changed_from_to', 'crossed_above', 'crossed_below']);
const aboutChange = (c: Condition): boolean =>
  c.op === 'any'
    ? c.conditions.some(aboutChange)
    : CHANGE_OPS.has(c.op) || ('field' in c && c.field.startsWith('change.'));

export interface WorkflowRef {
  id: string;
  version: number;
  name: string;
}
export interface Unmatched extends WorkflowRef {
  /** Why not, each with the path of the condition inside the workflow ("trigger.conditions[1]"). */
  reasons: { path: string; reason: string }[];
}
export interface MatchResult {
  matched: Workflow[];
  notMatched: Unmatched[];
}

const ref = (w: Workflow): WorkflowRef => ({ id: w.id, version: w.version, name: w.name });
const byId = (a: Workflow, b: Workflow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.version - b.version);
const isTrigger = (t: string): t is TriggerEvent => (TRIGGER_EVENTS as readonly string[]).includes(t);

export class WorkflowMatcher {
  private readonly byEvent = new Map<string, CompiledWorkflow[]>();
  private readonly all: CompiledWorkflow[] = [];

  /**
   * Expects a config that passed validate.ts; a condition that does not compile here is a bug, and throws. With the
   * tenant's currency, amount conditions compare in it (amounts.ts); without, amounts are compared as they are.
   */
  constructor(
    config: Pick<WorkflowConfig, 'workflows' | 'mappedFields' | 'teams'> &
      Partial<Pick<WorkflowConfig, 'fxRates'>>,
    opts: { currency?: string | undefined } = {},
  ) {
    const amounts = opts.currency ? amountConverter(opts.currency, config.fxRates) : undefined;
    for (const workflow of [...config.workflows].sort(byId)) {
      const env = {
        event: workflow.trigger.event,
        mapped: config.mappedFields,
        teams: config.teams,
        ...(amounts ? { amounts } : {}),
      };
      const checks = workflow.trigger.conditions.map((c, i) => {
        const compiled = compileCondition(c, env);
        const path = `trigger.conditions[${i}]`;
        if ('error' in compiled) throw new Error(`workflow ${workflow.id}: ${path}: ${compiled.error}`);
        return { path, check: compiled, onChange: aboutChange(c) };
      });
      const cw = { workflow, checks };
      this.all.push(cw);
      const list = this.byEvent.get(workflow.trigger.event) ?? [];
      list.push(cw);
      this.byEvent.set(workflow.trigger.event, list);
    }
  }

  /**
   * The workflows the event triggers. With `explain`, every workflow of the tenant is accounted for, and each
   * non-match lists every failing condition; without it, only workflows listening to the event are looked at and
   * evaluation stops at the first failing condition (the hot path).
   */
  match(event: WorkflowEvent, opts: { explain?: boolean } = {}): MatchResult {
    const explain = opts.explain ?? false;
    const d = event.detail;
    const ctx: EvalContext = {
      object: d.object,
      record: d.record,
      change: 'change' in d ? d.change : undefined,
    };
    const matched: Workflow[] = [];
    const notMatched: Unmatched[] = [];
    const candidates = explain ? this.all : (this.byEvent.get(event.type) ?? []);
    for (const { workflow, checks } of candidates) {
      if (workflow.trigger.event !== event.type) {
        const why = isTrigger(event.type) ? event.type : `${event.type} (not a workflow trigger)`;
        notMatched.push({
          ...ref(workflow),
          reasons: [{ path: 'trigger.event', reason: `listens to ${workflow.trigger.event}, not ${why}` }],
        });
        continue;
      }
      if (!workflow.enabled) {
        notMatched.push({
          ...ref(workflow),
          reasons: [{ path: 'enabled', reason: 'the workflow is disabled' }],
        });
        continue;
      }
      const reasons: Unmatched['reasons'] = [];
      for (const { path, check } of checks) {
        const reason = check(ctx);
        if (reason === undefined) continue;
        reasons.push({ path, reason });
        if (!explain) break;
      }
      if (reasons.length === 0) matched.push(workflow);
      else notMatched.push({ ...ref(workflow), reasons });
    }
    return { matched, notMatched };
  }

  /**
   * When a delayed step falls due: do the workflow's record conditions still hold on the fresh record? Conditions
   * on the change (changed from -> to, thresholds crossed) describe the triggering event and are not re-asked.
   * Returns the reasons it no longer holds, or [] to go ahead (also [] for a workflow no longer in the config,
   * which the handler decides on by version).
   */
  recheck(workflowId: string, object: string, record: CanonicalRecord): { path: string; reason: string }[] {
    const cw = this.all.find((c) => c.workflow.id === workflowId);
    if (!cw) return [];
    const ctx: EvalContext = { object, record, change: undefined };
    const reasons: { path: string; reason: string }[] = [];
    for (const { path, check, onChange } of cw.checks) {
      if (onChange) continue;
      const reason = check(ctx);
      if (reason !== undefined) reasons.push({ path, reason });
    }
    return reasons;
  }

  /** "Why did / didn't this fire?" for one event: every workflow of the tenant, matched or with its reasons. */
  explain(event: WorkflowEvent): Explanation {
    const { matched, notMatched } = this.match(event, { explain: true });
    const d = event.detail;
    return {
      event: { type: event.type, eventId: d.eventId, object: d.object, recordId: d.recordId },
      matched: matched.map(ref),
      notMatched,
    };
  }
}

export interface Explanation {
  event: { type: string; eventId: string; object: string; recordId: string };
  matched: WorkflowRef[];
  notMatched: Unmatched[];
}

/** The explanation as lines for the CLI and logs. */
export const formatExplanation = (e: Explanation): string => {
  const lines = [`${e.event.type} ${e.event.object}:${e.event.recordId} (event ${e.event.eventId})`];
  if (e.matched.length === 0) lines.push('  matched: none');
  for (const w of e.matched) lines.push(`  ✓ ${w.id}@${w.version} "${w.name}"`);
  for (const w of e.notMatched) {
    lines.push(`  ✗ ${w.id}@${w.version} "${w.name}"`);
    for (const r of w.reasons) lines.push(`      ${r.path}: ${r.reason}`);
  }
  return lines.join('\n');
};
