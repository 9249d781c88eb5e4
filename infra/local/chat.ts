/**
 * The local stand-in for chat groups' incoming webhooks (Feishu, DingTalk, WeCom, Slack): locally, workflow chat
 * messages are posted here instead of to the provider (CHAT_WEBHOOK_ENDPOINT_OVERRIDE), with the URL they were
 * meant for in a header, and kept for people (`GET /_local/chat`) and tests. It answers as the providers do on
 * success, so the same client code judges the answer. With a data folder the messages are kept in a journal there
 * (written before the answer), so they are still there after a restart, and only there: they are read back from it
 * when listed, so the process's memory does not grow with them.
 */
import { Journal } from './persistence/journal';
import { journalRecords } from './persistence/journal-reader';

export const CHAT_TARGET_HEADER = 'x-quotaflow-chat-url';

export interface ChatMessage {
  id: string;
  /** The allow-listed webhook URL the message was for. */
  url: string;
  provider: 'feishu' | 'dingtalk' | 'wecom' | 'slack' | 'other';
  body: unknown;
  receivedAt: string;
}

const providerOf = (url: string): ChatMessage['provider'] =>
  url.includes('feishu.cn') || url.includes('larksuite.com')
    ? 'feishu'
    : url.includes('dingtalk.com')
      ? 'dingtalk'
      : url.includes('qyapi.weixin.qq.com')
        ? 'wecom'
        : url.includes('hooks.slack.com')
          ? 'slack'
          : 'other';

const isChatMessage = (v: unknown): v is ChatMessage =>
  typeof v === 'object' && v !== null && typeof (v as ChatMessage).id === 'string';

export class LocalChat {
  /** Without a data folder: the messages. With one, they are in the journal's file. */
  private readonly messages: ChatMessage[] = [];
  private readonly journal: Journal<ChatMessage> | undefined;
  private count = 0;

  constructor(
    private readonly now: () => Date,
    private readonly file?: string,
  ) {
    if (file) {
      const { journal, lines } = Journal.openCounted<ChatMessage>(file);
      this.count = lines;
      this.journal = journal;
    }
  }

  close(): void {
    this.journal?.close();
  }

  /** Stores one post; returns the status and body the provider would answer with. */
  receive(url: string | undefined, raw: Buffer): { status: number; body: unknown } {
    if (!url) return { status: 400, body: { error: `the ${CHAT_TARGET_HEADER} header is missing` } };
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'the body is not valid JSON' } };
    }
    const provider = providerOf(url);
    const message: ChatMessage = {
      id: `chat-${this.count + 1}`,
      url,
      provider,
      body,
      receivedAt: this.now().toISOString(),
    };
    this.count++;
    if (this.journal) this.journal.note(message);
    else this.messages.push(message);
    switch (provider) {
      case 'feishu':
        return { status: 200, body: { code: 0, msg: 'success', data: {} } };
      case 'dingtalk':
      case 'wecom':
        return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
      default:
        return { status: 200, body: 'ok' };
    }
  }

  size(): number {
    return this.count;
  }

  async list(): Promise<readonly ChatMessage[]> {
    if (!this.file) return this.messages;
    const out: ChatMessage[] = [];
    for await (const m of journalRecords(this.file, isChatMessage)) out.push(m);
    return out;
  }
}
