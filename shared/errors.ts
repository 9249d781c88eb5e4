/**
 * Typed domain errors with stable codes. Only the HTTP edge (functions/middleware) turns them into status codes;
 * async handlers let anything else propagate so that retries and DLQs do their work.
 */
export type ErrorCode =
  | 'invalid_signature'
  | 'missing_header'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'invalid_json'
  | 'not_utf8'
  | 'invalid_payload'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'effect_in_progress'
  | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Safe, structured detail for the client (never secrets or bodies). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request itself is wrong: the caller must change it; retrying the same request cannot succeed. */
export class RejectedInputError extends DomainError {}

/** The sender could not be authenticated. */
export class AuthenticationError extends DomainError {}

/** A transient state another invocation will resolve (safe to retry later). */
export class RetryLaterError extends DomainError {}
