import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCountryCalendars } from '../../../shared/workflows/country-holidays';
import { StepFailedError } from '../../../shared/workflows/runner';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { deal, event } from '../../unit/workflows/fixtures';
import { harness } from './support';

/** As a function gets it: the date-holidays calendar resolved into dates (from a fixed year). */
const DEMO = resolveCountryCalendars(
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../tenants/workflows/demo.json'), 'utf8')),
  2026,
);

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable('quotaflow-runner');
});
afterAll(async () => {
  await table.stop();
});

/** Each test gets its own record ids, so tests share one table without seeing each other's keys. */
let n = 0;
const fresh = (prefix: string) => `${prefix}-${++n}`;

describe('a won deal through the demo workflow', () => {
  it('congratulates, posts to chat and notes the CRM once, however often the event arrives', async () => {
    const h = harness(table, DEMO);
    const won = deal({ id: fresh('D'), status: 'won', stage: 'Closed Won' });
    h.records.put('deal', won);
    const e = event('deal.won', won, { eventId: fresh('evt') });
    const first = await h.runner.onEvent(e);
    await h.runner.onEvent(e);
    await h.runner.onEvent(e);

    expect(first.matched).toEqual([{ id: 'won-deal-recognition', version: 1 }]);
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.to).toEqual(['li.lei@demo.quotaflow.dev']);
    expect(h.mailer.sent[0]?.headers?.['List-Unsubscribe']).toBeUndefined(); // internal mail
    expect(h.chats).toHaveLength(1);
    expect(JSON.stringify(h.chats[0]?.body)).toContain(won.name);
    expect(h.activities).toHaveLength(1);
    expect(h.activities[0]).toMatchObject({ activity: 'note', recordId: won.id, object: 'deal' });
    // The check-in 7 days later, inside business hours in Shanghai: one schedule, created once.
    expect(h.scheduler.scheduled.size).toBe(1);
    const [check] = [...h.scheduler.scheduled.values()];
    expect(check?.at).toBe('2026-03-09T08:00:00.000Z'); // Monday 16:00 Shanghai, 7 days on
  });

  it('sends the check-in once when Scheduler fires twice, and skips it when the deal is no longer won', async () => {
    const h = harness(table, DEMO);
    const won = deal({ id: fresh('D'), status: 'won', stage: 'Closed Won' });
    h.records.put('deal', won);
    await h.runner.onEvent(event('deal.won', won, { eventId: fresh('evt') }));
    const [check] = [...h.scheduler.scheduled.values()];
    if (!check) throw new Error('no schedule');
    h.clock.advance(new Date(check.at));
    const fired = await h.runner.onStep(check.payload as never);
    const again = await h.runner.onStep(check.payload as never); // a double fire
    expect(fired.outcome).toBe('performed');
    expect(again.outcome).toBe('duplicate');
    expect(h.mailer.sent.map((m) => m.subject)).toHaveLength(2); // congrats + one check-in

    const lostLater = deal({ id: fresh('D'), status: 'won', stage: 'Closed Won' });
    h.records.put('deal', lostLater);
    await h.runner.onEvent(event('deal.won', lostLater, { eventId: fresh('evt') }));
    const pending = [...h.scheduler.scheduled.values()].find((s) =>
      JSON.stringify(s.payload).includes(lostLater.id),
    );
    if (!pending) throw new Error('no schedule');
    h.records.put('deal', {
      ...lostLater,
      status: 'lost',
      stage: 'Closed Lost',
      modifiedAt: '2026-03-05T00:00:00.000Z',
    });
    h.clock.advance(new Date(pending.at));
    const skipped = await h.runner.onStep(pending.payload as never);
    expect(skipped.outcome).toBe('skipped');
    expect(skipped.detail).toBe('the deal is no longer won (now lost)');
    expect((await h.ledger.state(skipped.key))?.result).toMatch(/^skipped: /);
  });
});

/** A lead-nurture config: contact mail through the window, a reply stops it. */
const nurture = (over: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  tenantId: 'demo',
  mappedFields: { relatedObject: 'text', relatedId: 'text', direction: 'text', timeZone: 'text' },
  calendars: {
    // 2026 National Day as the State Council notice of 4 Nov 2025 sets it: 1-7 Oct off, Sun 20 Sep and Sat 10 Oct worked.
    cn: {
      holidays: [
        '2026-10-01',
        '2026-10-02',
        '2026-10-03',
        '2026-10-04',
        '2026-10-05',
        '2026-10-06',
        '2026-10-07',
      ],
      makeUpWorkdays: ['2026-09-20', '2026-10-10'],
    },
    us: { hours: { start: '09:00', end: '17:00' }, holidays: ['2026-11-26'] },
  },
  sendWindow: {
    calendar: 'cn',
    recipientTimeZoneField: 'fields.timeZone',
    calendarByTimeZone: { 'America/New_York': 'us' },
  },
  templates: {
    hello: {
      locales: { 'zh-CN': { subject: '您好 {{contact.name}}', text: '感谢关注，{{contact.name}}！' } },
    },
    'heads-up': {
      locales: { en: { subject: 'Won: {{record.name}}', text: '{{owner.name}} won {{record.name}}.' } },
    },
  },
  workflows: [
    {
      id: 'welcome',
      version: 1,
      name: 'Welcome',
      trigger: { event: 'lead.created', conditions: [{ field: 'email', op: 'exists' }] },
      actions: [{ type: 'start_sequence', sequence: 'nurture' }],
    },
  ],
  sequences: [
    {
      id: 'nurture',
      version: 1,
      name: 'Nurture',
      stopOn: ['replied', 'activity_logged'],
      steps: [
        { type: 'send_email', template: 'hello', recipient: { to: 'contact' } },
        { type: 'wait', businessDays: 1 },
        { type: 'send_email', template: 'hello', recipient: { to: 'contact' } },
      ],
    },
  ],
  ...over,
});

const lead = (id: string, email: string, modifiedAt = '2026-03-02T08:00:00.000Z') =>
  deal({ id, email, name: '王芳', stage: undefined, status: undefined, amount: undefined, modifiedAt });

describe('sequences', () => {
  it('mails the contact with one-click unsubscribe headers, and a logged reply stops the next step', async () => {
    const h = harness(table, nurture());
    const l = lead(fresh('L'), 'wang.fang@example.cn');
    h.records.put('lead', l);
    const run = await h.runner.onEvent(event('lead.created', l, { eventId: fresh('evt') }));
    expect(run.steps.map((s) => s.outcome)).toEqual(['enrolled', 'performed', 'scheduled']);
    expect(h.mailer.sent).toHaveLength(1);
    const mail = h.mailer.sent[0];
    expect(mail?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(mail?.text).toContain('退订');
    expect(mail?.replyTo).toEqual(['li.lei@demo.quotaflow.dev']); // replies reach the rep
    // The enrolment carries the lead's owner and is read through the owner index (the digest's follow-up figures).
    const owner = l.owner?.id as string;
    const mine = (await h.enrolments.ofOwner(owner, new Date('2026-03-01T00:00:00.000Z'))).filter(
      (e) => e.recordId === l.id,
    );
    expect(mine.map((e) => [e.sequence, e.status, e.ownerId])).toEqual([['nurture', 'active', owner]]);

    const reply = deal({
      id: fresh('A'),
      email: 'wang.fang@example.cn',
      name: 'Re: 您好',
      fields: { relatedObject: 'lead', relatedId: l.id, direction: 'inbound' },
    });
    const stop = await h.runner.onEvent(
      event('activity.logged', reply, { eventId: fresh('evt'), object: 'activity' }),
    );
    expect(stop.stopped).toEqual([
      { sequence: 'nurture', recordId: l.id, reason: 'stop condition: activity_logged' },
    ]);

    const [next] = await h.fireDue(new Date(h.clock.now().getTime() + 3 * 86_400_000));
    expect(next?.outcome).toBe('skipped');
    expect(next?.detail).toMatch(/enrolment stopped/);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('holds a step due on a Chinese holiday to the next working day, a 调休 Saturday counting as one', async () => {
    const h = harness(table, nurture(), { start: '2026-09-30T02:00:05.000Z' }); // Wed 10:00 Shanghai
    const l = lead(fresh('L'), 'zhao.lei@example.cn', '2026-09-30T02:00:00.000Z');
    h.records.put('lead', l);
    await h.runner.onEvent(
      event('lead.created', l, { eventId: fresh('evt'), occurredAt: '2026-09-30T02:00:00.000Z' }),
    );
    const [second] = [...h.scheduler.scheduled.values()];
    // One business day after Wed 30 Sep: 1-7 Oct are holidays, Thu 8 Oct is the next working day, 10:00 local.
    expect(second?.at).toBe('2026-10-08T02:00:00.000Z');

    // One business day after Fri 9 Oct 16:00 is the make-up Saturday, 10 Oct, at 16:00.
    const h2 = harness(table, nurture(), { start: '2026-10-09T08:00:05.000Z' });
    const l2 = lead(fresh('L'), 'qian.li@example.cn', '2026-10-09T08:00:00.000Z');
    h2.records.put('lead', l2);
    await h2.runner.onEvent(
      event('lead.created', l2, { eventId: fresh('evt'), occurredAt: '2026-10-09T08:00:00.000Z' }),
    );
    expect([...h2.scheduler.scheduled.values()][0]?.at).toBe('2026-10-10T08:00:00.000Z');
  });

  it("opens a New York contact's weekend mail at 09:00 on Monday in New York, across the end of DST", async () => {
    // Fri 30 Oct 2026 22:00 in New York (EDT, UTC-4) is after hours; DST ends Sun 1 Nov; Mon 2 Nov 09:00 is EST.
    const at = '2026-10-31T02:00:00.000Z';
    const h = harness(table, nurture(), { start: at });
    const l = { ...lead(fresh('L'), 'pat.doyle@example.com', at), fields: { timeZone: 'America/New_York' } };
    h.records.put('lead', l);
    const run = await h.runner.onEvent(event('lead.created', l, { eventId: fresh('evt'), occurredAt: at }));
    expect(run.steps.map((s) => s.outcome)).toEqual(['enrolled', 'scheduled', 'scheduled']);
    const ats = [...h.scheduler.scheduled.values()].map((s) => s.at).sort();
    expect(ats[0]).toBe('2026-11-02T14:00:00.000Z'); // 09:00 EST
    const [first] = await h.fireDue(new Date('2026-11-02T14:00:00.000Z'));
    expect(first?.outcome).toBe('performed');
    expect(h.mailer.sent[0]?.to).toEqual(['pat.doyle@example.com']);
  });

  it('never enrols or mails a suppressed address', async () => {
    const h = harness(table, nurture(), { suppressed: ['gone@example.cn'] });
    const l = lead(fresh('L'), 'gone@example.cn');
    h.records.put('lead', l);
    const run = await h.runner.onEvent(event('lead.created', l, { eventId: fresh('evt') }));
    expect(run.steps).toEqual([
      expect.objectContaining({ outcome: 'skipped', detail: 'gone@example.cn is suppressed (unsubscribed)' }),
    ]);
    expect(h.mailer.sent).toHaveLength(0);
    expect(h.scheduler.scheduled.size).toBe(0);
  });

  it('skips a step for an address suppressed after it was enrolled', async () => {
    const h = harness(table, nurture());
    const l = lead(fresh('L'), 'later.gone@example.cn');
    h.records.put('lead', l);
    await h.runner.onEvent(event('lead.created', l, { eventId: fresh('evt') }));
    h.suppressed.add('later.gone@example.cn');
    const [next] = await h.fireDue(new Date('2026-03-04T08:00:00.000Z'));
    expect(next).toMatchObject({
      outcome: 'skipped',
      detail: 'later.gone@example.cn is suppressed (unsubscribed)',
    });
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('skips the CRM note of a tenant whose CRM takes no write-back, saying why (as dry-run does)', async () => {
    const h = harness(table, DEMO, { crm: 'generic' });
    const won = deal({ id: fresh('D'), status: 'won', stage: 'Closed Won' });
    h.records.put('deal', won);
    const run = await h.runner.onEvent(event('deal.won', won, { eventId: fresh('evt') }));
    expect(run.steps).toContainEqual(
      expect.objectContaining({
        kind: 'crm_activity',
        outcome: 'skipped',
        detail: "the tenant's CRM takes no write-back (generic webhook)",
      }),
    );
    expect(h.activities).toHaveLength(0);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('does not put one contact in two active sequences of the same workflow', async () => {
    const h = harness(table, nurture());
    const a = lead(fresh('L'), 'same.person@example.cn');
    const b = lead(fresh('L'), 'same.person@example.cn');
    h.records.put('lead', a);
    h.records.put('lead', b);
    await h.runner.onEvent(event('lead.created', a, { eventId: fresh('evt') }));
    const second = await h.runner.onEvent(event('lead.created', b, { eventId: fresh('evt') }));
    expect(second.steps[0]?.outcome).toBe('skipped');
    expect(second.steps[0]?.detail).toMatch(/already in sequence nurture/);
    expect(h.mailer.sent).toHaveLength(1);
  });
});

describe('send limits', () => {
  it('sends up to the rate, defers the rest spread over the following minutes, and sends each once', async () => {
    const h = harness(table, nurture({ sendLimits: { perMinute: 2, perRepPerDay: 100 } }), {
      start: '2026-03-04T08:00:05.000Z',
    });
    const leads = Array.from({ length: 5 }, () => lead(fresh('L'), `${fresh('p')}@example.cn`));
    for (const l of leads) {
      h.records.put('lead', l);
      await h.runner.onEvent(
        event('lead.created', l, { eventId: fresh('evt'), occurredAt: '2026-03-04T08:00:00.000Z' }),
      );
    }
    expect(h.mailer.sent).toHaveLength(2);
    const deferred = [...h.scheduler.scheduled.values()]
      .filter((s) => s.at < '2026-03-05')
      .map((s) => s.at)
      .sort();
    // Tickets 1-3 of this minute: the next minute at +0 s and +30 s, then the minute after.
    expect(deferred).toEqual([
      '2026-03-04T08:01:00.000Z',
      '2026-03-04T08:01:30.000Z',
      '2026-03-04T08:02:00.000Z',
    ]);
    await h.fireDue(new Date('2026-03-04T08:02:00.000Z'));
    expect(h.mailer.sent).toHaveLength(5);
    expect(new Set(h.mailer.sent.map((m) => m.to[0])).size).toBe(5);
  });

  it("defers past a rep's daily cap to the next business day's window opening", async () => {
    const h = harness(table, nurture({ sendLimits: { perMinute: 100, perRepPerDay: 1 } }), {
      start: '2026-03-05T08:00:05.000Z',
    });
    for (const l of [lead(fresh('L'), 'a1@example.cn'), lead(fresh('L'), 'a2@example.cn')]) {
      h.records.put('lead', l);
      await h.runner.onEvent(
        event('lead.created', l, { eventId: fresh('evt'), occurredAt: '2026-03-05T08:00:00.000Z' }),
      );
    }
    expect(h.mailer.sent).toHaveLength(1);
    const ats = [...h.scheduler.scheduled.values()].map((s) => s.at).sort();
    expect(ats[0]).toBe('2026-03-06T01:00:00.000Z'); // Friday 09:00 Shanghai, the next business day
  });

  it('counts DynamoDB writes per contact email: reservation, claim, done; the enrolment without a claim', async () => {
    const h = harness(
      table,
      nurture({
        sequences: [
          {
            id: 'nurture',
            version: 1,
            name: 'N',
            steps: [{ type: 'send_email', template: 'hello', recipient: { to: 'contact' } }],
          },
        ],
      }),
    );
    const l = lead(fresh('L'), 'count.me@example.cn');
    h.records.put('lead', l);
    const e = event('lead.created', l, { eventId: fresh('evt') });
    h.writes.reset();
    await h.runner.onEvent(e);
    expect(h.mailer.sent).toHaveLength(1);
    // The enrolment item and its ledger record (no claim: the enrolment's put is idempotent by its key), the
    // workflow step settled, then the email: reservation + claim + done.
    expect(h.writes.byCommand).toEqual({ PutItemCommand: 4, UpdateItemCommand: 2 });
  });
});

describe('failures', () => {
  it('fails one step visibly (recorded, raised after the others ran) and performs the rest', async () => {
    const config = nurture({
      workflows: [
        {
          id: 'two',
          version: 1,
          name: 'Two',
          trigger: { event: 'deal.won', conditions: [] },
          actions: [
            { type: 'send_email', template: 'hello', recipient: { to: 'owner' } },
            { type: 'send_email', template: 'heads-up', recipient: { to: 'manager' } },
          ],
        },
      ],
      sequences: [],
    });
    const h = harness(table, config);
    // A template lost after validation (a bad deploy): the owner's email fails, the manager's still goes.
    const wf = (
      h.runner as unknown as { deps: { workflows: { config: { templates: Record<string, unknown> } } } }
    ).deps.workflows;
    delete wf.config.templates.hello;
    const won = deal({ id: fresh('D'), status: 'won' });
    h.records.put('deal', won);
    const e = event('deal.won', won, { eventId: fresh('evt') });
    const failure = await h.runner.onEvent(e).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StepFailedError);
    expect((failure as StepFailedError).failed.map((f) => f.step)).toEqual(['actions[0]']);
    expect(h.mailer.sent.map((m) => m.to)).toEqual([['han.mei@demo.quotaflow.dev']]);
    const key = (failure as StepFailedError).failed[0]?.key ?? '';
    expect((await h.ledger.state(key))?.result).toBe('failed: template hello is not in the config');
    // Lambda's retries fail the same way (so the event ends in the DLQ) and send nothing more.
    await expect(h.runner.onEvent(e)).rejects.toBeInstanceOf(StepFailedError);
    expect(h.mailer.sent).toHaveLength(1);
  });
});

describe('steps planned again when they fall due', () => {
  const dated = nurture({
    templates: {
      soon: {
        locales: { en: { subject: 'Closing soon: {{record.name}}', text: 'Closes {{record.closeDate}}.' } },
      },
    },
    workflows: [
      {
        id: 'closing-soon',
        version: 1,
        name: 'Closing soon',
        trigger: { event: 'deal.created', conditions: [] },
        actions: [
          { type: 'wait', until: { field: 'closeDate', offsetDays: -3, time: '09:30' } },
          { type: 'send_email', template: 'soon', recipient: { to: 'owner' } },
        ],
      },
    ],
    sequences: [],
  });

  it('follows a moved close date: the reminder is rescheduled, then sent once at the new time', async () => {
    const h = harness(table, dated);
    const d = deal({ id: fresh('D'), closeDate: '2026-03-20' });
    h.records.put('deal', d);
    await h.runner.onEvent(event('deal.created', d, { eventId: fresh('evt') }));
    expect([...h.scheduler.scheduled.values()].map((s) => s.at)).toEqual(['2026-03-17T01:30:00.000Z']);
    h.records.put('deal', { ...d, closeDate: '2026-03-31', modifiedAt: '2026-03-10T00:00:00.000Z' });
    const [moved] = await h.fireDue(new Date('2026-03-17T01:30:00.000Z'));
    expect(moved).toMatchObject({ outcome: 'rescheduled', detail: 'now due 2026-03-28T01:30:00.000Z' });
    expect(h.mailer.sent).toHaveLength(0);
    const [sent] = await h.fireDue(new Date('2026-03-28T01:30:00.000Z'));
    expect(sent?.outcome).toBe('performed');
    expect(h.mailer.sent.map((m) => m.text)).toEqual([expect.stringContaining('2026-03-31')]);
  });

  it('waits out a debounce window again when the record changed during it', async () => {
    const config = nurture({
      templates: { hi: { locales: { en: { subject: 'New lead {{record.name}}', text: 'x' } } } },
      workflows: [
        {
          id: 'settled',
          version: 1,
          name: 'Settled lead',
          debounceSeconds: 120,
          trigger: { event: 'lead.created', conditions: [] },
          actions: [{ type: 'send_email', template: 'hi', recipient: { to: 'owner' } }],
        },
      ],
      sequences: [],
    });
    const h = harness(table, config);
    const l = lead(fresh('L'), 'new.lead@example.cn');
    h.records.put('lead', l);
    const run = await h.runner.onEvent(event('lead.created', l, { eventId: fresh('evt') }));
    expect(run.steps).toEqual([
      expect.objectContaining({ outcome: 'scheduled', detail: 'due 2026-03-02T08:02:00.000Z' }),
    ]);
    // Edited a minute later: the gate opens two minutes after that edit instead.
    h.records.put('lead', { ...l, name: '王芳（已更正）', modifiedAt: '2026-03-02T08:01:00.000Z' });
    const [held] = await h.fireDue(new Date('2026-03-02T08:02:00.000Z'));
    expect(held).toMatchObject({ outcome: 'rescheduled' });
    const [sent] = await h.fireDue(new Date('2026-03-02T08:03:00.000Z'));
    expect(sent?.outcome).toBe('performed');
    expect(h.mailer.sent.map((m) => m.subject)).toEqual(['New lead 王芳（已更正）']);
  });
});

describe('a provider that is down', () => {
  it('holds up only its own step: the others are performed, the error is raised after them, a retry sends the rest once', async () => {
    const h = harness(table, DEMO);
    const won = deal({ id: fresh('D'), status: 'won', stage: 'Closed Won' });
    h.records.put('deal', won);
    const e = event('deal.won', won, { eventId: fresh('evt') });
    h.mailer.failNext(1); // SES refuses the congratulation
    await expect(h.runner.onEvent(e)).rejects.toThrow(/mail provider unavailable/);
    expect(h.mailer.sent).toHaveLength(0);
    expect(h.chats).toHaveLength(1); // the team still heard, and the check-in is scheduled
    expect(h.scheduler.scheduled.size).toBe(1);
    await h.runner.onEvent(e); // the platform's retry
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.chats).toHaveLength(1);
    expect(h.scheduler.scheduled.size).toBe(1);
  });
});
