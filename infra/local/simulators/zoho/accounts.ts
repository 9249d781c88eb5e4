/**
 * The simulator's accounts server: `POST /oauth/v2/token` (code and refresh grants, parameters in the query string
 * or the form body), revoke, and Zoho's habits: errors as HTTP 200 `{"error":...}`, no refresh_token on refresh,
 * one-minute single-use grant codes, 10 active access tokens per refresh token, the refresh throttle.
 */
import { randomBytes } from 'node:crypto';

export interface AccountsOptions {
  clientId: string;
  clientSecret: string;
  apiDomain: () => string;
  now: () => number;
  refreshLimit: { max: number; windowMs: number };
  /** Old servers: `expires_in_sec` plus `expires_in` in milliseconds. */
  legacyShape: () => boolean;
}

interface AccessToken {
  refreshToken: string;
  expiresAt: number;
  revoked: boolean;
}

const SCOPE =
  'ZohoCRM.modules.ALL,ZohoCRM.users.READ,ZohoCRM.notifications.ALL,ZohoCRM.coql.READ,ZohoSearch.securesearch.READ';
const token = () => `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;

export type TokenAnswer = { status: number; body: Record<string, unknown> };

export class AccountsServer {
  private readonly codes = new Map<string, { redirectUri: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, { issued: string[]; refreshes: number[] }>();
  private readonly access = new Map<string, AccessToken>();
  /** Requests to the token endpoint, by grant type. */
  readonly calls = { authorization_code: 0, refresh_token: 0, revoke: 0 };

  constructor(private readonly opts: AccountsOptions) {}

  issueGrantCode(redirectUri: string): string {
    const code = `1000.${randomBytes(16).toString('hex')}`;
    this.codes.set(code, { redirectUri, expiresAt: this.opts.now() + 60_000 });
    return code;
  }

  issueRefreshToken(): string {
    const rt = token();
    this.refreshTokens.set(rt, { issued: [], refreshes: [] });
    return rt;
  }

  /** What the API checks: the token exists, is not revoked and has not expired. */
  validAccess(t: string): boolean {
    const a = this.access.get(t);
    return !!a && !a.revoked && a.expiresAt > this.opts.now();
  }

  expireAll(): void {
    for (const a of this.access.values()) a.revoked = true;
  }

  token(params: URLSearchParams): TokenAnswer {
    const p = (k: string) => params.get(k) ?? '';
    const err = (error: string, status = 200, error_description?: string): TokenAnswer => ({
      status,
      body: { error, ...(error_description ? { error_description } : {}) },
    });
    if (p('client_id') !== this.opts.clientId || p('client_secret') !== this.opts.clientSecret) {
      return err('invalid_client');
    }
    const grant = p('grant_type');
    if (grant === 'authorization_code') {
      this.calls.authorization_code++;
      const code = this.codes.get(p('code'));
      this.codes.delete(p('code'));
      if (!code || code.expiresAt < this.opts.now()) return err('invalid_code');
      if (code.redirectUri !== p('redirect_uri')) return err('invalid_redirect_uri');
      const rt = this.issueRefreshToken();
      return { status: 200, body: { ...this.grantAccess(rt), refresh_token: rt } };
    }
    if (grant === 'refresh_token') {
      this.calls.refresh_token++;
      const rt = this.refreshTokens.get(p('refresh_token'));
      if (!rt) return err('invalid_code');
      const now = this.opts.now();
      rt.refreshes = rt.refreshes.filter((t) => t > now - this.opts.refreshLimit.windowMs);
      if (rt.refreshes.length >= this.opts.refreshLimit.max) {
        return err(
          'Access Denied',
          400,
          'You have made too many requests continuously. Please try again after some time.',
        );
      }
      rt.refreshes.push(now);
      return { status: 200, body: this.grantAccess(p('refresh_token')) };
    }
    return err('unsupported_grant_type');
  }

  revoke(refreshToken: string): TokenAnswer {
    this.calls.revoke++;
    const rt = this.refreshTokens.get(refreshToken);
    if (!rt) return { status: 200, body: { error: 'invalid_code' } };
    for (const t of rt.issued) this.access.delete(t);
    this.refreshTokens.delete(refreshToken);
    return { status: 200, body: { status: 'success' } };
  }

  private grantAccess(refreshToken: string): Record<string, unknown> {
    const rt = this.refreshTokens.get(refreshToken);
    const t = token();
    this.access.set(t, { refreshToken, expiresAt: this.opts.now() + 3_600_000, revoked: false });
    if (rt) {
      rt.issued.push(t);
      // At most 10 active access tokens per refresh token: the oldest stops working.
      while (rt.issued.length > 10) {
        const oldest = rt.issued.shift();
        if (oldest) this.access.delete(oldest);
      }
    }
    const base = { access_token: t, scope: SCOPE, api_domain: this.opts.apiDomain(), token_type: 'Bearer' };
    return this.opts.legacyShape()
      ? { ...base, expires_in_sec: 3600, expires_in: 3_600_000 }
      : { ...base, expires_in: 3600 };
  }
}
