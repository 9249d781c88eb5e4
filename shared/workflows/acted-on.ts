/**
 * The domain events a tenant's workflows can act on: what the workflow runner's rule needs to take, so that events
 * no workflow and no sequence cares about (a field edit, a new record nobody triggers on) cost no invocation.
 *
 * The runner (runner.ts `onEvent`) does two things with an event: it applies stop signals (stops.ts) and, for a
 * trigger event, matches workflows. So it acts on: each workflow's trigger event (enabled or not: a disabled one
 * is still reported as skipped by `explain`, and enabling it redeploys), and, when the tenant has sequences, the
 * events that amount to a stop signal: a deletion always, an activity (activity logged, replied), a stage change,
 * a won or lost deal (closed), each when some sequence stops on it. Mail signals (unsubscribed, bounced,
 * complained) arrive as contact.suppressed, which the runner always takes.
 */
import type { WorkflowConfig } from './definition';
import { stopSignalOf } from './sequences';

const STOP_EVENTS = [
  'record.deleted',
  'activity.logged',
  'deal.stage_changed',
  'deal.won',
  'deal.lost',
] as const;

/** The detail-types (sorted) of the domain events the runner can act on for this config. */
export const eventTypesActedOn = (config: WorkflowConfig): string[] => {
  const types = new Set<string>(config.workflows.map((w) => w.trigger.event));
  if (config.sequences.length) {
    const stopOn = new Set<string>(config.sequences.flatMap((s) => s.stopOn));
    for (const type of STOP_EVENTS) {
      const signal = stopSignalOf(type);
      // A reply is an activity: "replied" needs activity.logged like "activity_logged" does.
      const wanted =
        signal === 'deleted' ||
        (signal === 'activity_logged' && (stopOn.has('activity_logged') || stopOn.has('replied'))) ||
        (signal !== undefined && stopOn.has(signal));
      if (wanted) types.add(type);
    }
  }
  return [...types].sort();
};
