/**
 * Posting to a chat group's incoming webhook (Feishu/Lark, DingTalk, WeCom, Slack). The URL was checked against the
 * allow-list when the workflow config was validated; the body is already in the provider's format (chat.ts).
 *
 * Feishu, DingTalk and WeCom answer HTTP 200 even when they refuse a message, with the error in the body
 * (`code`/`StatusCode` or `errcode` not 0); that is a failure here, never a success. Slack answers `ok` as text.
 */
import axios, { type AxiosInstance } from 'axios';
import { RejectedInputError } from '../../errors';

export class ChatWebhookError extends Error {
  override readonly name = 'ChatWebhookError';
}

export class ChatWebhookClient {
  private readonly http: AxiosInstance;

  /**
   * `redirectTo`: post every message there instead, with the intended URL in the x-quotaflow-chat-url header (the
   * local runtime's chat stand-in; never set in AWS).
   */
  constructor(private readonly opts: { timeoutMs?: number; redirectTo?: string } = {}) {
    this.http = axios.create({
      timeout: opts.timeoutMs ?? 5_000,
      // Statuses are judged below; a redirect to another host is not followed.
      maxRedirects: 0,
      validateStatus: () => true,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }

  /** Posts the message; returns a short result to record ("feishu 200"), or throws with the provider's reason. */
  async post(url: string, body: Record<string, unknown>): Promise<string> {
    const res = this.opts.redirectTo
      ? await this.http.post(this.opts.redirectTo, body, { headers: { 'x-quotaflow-chat-url': url } })
      : await this.http.post(url, body);
    const data = res.data as unknown;
    if (res.status === 429 || res.status >= 500)
      throw new ChatWebhookError(`chat webhook answered ${res.status}; will be retried`);
    if (res.status >= 400)
      // A removed bot or a revoked URL: no retry can fix it, the config must change.
      throw new RejectedInputError('invalid_payload', `chat webhook refused the message: HTTP ${res.status}`);
    if (data && typeof data === 'object') {
      const d = data as Record<string, unknown>;
      const code = d.code ?? d.StatusCode ?? d.errcode;
      if (code !== undefined && code !== 0)
        throw new ChatWebhookError(
          `chat webhook refused the message: ${String(code)} ${String(d.msg ?? d.StatusMessage ?? d.errmsg ?? '')}`.trim(),
        );
    }
    return `chat ${res.status}`;
  }
}
