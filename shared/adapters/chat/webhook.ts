/**
 * Posting to a chat group's incoming webhook (Feishu/Lark, DingTalk, WeCom, Slack). The URL was checked against the
 * allow-list when the workflow config was validated; the body is already in the provider's format (chat.ts).
 *
 * Feishu, DingTalk and WeCom answer HTTP 200 even when they refuse a message, with the error in the body
 * (`code`/`StatusCode` or `errcode` not 0); that is a failure here, never a success. Slack answers `ok` as text.
 */
import { codedError, RejectedInputError } from '../../errors';

export class ChatWebhookError extends codedError('delivery_failed') {
  override readonly name = 'ChatWebhookError';
}

/**
 * Posts with Node's own fetch rather than axios: one small JSON POST needs nothing more, and leaving axios out keeps
 * the workflow runner's and goal evaluation's bundles about 100 KB smaller (test/bench/bundles.ts).
 */
export class ChatWebhookClient {
  /**
   * `redirectTo`: post every message there instead, with the intended URL in the x-quotaflow-chat-url header (the
   * local runtime's chat stand-in; never set in AWS).
   */
  constructor(private readonly opts: { timeoutMs?: number; redirectTo?: string } = {}) {}

  /** Posts the message; returns a short result to record ("feishu 200"), or throws with the provider's reason. */
  async post(url: string, body: Record<string, unknown>): Promise<string> {
    const res = await fetch(this.opts.redirectTo ?? url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(this.opts.redirectTo ? { 'x-quotaflow-chat-url': url } : {}),
      },
      body: JSON.stringify(body),
      // Statuses are judged below; a redirect to another host is not followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000),
    });
    const text = await res.text();
    if (res.status === 429 || res.status >= 500)
      throw new ChatWebhookError(`chat webhook answered ${res.status}; will be retried`);
    if (res.status >= 400)
      // A removed bot or a revoked URL: no retry can fix it, the config must change.
      throw new RejectedInputError('invalid_payload', `chat webhook refused the message: HTTP ${res.status}`);
    const data = parsed(text);
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

/** The body as JSON when it is JSON (Feishu, DingTalk, WeCom), else the text (Slack's "ok"). */
const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};
