/**
 * Where the Fxiaoke access token lives between calls. The token endpoint allows 10 calls a minute and no
 * concurrent calls, and every call within the first 6600 s returns the same token anyway, so all invocations of a
 * tenant should share one token: the interface is small enough for a DynamoDB implementation (conditional writes
 * for `evict`, `takeTokenSlot` and `releaseTokenSlot`). The in-memory one serves tests and a single process.
 */

export interface FxiaokeToken {
  accessToken: string;
  /** Which flow issued it: the v2 bearer token or the legacy corpAccessToken. */
  flow: 'oauth2' | 'legacy';
  /** Enterprise account (oauth2: `ea`, sent as x-fs-ea). */
  ea?: string | undefined;
  /** Legacy: `corpId`, sent in the body with the token. */
  corpId?: string | undefined;
  /** Epoch ms after which the token must not be used (already shortened by a safety margin). */
  expiresAt: number;
}

export type TokenSlot = { ok: true } | { ok: false; retryAfterMs: number };

export interface FxiaokeTokenCache {
  get(key: string): Promise<FxiaokeToken | undefined>;
  put(key: string, token: FxiaokeToken): Promise<void>;
  /** Drops the token only if it is still `accessToken`: another caller may have replaced it already. */
  evict(key: string, accessToken: string): Promise<void>;
  /** Atomically records one token call if fewer than `max` were recorded in the last `windowMs`. */
  takeTokenSlot(key: string, nowMs: number, max: number, windowMs: number): Promise<TokenSlot>;
  /** Gives back the slot taken at `takenAtMs` in a `windowMs` window (a lease whose holder is done), if still there. */
  releaseTokenSlot(key: string, takenAtMs: number, windowMs: number): Promise<void>;
}

export class InMemoryFxiaokeTokenCache implements FxiaokeTokenCache {
  private readonly tokens = new Map<string, FxiaokeToken>();
  private readonly calls = new Map<string, number[]>();

  async get(key: string): Promise<FxiaokeToken | undefined> {
    return this.tokens.get(key);
  }

  async put(key: string, token: FxiaokeToken): Promise<void> {
    this.tokens.set(key, token);
  }

  async evict(key: string, accessToken: string): Promise<void> {
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }

  async takeTokenSlot(key: string, nowMs: number, max: number, windowMs: number): Promise<TokenSlot> {
    const recent = (this.calls.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    this.calls.set(key, recent);
    if (recent.length >= max) {
      return { ok: false, retryAfterMs: (recent[0] ?? nowMs) + windowMs - nowMs };
    }
    recent.push(nowMs);
    return { ok: true };
  }

  async releaseTokenSlot(key: string, takenAtMs: number, _windowMs: number): Promise<void> {
    const recent = this.calls.get(key) ?? [];
    const i = recent.indexOf(takenAtMs);
    if (i >= 0) recent.splice(i, 1);
  }
}
