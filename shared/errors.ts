/**
 * Typed domain errors with stable codes. Every error class in the product derives from DomainError, so a log line or
 * a test can tell any failure by its `code` (never by its message, which is written for people and may be reworded).
 * Only the HTTP edge (functions/middleware) turns them into status codes; async handlers let anything else propagate
 * so that retries and DLQs do their work. A wrapped failure is passed on as `{ cause }` and logged with it.
 */
export type ErrorCode =
  // The HTTP edge answers these (functions/middleware/http.ts).
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
  | 'conflict'
  // Configuration a person wrote (tenant, goals, workflows, documents, the function environment, keys).
  | 'invalid_config'
  | 'invalid_schedule'
  | 'invalid_csv'
  | 'invalid_address'
  | 'invalid_period'
  | 'invalid_event_pattern'
  // Input from a CRM that cannot be normalised.
  | 'invalid_crm_record'
  // Transient: another holder, a budget, a timeout.
  | 'token_lease_timeout'
  | 'budget_exhausted'
  | 'timeout'
  // Work that did not complete and says what to do next.
  | 'step_failed'
  | 'scan_cursor_lost'
  | 'import_in_progress'
  | 'renewal_failed'
  | 'delivery_failed'
  | 'corrupt_state'
  | 'locked'
  // The admin CLI: bad arguments or a bad tenant; the command did nothing.
  | 'usage';

export class DomainError<C extends string = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    /** Safe, structured detail for the client (never secrets or bodies). */
    readonly details?: unknown,
    /** `{ cause }`: the failure this one wraps, kept for logs (Powertools logs `cause` with the error). */
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request itself is wrong: the caller must change it; retrying the same request cannot succeed. */
export class RejectedInputError extends DomainError {}

/** The sender could not be authenticated. */
export class AuthenticationError extends DomainError {}

/** A transient state another invocation will resolve (safe to retry later). */
export class RetryLaterError extends DomainError {}

/**
 * A system outside the product answered with an error (a CRM's API, or the local stand-in of one): `code` is that
 * system's own documented error code (Zoho's "INVALID_DATA", Fxiaoke's errorCode, an AWS error type), which is
 * stable by its API contract and what callers branch on.
 */
export class VendorError extends DomainError<string> {}

/**
 * The base of an error class that needs nothing but its message: `class CsvError extends codedError('invalid_csv') {}`
 * gives every instance that code, a `{ cause }` option and its class name.
 */
export const codedError = (code: ErrorCode) =>
  class extends DomainError {
    constructor(message: string, options?: ErrorOptions) {
      super(code, message, undefined, options);
    }
  };
