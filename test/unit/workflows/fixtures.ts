import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CanonicalRecord, DomainEventDetail } from '../../../events';
import { parseWorkflowConfig, type WorkflowConfig, type WorkflowEvent } from '../../../shared/workflows';
import { resolveCountryCalendars } from '../../../shared/workflows/country-holidays';
import type { EffectCheckPorts } from '../../../shared/workflows/effect-checks';

export const DEMO_FILE = resolve(import.meta.dirname, '../../../tenants/workflows/demo.json');
/** As a function gets it: the US calendar (date-holidays) resolved into dates, here from a fixed year. */
export const demoConfig = (fromYear = 2026): WorkflowConfig =>
  parseWorkflowConfig(
    resolveCountryCalendars(JSON.parse(readFileSync(DEMO_FILE, 'utf8')), fromYear),
    'tenants/workflows/demo.json',
  );

export const TENANT = { id: 'demo', timeZone: 'Asia/Shanghai', locale: 'zh-CN' as const };

/** A CRM that takes every write-back and an empty suppression list: the runner's checks refuse nothing. */
export const NO_REFUSALS: EffectCheckPorts = { crmProvider: 'zoho', isSuppressed: async () => undefined };

export const deal = (over: Partial<CanonicalRecord> = {}): CanonicalRecord => ({
  id: 'D-1001',
  modifiedAt: '2026-03-02T08:00:00.000Z',
  name: 'Acme renewal',
  stage: 'Proposal/Price Quote',
  status: 'open',
  amount: '128000.00',
  currency: 'CNY',
  closeDate: '2026-03-31',
  owner: {
    id: 'u-1001',
    name: 'Li Lei',
    email: 'li.lei@demo.quotaflow.dev',
    managerEmail: 'han.mei@demo.quotaflow.dev',
  },
  fields: {},
  ...over,
});

/** A domain event as the automation handler receives it; the id is deterministic in the inputs. */
export const event = (
  type: string,
  record: CanonicalRecord,
  opts: {
    change?: { from: string | null; to: string | null };
    occurredAt?: string;
    eventId?: string;
    object?: string;
  } = {},
): WorkflowEvent => ({
  type,
  detail: {
    version: 1,
    eventId: opts.eventId ?? `evt-${type}-${record.id}`,
    tenantId: 'demo',
    object: (opts.object ?? (type.startsWith('lead.') ? 'lead' : 'deal')) as 'deal',
    recordId: record.id,
    record,
    occurredAt: opts.occurredAt ?? '2026-03-02T08:00:00.000Z',
    correlationId: 'corr-1',
    ...(opts.change ? { change: opts.change } : {}),
  } as DomainEventDetail,
});

/** A minimal valid config around the given parts. */
/** Loose on purpose: tests hand in invalid configs too (parseWorkflowConfig takes unknown). */
export const config = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemaVersion: 1,
  tenantId: 'demo',
  templates: {
    hello: { locales: { en: { subject: 'Hi {{contact.name|there}}', text: 'Hello {{contact.name}}' } } },
  },
  ...over,
});

export const workflow = (over: Record<string, unknown> = {}) => ({
  id: 'wf',
  version: 1,
  name: 'A workflow',
  trigger: { event: 'deal.won', conditions: [] },
  actions: [{ type: 'send_email', template: 'hello', recipient: { to: 'owner' } }],
  ...over,
});
