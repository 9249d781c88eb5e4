/**
 * The runner's effects that need no claim because their provider is idempotent by the key (a step's one-time
 * schedule, named after the step key; an enrolment, put under its key), through crashes between the call and the
 * ledger's record, on the in-memory ports. A second "process" is a second runner over the same stores.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EFFECT_LEASE_MS } from '../../../shared/effects/protocol';
import { recoverPendingEffects } from '../../../shared/effects/recovery';
import { resolveCountryCalendars } from '../../../shared/workflows/country-holidays';
import { scheduleLedgerKey } from '../../../shared/workflows/explain-report';
import { deferred } from '../../support/local-aws';
import { memoryHarness, memoryStores } from '../../support/workflow-harness';
import { config, DEMO_FILE, deal, event, workflow } from './fixtures';

const DEMO = resolveCountryCalendars(JSON.parse(readFileSync(DEMO_FILE, 'utf8')), 2026);
const START = '2026-03-02T08:00:05.000Z';
const AFTER_LEASE = new Date(Date.parse(START) + EFFECT_LEASE_MS + 1).toISOString();

type Harness = ReturnType<typeof memoryHarness>;

/** Makes the harness's scheduler take the next schedule and then never answer: the process dies after the call. */
const dieAfterScheduling = (h: Harness) => {
  const called = deferred();
  const take = h.scheduler.scheduleOnce.bind(h.scheduler);
  h.scheduler.scheduleOnce = async (s) => {
    await take(s);
    called.resolve();
    return new Promise<{ created: boolean }>(() => undefined);
  };
  return called.promise;
};

describe('a step schedule made without a claim', () => {
  it('is recorded once after a crash between the call and the record, and the sweep has nothing to do', async () => {
    const stores = memoryStores();
    const won = deal({ id: 'D-3001', status: 'won', stage: 'Closed Won' });
    const e = event('deal.won', won);
    const a = memoryHarness(DEMO, { start: START, stores });
    a.records.put('deal', won);
    const created = dieAfterScheduling(a);
    void a.runner.onEvent(e);
    await created;
    const [check] = [...a.scheduler.scheduled.values()];
    if (!check) throw new Error('no check-in scheduled');
    const key = scheduleLedgerKey(String(check.payload.key));
    expect(await a.ledger.state(key)).toBeUndefined();

    // The sweep past every lease: the email, chat and note are done, and nothing is pending.
    const b = memoryHarness(DEMO, { start: AFTER_LEASE, stores });
    b.records.put('deal', won);
    expect(await recoverPendingEffects(b.ledger)).toEqual({ found: 0, recovered: 0, failed: 0 });

    // The event's retry reaches the same Scheduler: it has the schedule, so it is recorded and not made again.
    b.scheduler.scheduled.set(check.name, check);
    const retry = await b.runner.onEvent(e);
    expect(retry.steps.map((s) => s.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate', 'scheduled']);
    expect([...b.scheduler.scheduled.keys()]).toEqual([check.name]);
    expect(await b.ledger.state(key)).toMatchObject({ status: 'done', result: check.name, attempts: 1 });

    // Any later delivery reads the record and does not call Scheduler (a fired schedule is deleted: no second one).
    b.scheduler.scheduled.clear();
    const calls = b.scheduler.calls;
    const late = await b.runner.onEvent(e);
    expect(late.steps.every((s) => s.outcome === 'duplicate')).toBe(true);
    expect(b.scheduler.calls).toBe(calls);
    expect(a.mailer.sent.length + b.mailer.sent.length).toBe(1);
  });
});

/** A lead that enrols in a two-email sequence: the first email at once, the second a business day later. */
const NURTURE = config({
  workflows: [
    workflow({
      id: 'welcome',
      trigger: { event: 'lead.created', conditions: [{ field: 'email', op: 'exists' }] },
      actions: [{ type: 'start_sequence', sequence: 'nurture' }],
    }),
  ],
  sequences: [
    {
      id: 'nurture',
      version: 1,
      name: 'Nurture',
      stopOn: ['replied'],
      steps: [
        { type: 'send_email', template: 'hello', recipient: { to: 'contact' } },
        { type: 'wait', businessDays: 1 },
        { type: 'send_email', template: 'hello', recipient: { to: 'contact' } },
      ],
    },
  ],
});

/** Makes the shared enrolment store start the next enrolment and then never answer. */
const dieAfterEnrolling = (h: Harness) => {
  const called = deferred();
  const start = h.enrolments.start.bind(h.enrolments);
  h.enrolments.start = async (e) => {
    await start(e);
    called.resolve();
    h.enrolments.start = start;
    return new Promise<{ started: boolean }>(() => undefined);
  };
  return called.promise;
};

describe('an enrolment started without a claim', () => {
  const lead = deal({ id: 'L-3001', email: 'wang.fang@example.cn', name: '王芳', status: undefined });
  const e = event('lead.created', lead);
  const ref = { object: 'lead', recordId: lead.id, sequence: 'nurture', occurrence: 'once' };

  /** A run that dies after starting the enrolment, and the harness of the next process after every lease. */
  const crashedEnrolment = async (between: (a: Harness) => Promise<unknown> = async () => undefined) => {
    const stores = memoryStores();
    const a = memoryHarness(NURTURE, { start: START, stores });
    a.records.put('lead', lead);
    const started = dieAfterEnrolling(a);
    void a.runner.onEvent(e);
    await started;
    expect(await a.enrolments.get(ref)).toMatchObject({ status: 'active' });
    await between(a);
    const b = memoryHarness(NURTURE, { start: AFTER_LEASE, stores });
    b.records.put('lead', lead);
    return b;
  };

  it('is recorded by the retry after a crash between the start and the record, and its steps go once', async () => {
    const b = await crashedEnrolment();
    expect(await recoverPendingEffects(b.ledger)).toEqual({ found: 0, recovered: 0, failed: 0 });
    const retry = await b.runner.onEvent(e);
    expect(retry.steps.map((s) => s.outcome)).toEqual(['enrolled', 'performed', 'scheduled']);
    const again = await b.runner.onEvent(e);
    expect(again.steps.map((s) => s.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(b.mailer.sent).toHaveLength(1);
    expect(b.scheduler.scheduled.size).toBe(1);
  });

  it('does not dispatch the steps of an enrolment stopped after such a crash', async () => {
    // A reply stops it before the event is delivered again.
    const b = await crashedEnrolment(async (a) => expect(await a.enrolments.stop(ref, 'replied')).toBe(true));
    const retry = await b.runner.onEvent(e);
    expect(retry.steps).toEqual([expect.objectContaining({ kind: 'start_sequence', outcome: 'skipped' })]);
    expect(b.scheduler.scheduled.size).toBe(0);
    expect(b.mailer.sent).toEqual([]);
  });
});
