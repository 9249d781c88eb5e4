import { describe, expect, it } from 'vitest';
import {
  planEnrolment,
  planWorkflow,
  type Sequence,
  scheduleName,
  stopReason,
  stopSignalOf,
  type Workflow,
} from '../../../shared/workflows';
import { deal, demoConfig, event, TENANT } from './fixtures';

const cfg = demoConfig();
const wf = (id: string): Workflow => cfg.workflows.find((w) => w.id === id) ?? (undefined as never);
const nurture = cfg.sequences[0] as Sequence;
const plan = (id: string, ev: ReturnType<typeof event>) =>
  planWorkflow({ config: cfg, tenant: TENANT, workflow: wf(id), event: ev });
const brief = (p: ReturnType<typeof plan>) => p.effects.map((e) => [e.step, e.kind, e.dueAt, e.recheck]);

describe('won-deal recognition', () => {
  const won = event('deal.won', deal({ status: 'won' }), {
    occurredAt: '2026-09-30T02:00:00.000Z',
    eventId: 'evt-42',
  });

  it('plans the effects in order; the check-in after 7 days waits out National Day to 09:00 on the 8th', () => {
    expect(brief(plan('won-deal-recognition', won))).toEqual([
      ['actions[0]', 'email', '2026-09-30T02:00:00.000Z', false],
      ['actions[1]', 'chat', '2026-09-30T02:00:00.000Z', false],
      ['actions[2]', 'crm_activity', '2026-09-30T02:00:00.000Z', false],
      // 7 days later is 7 October 10:00, a holiday; internal mail with withinBusinessHours waits for the 8th.
      ['actions[4]', 'email', '2026-10-08T01:00:00.000Z', true],
    ]);
  });

  it('keys are (tenant, workflow@version, step, record, occurrence) and the same for a redelivery', () => {
    const first = plan('won-deal-recognition', won);
    expect(first.effects.map((e) => e.key)).toEqual([
      'demo/workflow/won-deal-recognition@1/step-0/deal/D-1001/evt-42',
      'demo/workflow/won-deal-recognition@1/step-1/deal/D-1001/evt-42',
      'demo/workflow/won-deal-recognition@1/step-2/deal/D-1001/evt-42',
      'demo/workflow/won-deal-recognition@1/step-4/deal/D-1001/evt-42',
    ]);
    expect(plan('won-deal-recognition', won)).toEqual(first);
    const v2 = planWorkflow({
      config: cfg,
      tenant: TENANT,
      workflow: { ...wf('won-deal-recognition'), version: 2 },
      event: won,
    });
    expect(v2.effects[0]?.key).toBe('demo/workflow/won-deal-recognition@2/step-0/deal/D-1001/evt-42');
  });

  it('record ids and occurrences are encoded, so a "/" in a CRM id cannot forge another key', () => {
    const odd = event('deal.won', deal({ id: 'a/b' }), { eventId: 'e/1' });
    expect(plan('won-deal-recognition', odd).effects[0]?.key).toBe(
      'demo/workflow/won-deal-recognition@1/step-0/deal/a%2Fb/e%2F1',
    );
  });

  it('resolved recipients and CRM details ride on the effect; a missing address is a skipped step with its reason', () => {
    const p = plan('won-deal-recognition', won);
    expect(p.effects[0]).toMatchObject({
      kind: 'email',
      recipient: 'owner',
      address: 'li.lei@demo.quotaflow.dev',
      template: 'won-deal-congrats',
      locale: 'zh-CN',
    });
    expect(p.effects[1]).toMatchObject({ kind: 'chat', webhook: 'sales-cn', format: 'feishu' });
    expect(p.effects[2]).toMatchObject({ kind: 'crm_activity', activity: 'note', ownerId: 'u-1001' });
    expect(p.effects[2]).not.toHaveProperty('subjectPreview'); // no tenant name or currency to merge with
    const named = planWorkflow({
      config: cfg,
      tenant: { ...TENANT, name: '示例科技', currency: 'CNY' },
      workflow: wf('won-deal-recognition'),
      event: won,
    });
    expect(named.effects[2]).toMatchObject({
      subject: '赢单复盘：{{record.name}}（{{record.amount}}）',
      subjectPreview: '赢单复盘：Acme renewal（¥128,000.00）',
    });
    const ownerless = plan('won-deal-recognition', event('deal.won', deal({ owner: undefined })));
    expect(ownerless.skipped).toEqual([
      { step: 'actions[0]', reason: 'the record has no owner email' },
      { step: 'actions[2]', reason: 'the record has no owner to assign it to' },
      { step: 'actions[4]', reason: 'the record has no owner email' },
    ]);
  });

  it('schedule names for delayed effects are deterministic and fit EventBridge Scheduler', () => {
    const key = plan('won-deal-recognition', won).effects[3]?.key ?? '';
    expect(scheduleName(key)).toBe('qf-wf-a91336b95952552503ca1b0af7c1c4b4ffaaa2e0f5955422');
    expect(scheduleName(key)).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
  });
});

describe('stalled-deal nudge: business days across National Day, a wait relative to closeDate', () => {
  const moved = (closeDate?: string) =>
    event('deal.stage_changed', deal({ stage: 'Proposal/Price Quote', closeDate }), {
      change: { from: 'Qualification', to: 'Proposal/Price Quote' },
      occurredAt: '2026-09-29T07:00:00.000Z', // Tuesday 15:00 in Shanghai
    });

  it('5 business days from 29 Sep skip 1-7 Oct and count the make-up Saturday; the task is due the next business day', () => {
    const p = plan('stalled-deal-nudge', moved('2026-10-30'));
    expect(brief(p)).toEqual([
      ['actions[1]', 'crm_activity', '2026-10-12T07:00:00.000Z', true],
      ['actions[3]', 'email', '2026-10-15T07:00:00.000Z', true],
      ['actions[5]', 'email', '2026-10-27T01:30:00.000Z', true], // 3 days before 30 Oct, 09:30 local
    ]);
    expect(p.effects[0]).toMatchObject({ dueDate: '2026-10-13' });
    expect(p.effects[1]).toMatchObject({
      recipient: 'manager',
      address: 'han.mei@demo.quotaflow.dev',
      windowTimeZone: 'Asia/Shanghai',
    });
  });

  it('a relative date already behind the cursor does not move time back', () => {
    expect(plan('stalled-deal-nudge', moved('2026-10-16')).effects[2]?.dueAt).toBe(
      '2026-10-15T07:00:00.000Z',
    );
  });

  it('without the date the rest of the steps cannot be placed, and say so', () => {
    const p = plan('stalled-deal-nudge', moved(undefined));
    expect(p.effects.map((e) => e.step)).toEqual(['actions[1]', 'actions[3]']);
    expect(p.skipped).toEqual([
      { step: 'actions[4]', reason: 'closeDate is not set on the record' },
      { step: 'actions[5]', reason: 'closeDate is not set on the record' },
    ]);
  });
});

describe('new-lead welcome: debounce gate, enrolment, recipient send windows', () => {
  const lead = (fields: Record<string, string>, occurredAt: string, id = 'L-1') =>
    event('lead.created', deal({ id, email: 'amy@example.com', name: 'Amy', fields, stage: undefined }), {
      occurredAt,
      eventId: `evt-${id}`,
    });

  it('the debounce gate delays everything and pins the record version the handler must still see', () => {
    const p = plan('new-lead-welcome', lead({}, '2026-09-30T11:00:00.000Z'));
    expect(p.gate).toEqual({
      until: '2026-09-30T11:02:00.000Z',
      recordModifiedAt: '2026-03-02T08:00:00.000Z',
    });
    expect(brief(p)).toEqual([
      ['actions[0]', 'chat', '2026-09-30T11:02:00.000Z', true],
      ['actions[1]', 'start_sequence', '2026-09-30T11:02:00.000Z', true],
    ]);
    // once per quarter, counted in the tenant's zone: the enrolment key is the re-enrolment rule
    expect(p.effects[1]).toMatchObject({
      sequence: 'lead-nurture',
      occurrence: '2026-Q3',
      enrolmentKey: 'demo/sequence/lead-nurture/enrol/lead/L-1/2026-Q3',
    });
  });

  it("contact mail goes out in the contact's business hours: held over National Day in Shanghai", () => {
    const ev = lead({}, '2026-09-30T11:00:00.000Z'); // 19:00 in Shanghai, eve of the holiday
    const p = planEnrolment({
      config: cfg,
      tenant: TENANT,
      sequence: nurture,
      event: ev,
      occurrence: '2026-Q3',
      startAt: new Date('2026-09-30T11:02:00Z'),
    });
    expect(p.effects[0]).toMatchObject({
      step: 'steps[0]',
      kind: 'email',
      dueAt: '2026-10-08T01:00:00.000Z',
      windowTimeZone: 'Asia/Shanghai',
      recheck: true,
    });
    expect(p.effects[0]?.key).toBe('demo/sequence/lead-nurture@1/step-0/lead/L-1/2026-Q3');
  });

  it('a New York contact is mailed in New York hours on the US calendar (Thanksgiving), an invalid zone falls back', () => {
    const start = new Date('2026-11-25T23:00:00Z'); // Wed 18:00 EST; Thu is Thanksgiving
    const ny = planEnrolment({
      config: cfg,
      tenant: TENANT,
      sequence: nurture,
      event: lead({ timeZone: 'America/New_York' }, start.toISOString()),
      occurrence: 'x',
      startAt: start,
    });
    expect(ny.effects[0]).toMatchObject({
      dueAt: '2026-11-27T14:00:00.000Z',
      windowTimeZone: 'America/New_York',
    });
    const mars = planEnrolment({
      config: cfg,
      tenant: TENANT,
      sequence: nurture,
      event: lead({ timeZone: 'Mars/Olympus' }, start.toISOString()),
      occurrence: 'x',
      startAt: start,
    });
    expect(mars.effects[0]).toMatchObject({
      dueAt: '2026-11-26T01:00:00.000Z',
      windowTimeZone: 'Asia/Shanghai',
    });
  });

  it("a contact's language picks the template locale (en-US → en, zh-Hans → zh-CN); internal mail stays the tenant's", () => {
    const start = new Date('2026-11-24T02:00:00Z');
    const localeOf = (language: string) =>
      planEnrolment({
        config: cfg,
        tenant: TENANT,
        sequence: nurture,
        event: lead({ language }, start.toISOString()),
        occurrence: 'x',
        startAt: start,
      }).effects[0];
    expect(localeOf('en-US')).toMatchObject({ kind: 'email', locale: 'en' });
    expect(localeOf('zh-Hans')).toMatchObject({ kind: 'email', locale: 'zh-CN' });
    expect(localeOf('fr')).toMatchObject({ kind: 'email', locale: 'zh-CN' }); // not one of ours: the tenant's
  });

  it('each step follows the one before: waits count from the held send, never overtaking it', () => {
    const start = new Date('2026-09-30T11:02:00Z');
    const p = planEnrolment({
      config: cfg,
      tenant: TENANT,
      sequence: nurture,
      event: lead({}, start.toISOString()),
      occurrence: 'q',
      startAt: start,
    });
    expect(brief(p)).toEqual([
      ['steps[0]', 'email', '2026-10-08T01:00:00.000Z', true],
      ['steps[2]', 'email', '2026-10-10T01:00:00.000Z', true], // +2 business days: Fri 9th, the make-up Sat 10th
      ['steps[4]', 'crm_activity', '2026-10-14T01:00:00.000Z', true], // +3: Mon 12th, Tue 13th, Wed 14th
      ['steps[6]', 'email', '2026-10-20T01:00:00.000Z', true], // +4: Thu, Fri, Mon, Tue
    ]);
    expect(p.effects[2]).toMatchObject({ activity: 'call', dueDate: '2026-10-14' });
  });
});

describe('sequence stop conditions and re-enrolment', () => {
  it('mail signals and deletion always stop; the rest only when listed in stopOn', () => {
    const quiet: Sequence = { ...nurture, stopOn: [] };
    expect(stopReason(quiet, 'unsubscribed')).toBe('the contact unsubscribed (always stops)');
    expect(stopReason(quiet, 'bounced')).toBe('the contact bounced (always stops)');
    expect(stopReason(quiet, 'complained')).toBe('the contact complained (always stops)');
    expect(stopReason(quiet, 'deleted')).toBe('the record was deleted');
    expect(stopReason(quiet, 'replied')).toBeUndefined();
    expect(stopReason(nurture, 'replied')).toBe('stop condition: replied');
    expect(stopReason(nurture, 'closed')).toBe('stop condition: closed');
  });

  it('domain events map to stop signals', () => {
    expect(
      [
        'deal.stage_changed',
        'deal.won',
        'deal.lost',
        'activity.logged',
        'record.deleted',
        'deal.amount_changed',
      ].map(stopSignalOf),
    ).toEqual(['stage_changed', 'closed', 'closed', 'activity_logged', 'deleted', undefined]);
  });

  it('once / once per period / always become the enrolment occurrence', () => {
    const startFor = (reenrol: Sequence['reenrol']) =>
      planWorkflow({
        config: { ...cfg, sequences: [{ ...nurture, reenrol }] },
        tenant: TENANT,
        workflow: { ...wf('new-lead-welcome'), debounceSeconds: undefined },
        event: event('lead.created', deal({ id: 'L-9' }), {
          eventId: 'evt-9',
          occurredAt: '2026-12-31T17:00:00.000Z',
        }),
      }).effects.find((e) => e.kind === 'start_sequence');
    expect(startFor({ mode: 'once' })).toMatchObject({ occurrence: 'once' });
    expect(startFor({ mode: 'once_per_period', period: 'month' })).toMatchObject({ occurrence: '2027-01' }); // Shanghai
    expect(startFor({ mode: 'always' })).toMatchObject({ occurrence: 'evt-9' });
  });
});
