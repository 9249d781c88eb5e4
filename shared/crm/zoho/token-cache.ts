/**
 * Where the Zoho access token lives between calls. Zoho throttles token requests (about 10 per 10 minutes per
 * refresh token), so every process must reuse one token instead of refreshing on its own: the interface is small
 * enough for a DynamoDB implementation shared by all Lambda invocations of a tenant (conditional writes for
 * `evict` and `takeRefreshSlot`). The in-memory one serves tests and a single process.
 */

export interface CachedToken {
  accessToken: string;
  /** The `api_domain` the token was issued for: API calls must go there. */
  apiDomain?: string | undefined;
  /** Epoch ms after which the token must not be used. */
  expiresAt: number;
}

export type RefreshSlot = { ok: true } | { ok: false; retryAfterMs: number };

export interface TokenCache {
  get(key: string): Promise<CachedToken | undefined>;
  put(key: string, token: CachedToken): Promise<void>;
  /** Drops the token only if it is still `accessToken`: another caller may have replaced it already. */
  evict(key: string, accessToken: string): Promise<void>;
  /** Atomically records one refresh if fewer than `max` were recorded in the last `windowMs`. */
  takeRefreshSlot(key: string, nowMs: number, max: number, windowMs: number): Promise<RefreshSlot>;
  /** Gives back the slot taken at `takenAtMs`, so the refresh lease frees as soon as the new token is stored. */
  releaseRefreshSlot(key: string, takenAtMs: number, windowMs: number): Promise<void>;
}

export class InMemoryTokenCache implements TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly refreshes = new Map<string, number[]>();

  async get(key: string): Promise<CachedToken | undefined> {
    return this.tokens.get(key);
  }

  async put(key: string, token: CachedToken): Promise<void> {
    this.tokens.set(key, token);
  }

  async evict(key: string, accessToken: string): Promise<void> {
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }

  async takeRefreshSlot(key: string, nowMs: number, max: number, windowMs: number): Promise<RefreshSlot> {
    const recent = (this.refreshes.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    if (recent.length >= max) {
      const oldest = recent[0] ?? nowMs;
      this.refreshes.set(key, recent);
      return { ok: false, retryAfterMs: oldest + windowMs - nowMs };
    }
    recent.push(nowMs);
    this.refreshes.set(key, recent);
    return { ok: true };
  }

  async releaseRefreshSlot(key: string, takenAtMs: number, _windowMs: number): Promise<void> {
    const recent = this.refreshes.get(key) ?? [];
    const i = recent.indexOf(takenAtMs);
    if (i >= 0) recent.splice(i, 1);
  }
}
