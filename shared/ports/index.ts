/**
 * The ports through which the product reaches the outside world. AWS adapters implement them with SDK v3 clients;
 * the local runtime points the same adapters at local servers. Tests of the domain hand in fakes.
 */
import type { TenantSecrets } from '../config/secrets';
import type { MailKind } from '../mail/layout';

export interface BusEntry {
  source: string;
  detailType: string;
  /** Carries the correlationId consumers put on their log lines, tying the event back to its webhook. */
  detail: Record<string, unknown>;
}

export interface EventBusPort {
  /** Resolves only when every entry was accepted; failed entries are retried, then reported. */
  publish(entries: readonly BusEntry[]): Promise<void>;
}

export interface OneTimeSchedule {
  /** Deterministic name (≤64 chars): creating the same schedule twice is a no-op. */
  name: string;
  /** The instant it fires, ISO-8601 UTC (kept as a string so the effect ledger can store it as is). */
  at: string;
  payload: Record<string, unknown>;
}

export interface SchedulerPort {
  scheduleOnce(schedule: OneTimeSchedule): Promise<{ created: boolean }>;
  cancel(name: string): Promise<void>;
}

export interface OutgoingEmail {
  /** What the message is; the mailer sends it as the X-Quotaflow-Kind header. */
  kind: MailKind;
  from: string;
  to: string[];
  cc?: string[];
  replyTo?: string[];
  subject: string;
  html: string;
  text: string;
  /** Extra headers (List-Unsubscribe, X-Quotaflow-*); names and values are validated by the adapter. */
  headers?: Record<string, string>;
}

export interface MailerPort {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface SecretsPort {
  tenantSecrets(): Promise<TenantSecrets>;
}
