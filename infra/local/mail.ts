/**
 * The SES stand-in: aws-ses-v2-local runs in-process and receives the real SESv2 SendEmail calls. Each captured
 * message is rendered to real MIME (the same .eml the stand-in exports) and its headers are read back from that,
 * so what /_local/emails shows is what a mail client would see, headers included. It can also play SES's part in
 * reporting a bounce or a complaint for a captured message (simulateFeedback).
 *
 * With a data folder the mailbox is its journal (mail.jsonl), read from disk when asked for: the process holds
 * none of the messages, so its memory stays flat however much mail the tenant sends. In memory (`--in-memory`)
 * the stand-in's own store holds every message (README "Memory").
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { DomainError } from '../../shared/errors';
import { Journal } from './persistence/journal';
import { journalRecords } from './persistence/journal-reader';

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

/** What a mail client shows for an RFC 2047 display name (the SES adapter encodes non-ASCII names). */
const decodeWords = (s: string): string =>
  s.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );

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
  saveEmail(e: StoredEmail): void;
};
const sesEml = require('aws-ses-v2-local/dist/emlFile.js') as {
  createEmlContent(e: StoredEmail): Promise<{ body: Buffer | string }>;
};

/** What the runtime connects the stand-in to, so it can publish SES feedback as SES would through EventBridge. */
export interface FeedbackPublishing {
  /** The tenant's configuration set, as SES tags its events with it. */
  configurationSet: string;
  now: () => Date;
  /** A PutEvents entry onto the local bus (standing in for the default bus and the forwarding rule). */
  publish: (entry: { Source: string; DetailType: string; Detail: string }) => Promise<void>;
}

export interface SimulatedFeedback {
  kind: 'bounce' | 'complaint';
  /** Default: every To recipient of the message. */
  recipients?: string[];
  /** Bounces only: Permanent (the default) or Transient. */
  bounceType?: 'Permanent' | 'Transient';
  /** Complaints only: the ARF feedback type (default abuse). */
  feedbackType?: string;
}

const FEEDBACK_CODES = { 400: 'invalid_payload', 404: 'not_found', 409: 'conflict' } as const;

export class FeedbackError extends DomainError {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(FEEDBACK_CODES[status], message);
  }
}

/**
 * The stand-in stamps each message with the machine's time; the runtime's clock may have been moved on (that is how
 * a person plays a sequence's waits), and a mail sent on the moved clock must show that time, as its Date header,
 * `sentAt` and SES's feedback events do in AWS. Its handlers call `saveEmail` through the module's exports, so
 * replacing it there (once per process) re-stamps every message as it is stored.
 */
/* The same hook keeps each message in the data folder's mail journal (written before SES answers), so a person
 * sees their mail after a restart. */
let stampClock: (() => Date) | undefined;
let mailJournal: Journal<StoredEmail> | undefined;
/** With a data folder: the journal's file, the one place its messages are kept, and how many it holds. */
let mailFile: { path: string; count: number } | undefined;
const storeEmail = sesStore.saveEmail;
let hooked = false;
const hookSaves = (): void => {
  if (hooked) return;
  hooked = true;
  sesStore.saveEmail = (e) => {
    const stamped = stampClock ? { ...e, at: Math.floor(stampClock().getTime() / 1000) } : e;
    if (mailJournal && mailFile) {
      mailJournal.note(stamped);
      mailFile.count++;
    } else storeEmail(stamped);
  };
};

const isStoredEmail = (v: unknown): v is StoredEmail =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as StoredEmail).messageId === 'string' &&
  typeof (v as StoredEmail).destination === 'object';

/** Headers read back from rendered messages, kept for the most recently listed ones only. */
const HEADER_CACHE_SIZE = 1000;

/** Which messages a listing returns: `offset` first skipped, at most `limit` (all when absent), oldest first. */
export interface MailPage {
  offset?: number;
  limit?: number;
}

export class LocalMail {
  private readonly headerCache = new Map<string, Record<string, string>>();
  private feedback?: FeedbackPublishing;
  private feedbackCount = 0;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  /**
   * `now`: the runtime's clock, which captured messages are stamped with (default: the machine's). `file`: the
   * mail journal in the data folder; what it holds is captured mail again.
   */
  static async start(opts: { now?: () => Date; file?: string } = {}): Promise<LocalMail> {
    hookSaves();
    stampClock = opts.now;
    mailJournal?.close();
    mailJournal = undefined;
    mailFile = undefined;
    sesStore.clearStore();
    if (opts.file) {
      const { journal, lines } = Journal.openCounted<StoredEmail>(opts.file);
      mailJournal = journal;
      mailFile = { path: opts.file, count: lines };
    }
    const mod = (await import('aws-ses-v2-local')) as unknown as {
      default: { default?: (c: object) => Promise<Server> } & ((c: object) => Promise<Server>);
    };
    const start = mod.default.default ?? mod.default;
    const server = await start({ host: '127.0.0.1', port: 0 });
    const { port } = server.address() as AddressInfo;
    return new LocalMail(server, `http://127.0.0.1:${port}`);
  }

  count(): number {
    return mailFile ? mailFile.count : sesStore.getStoreReadonly().emails.length;
  }

  async eml(id: string): Promise<string | undefined> {
    const email = await this.find(id);
    if (!email) return undefined;
    return String((await sesEml.createEmlContent(email)).body);
  }

  async list(page: MailPage = {}): Promise<CapturedEmail[]> {
    const out: CapturedEmail[] = [];
    for await (const e of this.captured(page)) out.push(e);
    return out;
  }

  /** The captured messages one at a time, oldest first (the gateway streams them): see MailPage. */
  async *captured(page: MailPage = {}): AsyncGenerator<CapturedEmail> {
    const offset = page.offset ?? 0;
    const end = page.limit === undefined ? Number.POSITIVE_INFINITY : offset + page.limit;
    let i = 0;
    for await (const e of this.stored()) {
      if (i >= end) return;
      if (i++ < offset) continue;
      yield {
        id: e.messageId,
        from: decodeWords(e.from),
        to: e.destination.to,
        cc: e.destination.cc,
        subject: e.subject,
        html: e.body.html ?? null,
        text: e.body.text ?? null,
        headers: await this.headers(e),
        sentAt: new Date(e.at * 1000).toISOString(),
      };
    }
  }

  connectFeedback(publishing: FeedbackPublishing): void {
    this.feedback = publishing;
  }

  /**
   * Publishes a bounce or complaint for a captured message, shaped like SES's EventBridge event (source aws.ses,
   * detail-type "Email Bounced" / "Email Complaint Received", detail = SES's event-publishing record).
   */
  async simulateFeedback(
    id: string,
    f: SimulatedFeedback,
  ): Promise<{ detailType: string; recipients: string[] }> {
    const pub = this.feedback;
    if (!pub) throw new FeedbackError(409, 'mail feedback is not connected to an event bus');
    const email = await this.find(id);
    if (!email) throw new FeedbackError(404, `no captured message ${id}`);
    const all = [...email.destination.to, ...email.destination.cc, ...email.destination.bcc];
    const bare = (a: string) => (/<([^<>]+)>\s*$/.exec(a)?.[1] ?? a).trim().toLowerCase();
    const recipients = (f.recipients?.length ? f.recipients : email.destination.to).map(bare);
    const unknown = recipients.filter((r) => !all.map(bare).includes(bare(r)));
    if (unknown.length)
      throw new FeedbackError(400, `not a recipient of message ${id}: ${unknown.join(', ')}`);
    const now = pub.now().toISOString();
    const feedbackId = `local-feedback-${++this.feedbackCount}`;
    const mail = {
      timestamp: new Date(email.at * 1000).toISOString(),
      source: email.from,
      sendingAccountId: '000000000000',
      messageId: email.messageId,
      destination: all,
      headersTruncated: false,
      commonHeaders: { from: [email.from], to: email.destination.to, subject: email.subject },
      tags: { 'ses:configuration-set': [pub.configurationSet] },
    };
    const detailType = f.kind === 'bounce' ? 'Email Bounced' : 'Email Complaint Received';
    const detail =
      f.kind === 'bounce'
        ? {
            eventType: 'Bounce',
            bounce: {
              bounceType: f.bounceType ?? 'Permanent',
              bounceSubType: f.bounceType === 'Transient' ? 'MailboxFull' : 'General',
              bouncedRecipients: recipients.map((r) =>
                f.bounceType === 'Transient'
                  ? {
                      emailAddress: r,
                      action: 'delayed',
                      status: '4.2.2',
                      diagnosticCode: 'smtp; 452 4.2.2 mailbox full',
                    }
                  : {
                      emailAddress: r,
                      action: 'failed',
                      status: '5.1.1',
                      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
                    },
              ),
              timestamp: now,
              feedbackId,
              reportingMTA: 'dns; localhost',
            },
            mail,
          }
        : {
            eventType: 'Complaint',
            complaint: {
              complainedRecipients: recipients.map((r) => ({ emailAddress: r })),
              timestamp: now,
              feedbackId,
              userAgent: 'quotaflow-local',
              complaintFeedbackType: f.feedbackType ?? 'abuse',
              arrivalDate: now,
            },
            mail,
          };
    await pub.publish({ Source: 'aws.ses', DetailType: detailType, Detail: JSON.stringify(detail) });
    return { detailType, recipients };
  }

  clear(): void {
    sesStore.clearStore();
    mailJournal?.rewrite([]);
    if (mailFile) mailFile.count = 0;
    this.headerCache.clear();
  }

  async stop(): Promise<void> {
    mailJournal?.close();
    mailJournal = undefined;
    mailFile = undefined;
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Every stored message, oldest first: from the journal on disk with a data folder, else from memory. */
  private stored(): AsyncIterable<StoredEmail> {
    const file = mailFile?.path;
    if (file) return journalRecords(file, isStoredEmail);
    const emails = sesStore.getStoreReadonly().emails;
    return (async function* () {
      yield* emails;
    })();
  }

  private async find(id: string): Promise<StoredEmail | undefined> {
    for await (const e of this.stored()) if (e.messageId === id) return e;
    return undefined;
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
    if (this.headerCache.size >= HEADER_CACHE_SIZE) {
      const oldest = this.headerCache.keys().next();
      if (!oldest.done) this.headerCache.delete(oldest.value);
    }
    this.headerCache.set(e.messageId, headers);
    return headers;
  }
}
