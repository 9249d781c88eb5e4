/**
 * Typed failures of the Zoho connector. They carry Zoho's own codes (`invalid_code`, `INVALID_TOKEN`,
 * `TOO_MANY_REQUESTS`, per-record `INVALID_DATA`...) so callers decide on retry vs. fix, and nothing is swallowed.
 * They are not HTTP-edge errors: sync and automation handlers rethrow them so retries and DLQs work.
 */
import { RetryLaterError, VendorError } from '../../errors';

/** The accounts server refused a token request (often HTTP 200 with `{"error": ...}`). */
export class ZohoOAuthError extends VendorError {
  constructor(
    /** Zoho's `error` value: invalid_code, invalid_client, invalid_redirect_uri, Access Denied, ... */
    code: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(code, message);
    this.name = 'ZohoOAuthError';
  }

  /** A grant or refresh token that is wrong, used or revoked: a person must reconnect; retrying cannot help. */
  get needsReconnect(): boolean {
    return this.code === 'invalid_code' || this.code === 'invalid_client';
  }

  /** Zoho's token throttle ("too many requests continuously"): retrying extends the lockout. */
  get throttled(): boolean {
    return this.code === 'Access Denied' || /too many requests/i.test(this.message);
  }
}

/** Our own guard refused to refresh: more refreshes in the window would trip Zoho's token throttle. */
export class ZohoRefreshBudgetError extends RetryLaterError {
  override readonly name = 'ZohoRefreshBudgetError';
  constructor(readonly retryAfterMs: number) {
    super(
      'budget_exhausted',
      `Zoho token refresh budget exhausted; next refresh allowed in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}

/** A CRM API request failed as a whole (`{"code","details","message","status":"error"}` at the top level). */
export class ZohoApiError extends VendorError {
  override readonly name = 'ZohoApiError';
  constructor(
    readonly httpStatus: number,
    code: string,
    message: string,
    details: unknown,
    /** The request as "METHOD /path" (never query values or tokens). */
    readonly request: string,
  ) {
    super(code, `${request} → ${httpStatus} ${code}: ${message}`, details);
  }

  get retryable(): boolean {
    return this.httpStatus === 429 || this.httpStatus >= 500;
  }
}

/** One record of a write was refused inside a 200/201/207 answer (`data[i].status === "error"`). */
export class ZohoRecordError extends VendorError {
  override readonly name = 'ZohoRecordError';
  constructor(
    readonly module: string,
    readonly index: number,
    code: string,
    message: string,
    details: unknown,
  ) {
    super(
      code,
      `${module}[${index}] ${code}: ${message}${details ? ` ${JSON.stringify(details)}` : ''}`,
      details,
    );
  }
}
