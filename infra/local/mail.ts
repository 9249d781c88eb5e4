/**
 * The SES stand-in: aws-ses-v2-local runs in-process and receives the real SESv2 SendEmail calls. Each captured
 * message is rendered to real MIME (the same .eml the stand-in exports) and its headers are read back from that,
 * so what /_local/emails shows is what a mail client would see, headers included.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';

const require = createRequire(import.meta.url);

interface StoredEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

export interface CapturedEmail {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  sentAt: string;
}

const sesStore = require('aws-ses-v2-local/dist/store.js') as {
  getStoreReadonly(): { emails: StoredEmail[] };
  clearStore(): void;
};
const sesEml = require('aws-ses-v2-local/dist/emlFile.js') as {
  createEmlContent(e: StoredEmail): Promise<{ body: Buffer | string }>;
};

export class LocalMail {
  private readonly headerCache = new Map<string, Record<string, string>>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<LocalMail> {
    const mod = (await import('aws-ses-v2-local')) as unknown as {
      default: { default?: (c: object) => Promise<Server> } & ((c: object) => Promise<Server>);
    };
    const start = mod.default.default ?? mod.default;
    const server = await start({ host: '127.0.0.1', port: 0 });
    const { port } = server.address() as AddressInfo;
    return new LocalMail(server, `http://127.0.0.1:${port}`);
  }

  count(): number {
    return sesStore.getStoreReadonly().emails.length;
  }

  async eml(id: string): Promise<string | undefined> {
    const email = sesStore.getStoreReadonly().emails.find((e) => e.messageId === id);
    if (!email) return undefined;
    return String((await sesEml.createEmlContent(email)).body);
  }

  async list(): Promise<CapturedEmail[]> {
    const emails = sesStore.getStoreReadonly().emails;
    return Promise.all(
      emails.map(async (e) => ({
        id: e.messageId,
        from: e.from,
        to: e.destination.to,
        cc: e.destination.cc,
        subject: e.subject,
        html: e.body.html ?? null,
        text: e.body.text ?? null,
        headers: await this.headers(e),
        sentAt: new Date(e.at * 1000).toISOString(),
      })),
    );
  }

  clear(): void {
    sesStore.clearStore();
    this.headerCache.clear();
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async headers(e: StoredEmail): Promise<Record<string, string>> {
    const cached = this.headerCache.get(e.messageId);
    if (cached) return cached;
    const parsed = await simpleParser(String((await sesEml.createEmlContent(e)).body));
    const headers: Record<string, string> = {};
    for (const line of parsed.headerLines) {
      const value = line.line.slice(line.line.indexOf(':') + 1).trim();
      headers[line.key] = headers[line.key] ? `${headers[line.key]}, ${value}` : value;
    }
    this.headerCache.set(e.messageId, headers);
    return headers;
  }
}
