/**
 * The runner's checks (effect-checks.ts) as dry-run applies them: mail to a suppressed contact and write-backs the
 * tenant's CRM does not take are listed as skipped with the runner's own reason, and are not counted as done.
 */
import { describe, expect, it } from 'vitest';
import type { ArchivedEvent, EventArchiveReader } from '../../../shared/store/event-archive';
import { parseWorkflowConfig, type WorkflowEvent } from '../../../shared/workflows';
import { dryRun } from '../../../shared/workflows/dry-run';
import { type EffectCheckPorts, refusalOf } from '../../../shared/workflows/effect-checks';
import type { EffectDescription } from '../../../shared/workflows/plan';
import { config, deal, event, TENANT, workflow } from './fixtures';

const suppressedList =
  (entries: Record<string, string>): EffectCheckPorts['isSuppressed'] =>
  async (address) => {
    const at = entries[address.toLowerCase()];
    return at ? { reason: 'unsubscribed', at } : undefined;
  };

const email = (recipient: 'contact' | 'owner', address: string): EffectDescription => ({
  kind: 'email',
  template: 'hello',
  recipient,
  address,
  locale: 'en',
});
const activity = (kind: 'task' | 'note' | 'call'): EffectDescription => ({
  kind: 'crm_activity',
  activity: kind,
  subject: 'Follow up',
  ownerId: 'u-1',
});

describe('refusalOf: would the runner perform this effect, and if not why', () => {
  const ports: EffectCheckPorts = {
    crmProvider: 'zoho',
    isSuppressed: suppressedList({ 'gone@example.cn': '2026-03-10T00:00:00.000Z' }),
  };
  const deal = { object: 'deal' };

  it('mail to a suppressed contact is refused; internal mail to the same address is not', async () => {
    expect(await refusalOf(email('contact', 'Gone@example.cn'), deal, ports)).toEqual({
      check: 'suppressed',
      reason: 'Gone@example.cn is suppressed (unsubscribed)',
    });
    expect(await refusalOf(email('owner', 'gone@example.cn'), deal, ports)).toBeUndefined();
    expect(await refusalOf(email('contact', 'here@example.cn'), deal, ports)).toBeUndefined();
  });

  it('as of an instant before the address was suppressed, the mail would have gone', async () => {
    const mail = email('contact', 'gone@example.cn');
    expect(await refusalOf(mail, deal, ports, new Date('2026-03-09T23:59:59.999Z'))).toBeUndefined();
    expect(await refusalOf(mail, deal, ports, new Date('2026-03-10T00:00:00.000Z'))).toMatchObject({
      check: 'suppressed',
    });
  });

  it('a sequence start for a record whose own address is suppressed is refused', async () => {
    const start: EffectDescription = {
      kind: 'start_sequence',
      sequence: 'nurture',
      version: 1,
      occurrence: 'once',
      enrolmentKey: 'k',
    };
    expect(await refusalOf(start, { object: 'lead', email: 'gone@example.cn' }, ports)).toMatchObject({
      reason: 'gone@example.cn is suppressed (unsubscribed)',
    });
    expect(await refusalOf(start, { object: 'lead' }, ports)).toBeUndefined();
  });

  it('write-backs: none on a generic-webhook tenant, none on an activity, every kind on a deal in Zoho and Fxiaoke', async () => {
    const generic = { ...ports, crmProvider: 'generic' as const };
    for (const kind of ['task', 'note', 'call'] as const)
      expect(await refusalOf(activity(kind), deal, generic)).toEqual({
        check: 'crm_write_back',
        reason: "the tenant's CRM takes no write-back (generic webhook)",
      });
    expect(await refusalOf(activity('note'), { object: 'activity' }, ports)).toEqual({
      check: 'crm_write_back',
      reason: 'Zoho CRM takes a note on a deal, lead, contact, account record, not on this activity',
    });
    for (const crmProvider of ['zoho', 'fxiaoke'] as const)
      for (const kind of ['task', 'note', 'call'] as const)
        expect(await refusalOf(activity(kind), deal, { ...ports, crmProvider })).toBeUndefined();
  });
});

const archiveOf = (events: WorkflowEvent[]): EventArchiveReader => {
  const dayOf = (iso: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: TENANT.timeZone }).format(new Date(iso));
  return {
    get: async (id) => events.find((e) => e.detail.eventId === id) as ArchivedEvent | undefined,
    eventsOfDay: async (day, from, to) =>
      events.filter(
        (e) =>
          dayOf(e.detail.occurredAt) === day &&
          Date.parse(e.detail.occurredAt) >= from.getTime() &&
          Date.parse(e.detail.occurredAt) < to.getTime(),
      ),
  };
};

describe('dry-run lists what the runner would skip, with its reason', () => {
  const welcome = parseWorkflowConfig(
    config({
      workflows: [
        workflow({
          id: 'welcome',
          trigger: { event: 'lead.created', conditions: [] },
          actions: [
            { type: 'send_email', template: 'hello', recipient: { to: 'contact' } },
            { type: 'create_crm_activity', activity: 'note', subject: 'Welcomed {{record.name}}' },
            { type: 'create_crm_activity', activity: 'call', subject: 'Call {{record.name}}' },
          ],
        }),
      ],
    }),
    'draft',
  );
  const lead = (n: number, address: string, occurredAt: string) =>
    event('lead.created', deal({ id: `L-${n}`, email: address, modifiedAt: occurredAt }), {
      occurredAt,
      eventId: `e-${n}`,
      object: 'lead',
    });
  // Weekday mornings in Shanghai, inside the default send window, so each mail is due when its event happened.
  const events = [
    lead(1, 'amy@example.cn', '2026-03-09T02:00:00.000Z'),
    lead(2, 'gone@example.cn', '2026-03-10T02:00:00.000Z'),
    lead(3, 'late@example.cn', '2026-03-11T02:00:00.000Z'),
  ];
  const run = (crmProvider: EffectCheckPorts['crmProvider']) =>
    dryRun({
      config: welcome,
      tenant: TENANT,
      archive: archiveOf(events),
      since: new Date('2026-03-08T00:00:00.000Z'),
      until: new Date('2026-03-14T00:00:00.000Z'),
      checks: {
        crmProvider,
        isSuppressed: suppressedList({
          'gone@example.cn': '2026-03-01T00:00:00.000Z',
          // Unsubscribed after its welcome went out: that mail was sent.
          'late@example.cn': '2026-03-12T00:00:00.000Z',
        }),
      },
    });

  it('a generic-webhook tenant: 2 emails, no notes or calls; each skipped step says why', async () => {
    const r = await run('generic');
    expect(r.totals).toMatchObject({
      emails: 2,
      crmActivities: { task: 0, note: 0, call: 0 },
      skipped: 7,
      refused: { suppressed: 1, crmWriteBack: 6 },
    });
    const second = r.events.find((e) => e.eventId === 'e-2')?.workflows[0]?.effects ?? [];
    expect(second.map((e) => [e.step, e.outcome, e.refused, e.reason])).toEqual([
      ['actions[0]', 'would_skip', 'suppressed', 'gone@example.cn is suppressed (unsubscribed)'],
      [
        'actions[1]',
        'would_skip',
        'crm_write_back',
        "the tenant's CRM takes no write-back (generic webhook)",
      ],
      [
        'actions[2]',
        'would_skip',
        'crm_write_back',
        "the tenant's CRM takes no write-back (generic webhook)",
      ],
    ]);
  });

  it('a Zoho tenant: the notes and calls are written on the leads', async () => {
    const r = await run('zoho');
    expect(r.totals).toMatchObject({
      emails: 2,
      crmActivities: { task: 0, note: 3, call: 3 },
      refused: { suppressed: 1, crmWriteBack: 0 },
    });
  });
});
