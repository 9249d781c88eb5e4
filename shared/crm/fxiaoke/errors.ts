/**
 * Typed failures of the Fxiaoke connector. Fxiaoke answers business errors with HTTP 200 and a non-zero
 * `errorCode`, so the code is what callers branch on (never `errorMessage`, which the vendor rewords).
 * These are not HTTP-edge errors: sync and automation handlers rethrow them so retries and DLQs work.
 */
import { RetryLaterError, VendorError } from '../../errors';

/** Codes with a known meaning (crm-protocols.md §2.2, §2.3, §2.5). */
export const FXIAOKE_CODES = {
  appTokenExpired: 20005,
  tokenExpired: 20016,
  tokenMissing: 20017,
  badSecret: 10006,
  offsetOutOfRange: 10013,
  perSecondLimit: 30004,
  rateLimited: 14001,
  dailyQuotaExhausted: 30002,
  noQuota: 30003,
  busy: -1,
  serviceTimeout: 50009,
} as const;

/** Transient business codes: the call was not executed, so even a write may be repeated. */
const THROTTLED = new Set<number>([FXIAOKE_CODES.perSecondLimit, FXIAOKE_CODES.rateLimited]);
/** Transient but ambiguous for writes (the platform may have done the work). */
const TRANSIENT = new Set<number>([FXIAOKE_CODES.busy, FXIAOKE_CODES.serviceTimeout]);

export class FxiaokeApiError extends VendorError {
  override readonly name = 'FxiaokeApiError';
  constructor(
    /** The request as "POST /path" (never tokens or query values). */
    readonly request: string,
    readonly httpStatus: number,
    /** Fxiaoke's errorCode; undefined when the answer was not an Fxiaoke envelope at all. */
    readonly errorCode: number | undefined,
    message: string,
    readonly traceId?: string | undefined,
  ) {
    super(
      // `code` as text: the errorCode, or `http_<status>` for an answer that was not an Fxiaoke envelope.
      errorCode === undefined ? `http_${httpStatus}` : String(errorCode),
      `${request} → HTTP ${httpStatus}${errorCode === undefined ? '' : ` errorCode ${errorCode}`}: ${message}`,
    );
  }

  get tokenExpired(): boolean {
    return this.errorCode === FXIAOKE_CODES.tokenExpired || this.errorCode === FXIAOKE_CODES.appTokenExpired;
  }

  /** Refused before execution (HTTP 429 or a rate-limit code): safe to repeat, writes included. */
  get throttled(): boolean {
    return this.httpStatus === 429 || (this.errorCode !== undefined && THROTTLED.has(this.errorCode));
  }

  /** Worth repeating for reads: throttling, 5xx, busy or timed out. */
  get retryable(): boolean {
    return (
      this.throttled ||
      this.httpStatus >= 500 ||
      (this.errorCode !== undefined && TRANSIENT.has(this.errorCode))
    );
  }
}

/** Our own guard refused a token call: the token endpoint allows 10 calls a minute. */
export class FxiaokeTokenBudgetError extends RetryLaterError {
  override readonly name = 'FxiaokeTokenBudgetError';
  constructor(readonly retryAfterMs: number) {
    super(
      'budget_exhausted',
      `Fxiaoke token budget exhausted (10 calls/min); next call allowed in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}
