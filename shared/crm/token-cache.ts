/**
 * Where a CRM access token lives between calls, for every provider. CRMs throttle token requests (Zoho about 10 per
 * 10 minutes per refresh token, Fxiaoke 10 a minute and none concurrent), so every process must reuse one token and
 * count token calls together: the interface is small enough for the DynamoDB implementation shared by all Lambda
 * invocations of a tenant (shared/store/token-cache.ts, conditional writes). The in-memory one serves tests, the
 * local simulators and a single process.
 */

/** What every provider's token has; each keeps its own extra fields (Zoho's api_domain, Fxiaoke's ea, flow...). */
export interface SharedToken {
  accessToken: string;
  /** Epoch ms after which the token must not be used. */
  expiresAt: number;
}

export type Slot = { ok: true } | { ok: false; retryAfterMs: number };

export interface TokenCache<T extends SharedToken> {
  get(key: string): Promise<T | undefined>;
  put(key: string, token: T): Promise<void>;
  /** Drops the token only if it is still `accessToken`: another caller may have replaced it already. */
  evict(key: string, accessToken: string): Promise<void>;
  /** Atomically records one token call if fewer than `max` were recorded in the last `windowMs`. */
  takeSlot(key: string, nowMs: number, max: number, windowMs: number): Promise<Slot>;
  /** Gives back the slot taken at `takenAtMs` (a lease whose holder is done), if it is still there. */
  releaseSlot(key: string, takenAtMs: number, windowMs: number): Promise<void>;
}

export class InMemoryTokenCache<T extends SharedToken = SharedToken> implements TokenCache<T> {
  private readonly tokens = new Map<string, T>();
  private readonly calls = new Map<string, number[]>();

  async get(key: string): Promise<T | undefined> {
    return this.tokens.get(key);
  }

  async put(key: string, token: T): Promise<void> {
    this.tokens.set(key, token);
  }

  async evict(key: string, accessToken: string): Promise<void> {
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }

  async takeSlot(key: string, nowMs: number, max: number, windowMs: number): Promise<Slot> {
    const recent = (this.calls.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    this.calls.set(key, recent);
    if (recent.length >= max) return { ok: false, retryAfterMs: (recent[0] ?? nowMs) + windowMs - nowMs };
    recent.push(nowMs);
    return { ok: true };
  }

  async releaseSlot(key: string, takenAtMs: number, _windowMs: number): Promise<void> {
    const recent = this.calls.get(key) ?? [];
    const i = recent.indexOf(takenAtMs);
    if (i >= 0) recent.splice(i, 1);
  }
}
