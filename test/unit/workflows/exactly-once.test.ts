/**
 * Exactly-once, on the in-memory ports (test/support/memory-ports.ts, held to the DynamoDB contract by
 * test/integration/workflows/ports-contract.int.test.ts): the won-deal workflow of the demo config under duplicate
 * deliveries, a process that dies between its claim and "done", two invocations at once, and a step that fails for
 * good. A second "process" is a second runner over the same stores.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EFFECT_LEASE_MS } from '../../../shared/effects/protocol';
import { recoverPendingEffects } from '../../../shared/effects/recovery';
import { RetryLaterError } from '../../../shared/errors';
import type { MailerPort, OutgoingEmail } from '../../../shared/ports';
import { resolveCountryCalendars } from '../../../shared/workflows/country-holidays';
import { StepFailedError } from '../../../shared/workflows/runner';
import { deferred } from '../../support/local-aws';
import { memoryHarness, memoryStores } from '../../support/workflow-harness';
import { config, DEMO_FILE, deal, event, workflow } from './fixtures';

const DEMO = resolveCountryCalendars(JSON.parse(readFileSync(DEMO_FILE, 'utf8')), 2026);
const START = '2026-03-02T08:00:05.000Z';

/** A mail provider that takes the message and then never answers: the process dies mid-send. */
const dyingMailer = () => {
  const called = deferred();
  const mailer: MailerPort = {
    send: () => {
      called.resolve();
      return new Promise<{ messageId: string }>(() => undefined);
    },
  };
  return { mailer, called: called.promise };
};

/** A mail provider whose sends wait until `open()`; `started` resolves at the first send. */
const heldMailer = () => {
  const started = deferred();
  const gate = deferred();
  const sent: OutgoingEmail[] = [];
  const mailer: MailerPort = {
    send: async (email) => {
      started.resolve();
      await gate.promise;
      sent.push(email);
      return { messageId: `held-${sent.length}` };
    },
  };
  return { mailer, sent, started: started.promise, open: () => gate.resolve() };
};

const wonDeal = () => deal({ id: 'D-2001', status: 'won', stage: 'Closed Won' });

describe('exactly once on the in-memory ports', () => {
  it('sends once when the event is delivered three times and the check-in schedule fires twice', async () => {
    const h = memoryHarness(DEMO, { start: START });
    const won = wonDeal();
    h.records.put('deal', won);
    const e = event('deal.won', won);
    const first = await h.runner.onEvent(e);
    const again = await h.runner.onEvent(e);
    await h.runner.onEvent(e);

    expect(first.steps.map((s) => s.outcome)).toEqual(['performed', 'performed', 'performed', 'scheduled']);
    expect(again.steps.map((s) => s.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.chats).toHaveLength(1);
    expect(h.activities).toHaveLength(1);
    const [check] = [...h.scheduler.scheduled.values()];
    if (!check) throw new Error('no check-in scheduled');
    h.clock.advance(new Date(check.at));
    expect((await h.runner.onStep(check.payload as never)).outcome).toBe('performed');
    expect((await h.runner.onStep(check.payload as never)).outcome).toBe('duplicate');
    expect(h.mailer.sent).toHaveLength(2);
  });

  it('recovers a crash between claim and done once: the retry waits out the lease, then takes it over', async () => {
    const stores = memoryStores();
    const won = wonDeal();
    const dead = dyingMailer();
    const a = memoryHarness(DEMO, { start: START, stores, mailer: dead.mailer });
    a.records.put('deal', won);
    const e = event('deal.won', won);
    void a.runner.onEvent(e);
    await dead.called;

    // The platform's retry while the dead invocation's lease still runs: nothing is sent, the retry is asked for.
    const early = memoryHarness(DEMO, { start: START, stores });
    early.records.put('deal', won);
    await expect(early.runner.onEvent(e)).rejects.toBeInstanceOf(RetryLaterError);
    expect(early.mailer.sent).toEqual([]);

    // After the lease: the next delivery takes the claim over and sends once; later ones are duplicates.
    const later = new Date(Date.parse(START) + EFFECT_LEASE_MS + 1).toISOString();
    const b = memoryHarness(DEMO, { start: later, stores });
    b.records.put('deal', won);
    const run = await b.runner.onEvent(e);
    expect(run.steps[0]).toMatchObject({ outcome: 'performed', kind: 'email' });
    await b.runner.onEvent(e);
    expect(b.mailer.sent).toHaveLength(1);
    expect(b.mailer.sent[0]?.to).toEqual(['li.lei@demo.quotaflow.dev']);
    expect(await b.ledger.state(run.steps[0]?.key ?? '')).toMatchObject({ status: 'done', attempts: 2 });
    expect(early.chats.length + b.chats.length).toBe(1);
  });

  it('takes over an expired lease in the recovery sweep, once, with no event redelivered', async () => {
    const stores = memoryStores();
    const won = wonDeal();
    const dead = dyingMailer();
    const a = memoryHarness(DEMO, { start: START, stores, mailer: dead.mailer });
    a.records.put('deal', won);
    void a.runner.onEvent(event('deal.won', won));
    await dead.called;

    const later = new Date(Date.parse(START) + EFFECT_LEASE_MS + 1).toISOString();
    const sweeper = memoryHarness(DEMO, { start: later, stores });
    expect(await recoverPendingEffects(sweeper.ledger)).toEqual({ found: 1, recovered: 1, failed: 0 });
    expect(await recoverPendingEffects(sweeper.ledger)).toEqual({ found: 0, recovered: 0, failed: 0 });
    expect(sweeper.mailer.sent).toHaveLength(1);
    expect(sweeper.mailer.sent[0]?.to).toEqual(['li.lei@demo.quotaflow.dev']);
  });

  it('sends once when two invocations handle the same event at the same time', async () => {
    const stores = memoryStores();
    const won = wonDeal();
    const held = heldMailer();
    const a = memoryHarness(DEMO, { start: START, stores, mailer: held.mailer });
    const b = memoryHarness(DEMO, { start: START, stores });
    for (const h of [a, b]) h.records.put('deal', won);
    const e = event('deal.won', won);
    const first = a.runner.onEvent(e);
    await held.started;
    // The second finds the email claimed and in flight: it does the other steps and asks to be retried.
    await expect(b.runner.onEvent(e)).rejects.toBeInstanceOf(RetryLaterError);
    held.open();
    const run = await first;
    expect(run.steps.map((s) => s.outcome)).toEqual(['performed', 'duplicate', 'duplicate', 'duplicate']);
    // The platform's retry of the second: everything is a duplicate now.
    const retry = await b.runner.onEvent(e);
    expect(retry.steps.every((s) => s.outcome === 'duplicate')).toBe(true);
    expect(held.sent).toHaveLength(1);
    expect(b.mailer.sent).toEqual([]);
    expect(a.chats.length + b.chats.length).toBe(1);
    expect(a.activities.length + b.activities.length).toBe(1);
    expect(a.scheduler.scheduled.size + b.scheduler.scheduled.size).toBe(1);
  });

  it('settles a step that fails for good and never tries it again, while the other step goes once', async () => {
    const h = memoryHarness(
      config({
        templates: {
          hello: { locales: { en: { subject: 'Well done', text: 'Well done on {{record.name}}' } } },
          'heads-up': { locales: { en: { subject: 'Deal won', text: '{{record.name}} is won' } } },
        },
        workflows: [
          workflow({
            actions: [
              { type: 'send_email', template: 'hello', recipient: { to: 'owner' } },
              { type: 'send_email', template: 'heads-up', recipient: { to: 'manager' } },
            ],
          }),
        ],
      }),
      { start: START },
    );
    // A template lost after validation (a bad deploy): that step cannot be performed, ever.
    const wf = (
      h.runner as unknown as { deps: { workflows: { config: { templates: Record<string, unknown> } } } }
    ).deps.workflows;
    delete wf.config.templates.hello;
    const won = wonDeal();
    h.records.put('deal', won);
    const e = event('deal.won', won);
    const failure = await h.runner.onEvent(e).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StepFailedError);
    const key = (failure as StepFailedError).failed[0]?.key ?? '';
    const settled = { status: 'done', result: 'failed: template hello is not in the config', attempts: 0 };
    expect(await h.ledger.state(key)).toMatchObject(settled);
    await expect(h.runner.onEvent(e)).rejects.toBeInstanceOf(StepFailedError);
    await expect(h.runner.onEvent(e)).rejects.toBeInstanceOf(StepFailedError);
    expect(await h.ledger.state(key)).toMatchObject(settled);
    expect(h.mailer.calls).toBe(1);
    expect(h.mailer.sent.map((m) => m.to)).toEqual([['han.mei@demo.quotaflow.dev']]);
  });
});
