/**
 * Refusals of bad incentive input (plans, deals, runs). Every problem names where it is (`path`, formatted like
 * tenant config errors) and why; the engine is pure, so a refusal means nothing was produced at all.
 */
import { RejectedInputError } from '../errors';

export interface Problem {
  path: string;
  message: string;
}

export class IncentiveInputError extends RejectedInputError {
  constructor(
    /** What was being read: "plans", "deals", "close 2025-03", a file name. */
    readonly source: string,
    readonly problems: Problem[],
  ) {
    super(
      'invalid_payload',
      `${source}: refused\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
      problems,
    );
  }
}

/** A run that contradicts stored state (closing a closed period): the caller must not retry it as is. */
export class IncentiveConflictError extends RejectedInputError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
  }
}
