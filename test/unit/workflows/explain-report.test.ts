/**
 * The logic behind `workflows explain` and `workflows dry-run`, on the demo config and small fixture configs:
 * matches and non-matches with their reasons, due times in the tenant's zone and UTC, debounce gates, sequence
 * enrolments and their steps, ledger states by deterministic key, and a replay that follows what later events on the
 * same record do to earlier plans.
 */
import { describe, expect, it } from 'vitest';
import type { ArchivedEvent, EventArchiveReader } from '../../../shared/store/event-archive';
import { parseWorkflowConfig, type WorkflowEvent } from '../../../shared/workflows';
import { dryRun } from '../../../shared/workflows/dry-run';
import {
  buildExplainReport,
  dueIn,
  explainEvent,
  ledgerKeys,
  ledgerState,
  planEvent,
} from '../../../shared/workflows/explain-report';
import { config, deal, demoConfig, event, NO_REFUSALS, TENANT, workflow } from './fixtures';

const cfg = demoConfig();

const lead = (occurredAt: string, over: { id?: string; modifiedAt?: string; eventId?: string } = {}) => {
  const id = over.id ?? 'L-1';
  return event(
    'lead.created',
    deal({
      id,
      email: 'amy@example.com',
      name: 'Amy',
      stage: undefined,
      status: undefined,
      amount: undefined,
      modifiedAt: over.modifiedAt ?? occurredAt,
    }),
    { occurredAt, eventId: over.eventId ?? `evt-${id}-${occurredAt}`, object: 'lead' },
  );
};

const stageChanged = (occurredAt: string, from: string, to: string, amount = '128000.00') =>
  event('deal.stage_changed', deal({ stage: to, amount, modifiedAt: occurredAt }), {
    occurredAt,
    change: { from, to },
    eventId: `evt-stage-${occurredAt}`,
  });

describe('explain: matched, not matched and why', () => {
  it('a won deal over the threshold matches recognition; the others say which condition failed', async () => {
    const won = event('deal.won', deal({ status: 'won', stage: 'Closed Won' }), {
      occurredAt: '2026-03-06T02:00:00.000Z',
      eventId: 'evt-won',
    });
    const r = await explainEvent({ config: cfg, tenant: TENANT, event: won });
    expect(r.matched.map((w) => w.id)).toEqual(['won-deal-recognition']);
    expect(r.notMatched.map((w) => [w.id, w.reasons[0]?.path])).toEqual([
      ['new-lead-welcome', 'trigger.event'],
      ['stalled-deal-nudge', 'trigger.event'],
    ]);
    const w = r.matched[0];
    expect(w?.effects.map((e) => [e.step, e.kind, e.due.local, e.due.utc])).toEqual([
      ['actions[0]', 'email', '2026-03-06 10:00 Fri', '2026-03-06T02:00:00.000Z'],
      ['actions[1]', 'chat', '2026-03-06 10:00 Fri', '2026-03-06T02:00:00.000Z'],
      ['actions[2]', 'crm_activity', '2026-03-06 10:00 Fri', '2026-03-06T02:00:00.000Z'],
      // 7 days later at the same local time, a Friday inside business hours
      ['actions[4]', 'email', '2026-03-13 10:00 Fri', '2026-03-13T02:00:00.000Z'],
    ]);
    expect(w?.effects[0]?.summary).toBe(
      'email "won-deal-congrats" to owner <li.lei@demo.quotaflow.dev> (zh-CN)',
    );
    // No ledger read: no state is claimed either way.
    expect(w?.effects[0]?.ledger).toBeUndefined();
  });

  it('a non-match lists every failing condition with its path, and the enrolments the event stops', () => {
    const small = stageChanged('2026-03-06T02:00:00.000Z', 'Proposal/Price Quote', 'Closed Lost', '1000.00');
    const plan = planEvent({
      config: cfg,
      tenant: TENANT,
      event: {
        ...small,
        detail: {
          ...small.detail,
          record: deal({ stage: 'Closed Lost', amount: '1000.00', owner: { id: 'u-9' } }),
        },
      },
    });
    const r = buildExplainReport(plan, TENANT);
    expect(r.matched).toEqual([]);
    const nudge = r.notMatched.find((w) => w.id === 'stalled-deal-nudge');
    expect(nudge?.reasons).toEqual([
      {
        path: 'trigger.conditions[0]',
        reason:
          'stage changed from "Proposal/Price Quote" to "Closed Lost", not to "Proposal/Price Quote" or "Negotiation/Review"',
      },
      {
        path: 'trigger.conditions[1]',
        reason: 'stage is "Closed Lost", not one of "Proposal/Price Quote", "Negotiation/Review"',
      },
      {
        path: 'trigger.conditions[2]',
        reason: 'none of: amount is 1000, not ≥ 50000; owner u-9 is not in team east-china',
      },
    ]);
    expect(r.stops).toEqual([{ sequence: 'lead-nurture', reason: 'stop condition: stage_changed' }]);
  });

  it('a debounced workflow shows its gate; a sequence enrolment shows its own steps and keys', () => {
    const ev = lead('2026-03-06T09:30:00.000Z', { eventId: 'evt-lead' });
    const plan = planEvent({ config: cfg, tenant: TENANT, event: ev });
    const r = buildExplainReport(plan, TENANT);
    const w = r.matched[0];
    expect(w?.id).toBe('new-lead-welcome');
    expect(w?.debounce).toEqual({
      until: dueIn('2026-03-06T09:32:00.000Z', 'Asia/Shanghai'),
      recordModifiedAt: '2026-03-06T09:30:00.000Z',
    });
    expect(w?.debounce?.until.local).toBe('2026-03-06 17:32 Fri');
    const start = w?.effects.find((e) => e.kind === 'start_sequence');
    expect(start?.enrolment?.key).toBe('demo/sequence/lead-nurture/enrol/lead/L-1/2026-Q1');
    expect(start?.enrolment?.effects.map((e) => [e.step, e.kind, e.due.local])).toEqual([
      ['steps[0]', 'email', '2026-03-06 17:32 Fri'],
      ['steps[2]', 'email', '2026-03-10 17:32 Tue'],
      ['steps[4]', 'crm_activity', '2026-03-13 17:32 Fri'],
      ['steps[6]', 'email', '2026-03-19 17:32 Thu'],
    ]);
    // The keys to read: two workflow effects, the enrolment claim, four enrolment steps.
    const keys = ledgerKeys(plan);
    expect(keys.filter((k) => !k.endsWith('#schedule'))).toEqual([
      'demo/workflow/new-lead-welcome@1/step-0/lead/L-1/evt-lead',
      'demo/workflow/new-lead-welcome@1/step-1/lead/L-1/evt-lead',
      'demo/sequence/lead-nurture/enrol/lead/L-1/2026-Q1',
      'demo/sequence/lead-nurture@1/step-0/lead/L-1/2026-Q1',
      'demo/sequence/lead-nurture@1/step-2/lead/L-1/2026-Q1',
      'demo/sequence/lead-nurture@1/step-4/lead/L-1/2026-Q1',
      'demo/sequence/lead-nurture@1/step-6/lead/L-1/2026-Q1',
    ]);
    // and where each step's one-time schedule is recorded
    expect(keys).toContain('demo/sequence/lead-nurture@1/step-2/lead/L-1/2026-Q1#schedule');
  });

  it("a contact in New York: due in the tenant's zone and UTC, and in the recipient's zone", () => {
    const ev = event(
      'lead.created',
      deal({
        id: 'L-9',
        email: 'bob@example.com',
        stage: undefined,
        fields: { timeZone: 'America/New_York' },
      }),
      { occurredAt: '2026-03-06T09:30:00.000Z', eventId: 'evt-ny', object: 'lead' },
    );
    const r = buildExplainReport(planEvent({ config: cfg, tenant: TENANT, event: ev }), TENANT);
    const first = r.matched[0]?.effects[1]?.enrolment?.effects[0];
    // 04:32 in New York is before the window: 09:00 New York time, 22:00 in Shanghai.
    expect(first?.due).toEqual({
      utc: '2026-03-06T14:00:00.000Z',
      local: '2026-03-06 22:00 Fri',
      timeZone: 'Asia/Shanghai',
    });
    expect(first?.recipientDue?.local).toBe('2026-03-06 09:00 Fri');
  });

  it('ledger states by key: done with result, pending, skipped with reason, scheduled, failed, not yet', async () => {
    const won = event('deal.won', deal({ status: 'won' }), {
      occurredAt: '2026-03-06T02:00:00.000Z',
      eventId: 'e1',
    });
    const base = 'demo/workflow/won-deal-recognition@1';
    const items = new Map<string, Record<string, unknown>>([
      [
        `${base}/step-0/deal/D-1001/e1`,
        { status: 'done', result: 'msg-1', attempts: 1, doneAt: '2026-03-06T02:00:01.000Z' },
      ],
      [
        `${base}/step-1/deal/D-1001/e1`,
        { status: 'pending', attempts: 2, createdAt: '2026-03-06T02:00:00.500Z' },
      ],
      // settled without performing: the ledger's settle() writes done with 0 attempts and the outcome
      [
        `${base}/step-2/deal/D-1001/e1`,
        { status: 'done', attempts: 0, result: 'skipped: the record is no longer won' },
      ],
      [`${base}/step-4/deal/D-1001/e1#schedule`, { status: 'done', attempts: 1, result: 'qf-wf-abc' }],
    ]);
    const asked: string[][] = [];
    const r = await explainEvent(
      { config: cfg, tenant: TENANT, event: won },
      {
        read: async (keys) => {
          asked.push([...keys]);
          return new Map([...items].filter(([k]) => keys.includes(k)));
        },
      },
    );
    expect(asked).toHaveLength(1);
    expect(r.matched[0]?.effects.map((e) => e.ledger)).toEqual([
      { state: 'done', result: 'msg-1', attempts: 1, doneAt: '2026-03-06T02:00:01.000Z' },
      { state: 'pending', attempts: 2, createdAt: '2026-03-06T02:00:00.500Z' },
      { state: 'skipped', reason: 'the record is no longer won' },
      { state: 'scheduled', schedule: 'qf-wf-abc' },
    ]);
    expect(ledgerState(undefined)).toEqual({ state: 'not_yet' });
    expect(ledgerState({ status: 'done', attempts: 0, result: 'failed: unknown merge field' })).toEqual({
      state: 'failed',
      reason: 'unknown merge field',
    });
    // A settled enrolment ("enrolled: <key>") is a done step, not a skip.
    expect(ledgerState({ status: 'done', attempts: 0, result: 'enrolled: k' })).toMatchObject({
      state: 'done',
      result: 'enrolled: k',
    });
  });
});

/** An archive in memory, with the same contract as the table's: per local day, [from, to), oldest first. */
const memoryArchive = (
  events: WorkflowEvent[],
  timeZone = TENANT.timeZone,
): EventArchiveReader & { asked: string[] } => {
  const asked: string[] = [];
  const dayOf = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(iso));
  return {
    asked,
    get: async (id) => events.find((e) => e.detail.eventId === id) as ArchivedEvent | undefined,
    eventsOfDay: async (day, from, to) => {
      asked.push(day);
      return events
        .filter((e) => dayOf(e.detail.occurredAt) === day)
        .filter(
          (e) =>
            Date.parse(e.detail.occurredAt) >= from.getTime() &&
            Date.parse(e.detail.occurredAt) < to.getTime(),
        )
        .sort((a, b) => Date.parse(a.detail.occurredAt) - Date.parse(b.detail.occurredAt));
    },
  };
};

describe('dry-run: what a config would have done over archived events', () => {
  const until = new Date('2026-03-20T02:00:00.000Z'); // Friday 10:00 in Shanghai
  const since = new Date('2026-03-06T02:00:00.000Z');

  it('a debounced workflow is superseded by a change within the gate; the later event enrols instead', async () => {
    const first = lead('2026-03-09T02:00:00.000Z', { eventId: 'e-first' });
    const again = lead('2026-03-09T02:01:00.000Z', {
      eventId: 'e-again',
      modifiedAt: '2026-03-09T02:01:00.000Z',
    });
    const progress: string[] = [];
    const r = await dryRun({
      config: cfg,
      tenant: TENANT,
      archive: memoryArchive([again, first]),
      checks: NO_REFUSALS,
      since,
      until,
      onProgress: (p) => progress.push(`${p.day} ${p.index}/${p.days} ${p.events}`),
    });
    expect(r.events.map((e) => e.eventId)).toEqual(['e-first', 'e-again']);
    const [a, b] = r.events.map((e) => e.workflows[0]);
    expect(a?.debounce?.superseded).toBe('e-again');
    expect(a?.effects.every((e) => e.outcome === 'would_skip')).toBe(true);
    expect(a?.effects[0]?.reason).toMatch(/^debounced: the record changed again at 2026-03-09T02:01:00.000Z/);
    expect(b?.effects.map((e) => e.outcome)).toEqual(['would_perform', 'would_perform']);
    expect(b?.effects[1]?.steps?.map((s) => s.outcome)).toEqual([
      'would_perform',
      'would_perform',
      'would_perform',
      'would_schedule', // the last touch is due at 10:03 on the 20th, after the period's end
    ]);
    expect(r.totals).toMatchObject({
      days: 15,
      events: 2,
      eventsWithEffects: 1,
      emails: 3,
      crmActivities: { task: 0, note: 0, call: 1 },
      chatNotifications: 1,
      enrolments: 1,
      scheduledLater: 1,
      skipped: 2 + 4, // the superseded chat + enrolment, and the enrolment's four steps
    });
    expect(progress[0]).toBe('2026-03-06 1/15 0');
    expect(progress.at(-1)).toBe('2026-03-20 15/15 2');
  });

  it('an enrolment stops at a later stop signal; a second enrolment in the same quarter is refused', async () => {
    const l1 = lead('2026-03-09T02:00:00.000Z', { eventId: 'e-1' });
    const activity = event('activity.logged', deal({ id: 'L-1' }), {
      occurredAt: '2026-03-11T03:00:00.000Z',
      eventId: 'e-act',
      object: 'lead',
    });
    // activity.logged for the lead record stops lead-nurture (activity_logged is in its stopOn)
    const l2 = lead('2026-03-16T02:00:00.000Z', { eventId: 'e-2' });
    const r = await dryRun({
      config: cfg,
      tenant: TENANT,
      archive: memoryArchive([l1, activity, l2]),
      checks: NO_REFUSALS,
      since,
      until,
    });
    const steps = r.events[0]?.workflows[0]?.effects[1]?.steps ?? [];
    expect(steps.map((s) => [s.step, s.outcome])).toEqual([
      ['steps[0]', 'would_perform'],
      ['steps[2]', 'would_perform'], // 10 Mar, before the activity
      ['steps[4]', 'would_skip'],
      ['steps[6]', 'would_skip'],
    ]);
    expect(steps[2]?.reason).toBe('sequence stopped by event e-act: stop condition: activity_logged');
    const again = r.events.find((e) => e.eventId === 'e-2')?.workflows[0]?.effects[1];
    expect(again).toMatchObject({
      outcome: 'would_skip',
      reason: 'already enrolled by event e-1 (enrolment 2026-Q1)',
    });
    expect(again?.steps).toBeUndefined();
  });

  it('a delayed step is skipped when the record no longer meets the conditions when it falls due', async () => {
    const moved = stageChanged('2026-03-09T02:00:00.000Z', 'Qualification', 'Proposal/Price Quote');
    const lost = event(
      'deal.lost',
      deal({ stage: 'Closed Lost', status: 'lost', modifiedAt: '2026-03-12T02:00:00.000Z' }),
      {
        occurredAt: '2026-03-12T02:00:00.000Z',
        eventId: 'e-lost',
      },
    );
    const r = await dryRun({
      config: cfg,
      tenant: TENANT,
      archive: memoryArchive([moved, lost]),
      checks: NO_REFUSALS,
      since,
      until,
    });
    const nudge = r.events[0]?.workflows[0];
    expect(nudge?.id).toBe('stalled-deal-nudge');
    // The task falls due on 16 Mar; by then the deal is Closed Lost.
    expect(nudge?.effects[0]).toMatchObject({ kind: 'crm_activity', outcome: 'would_skip' });
    expect(nudge?.effects[0]?.reason).toContain('trigger.conditions[1]: stage is "Closed Lost"');
  });

  it('a draft config is replayed as given: a new workflow, a non-match, totals', async () => {
    const draft = parseWorkflowConfig(
      config({
        workflows: [
          workflow({
            id: 'big-wins',
            trigger: { event: 'deal.won', conditions: [{ field: 'amount', op: 'gte', value: '100000' }] },
          }),
        ],
      }),
      'draft.json',
    );
    const big = event('deal.won', deal({ status: 'won' }), {
      occurredAt: '2026-03-10T02:00:00.000Z',
      eventId: 'w1',
    });
    const small = event('deal.won', deal({ id: 'D-2', status: 'won', amount: '10.00' }), {
      occurredAt: '2026-03-10T03:00:00.000Z',
      eventId: 'w2',
    });
    const archive = memoryArchive([big, small]);
    const r = await dryRun({ config: draft, tenant: TENANT, archive, since, until, checks: NO_REFUSALS });
    expect(r.events.map((e) => [e.eventId, e.workflows.map((w) => w.id)])).toEqual([['w1', ['big-wins']]]);
    expect(r.totals).toMatchObject({ events: 2, eventsWithEffects: 1, emails: 1, skipped: 0 });
    // One query per local day of the period, in order.
    expect(archive.asked[0]).toBe('2026-03-06');
    expect(archive.asked).toHaveLength(15);
  });
});
