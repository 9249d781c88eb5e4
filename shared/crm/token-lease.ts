/**
 * One token fetch at a time per cache key, across every container of a tenant. Zoho throttles refreshes and Fxiaoke
 * refuses concurrent token calls, so a container that finds no usable token first takes a lease and only its
 * holder calls the token endpoint; the others wait for the token the holder stores.
 *
 * The lease is the token cache's own sliding window with room for one call (the slot log at `<key>#lease`, `max`
 * 1, `windowMs` the lease), so it needs no second mechanism and frees itself when a holder dies. A cache that can
 * release a slot gets the lease back as soon as the holder stored its token, so a container that is refused the
 * token right afterwards need not wait the lease out; a holder that failed keeps it until it runs out, which spaces
 * out retries against an endpoint that is refusing. Within one process calls are single-flight, so a lease this
 * process still holds is reused without a second slot. Waiting is bounded in polls as well as in time, so a clock
 * that does not move (a test's) cannot make a caller wait forever.
 */
import { RetryLaterError } from '../errors';

/** A sliding-window slot as every token cache answers it (Zoho's RefreshSlot, Fxiaoke's TokenSlot). */
export type LeaseSlot = { ok: true } | { ok: false; retryAfterMs: number };

/** How often a container waiting for another's token looks at the cache. */
export const LEASE_POLL_MS = 250;

/** A caller waited several leases' time without a token (other holders that keep failing, or a stuck clock). */
export class TokenLeaseTimeoutError extends RetryLaterError {
  override readonly name = 'TokenLeaseTimeoutError';
  constructor(provider: string) {
    super('token_lease_timeout', `${provider}: another container holds the token lease; retry later`);
  }
}

export interface TokenLeaseOptions<T> {
  /** The token's cache key; the lease lives at `<key>#lease`. */
  key: string;
  /** How long a lease lasts: longer than a fetch can take, as a holder that outlives it may overlap the next. */
  leaseMs: number;
  /** The stored token if it is still good to use. */
  fresh: () => Promise<T | undefined>;
  /** The cache's atomic sliding-window slot (TokenCache.takeRefreshSlot, FxiaokeTokenCache.takeTokenSlot). */
  takeSlot: (key: string, nowMs: number, max: number, windowMs: number) => Promise<LeaseSlot>;
  /** Gives back the slot taken at `takenAtMs` (in a `windowMs` window), if the cache can. */
  release?: (key: string, takenAtMs: number, windowMs: number) => Promise<void>;
  /** The error for a caller that gave up waiting on another holder. */
  waitedTooLong: () => Error;
  /** A lease this process holds is reused only with this much of it left (what one fetch attempt needs). */
  minRemainingMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What a fetch knows about the lease it runs under. */
export interface HeldLease {
  /** Epoch ms when the lease runs out: no token call may still be running then. */
  until: number;
}

export class TokenLease<T> {
  private inflight: Promise<T> | undefined;
  /** The lease this process holds: when it was taken and until when it lasts. */
  private held = { at: 0, until: 0 };
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: TokenLeaseOptions<T>) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * A token from `fetch` run under the lease, or the one another container stored meanwhile. Concurrent callers in
   * this process share one acquisition. `fetch` stores the token it gets, so waiters elsewhere find it.
   */
  acquire(fetch: (lease: HeldLease) => Promise<T>): Promise<T> {
    this.inflight ??= this.underLease(fetch).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async underLease(fetch: (lease: HeldLease) => Promise<T>): Promise<T> {
    const { leaseMs, minRemainingMs = 0 } = this.opts;
    const maxPolls = Math.ceil(leaseMs / LEASE_POLL_MS) * 4;
    let polls = 0;
    for (;;) {
      // Another process may have fetched while we waited; a shared cache makes that the common case.
      const cached = await this.opts.fresh();
      if (cached) return cached;
      // Refreshes in this process are already one at a time (acquire): a lease still ours needs no second slot.
      if (this.now() + minRemainingMs < this.held.until) return this.holding(fetch);
      const takenAt = this.now();
      const lease = await this.opts.takeSlot(`${this.opts.key}#lease`, takenAt, 1, leaseMs);
      if (lease.ok) {
        // From the time recorded in the slot log: that is when the lease ends for everyone else.
        this.held = { at: takenAt, until: takenAt + leaseMs };
        // A released lease can be free again right after its holder stored a token we missed above.
        const stored = this.opts.release ? await this.opts.fresh() : undefined;
        if (stored) {
          await this.releaseHeld();
          return stored;
        }
        return this.holding(fetch);
      }
      // Someone else holds it: wait for their token, and take the lease over if it runs out without one.
      const until = this.now() + lease.retryAfterMs;
      while (this.now() < until) {
        if (++polls > maxPolls) throw this.opts.waitedTooLong();
        await this.sleep(Math.min(LEASE_POLL_MS, Math.max(1, until - this.now())));
        const theirs = await this.opts.fresh();
        if (theirs) return theirs;
      }
    }
  }

  private async holding(fetch: (lease: HeldLease) => Promise<T>): Promise<T> {
    const token = await fetch({ until: this.held.until });
    await this.releaseHeld();
    return token;
  }

  private async releaseHeld(): Promise<void> {
    if (!this.opts.release) return;
    const { at } = this.held;
    this.held = { at: 0, until: 0 };
    // Best effort: the token is already stored, and a lease that is not given back runs out on its own.
    await this.opts.release(`${this.opts.key}#lease`, at, this.opts.leaseMs).catch(() => undefined);
  }
}
