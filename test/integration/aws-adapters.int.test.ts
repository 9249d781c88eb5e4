/**
 * The production AWS adapters, through the real SDK v3 clients, against the local stand-ins (the project's own
 * EventBridge / Scheduler / Secrets Manager server and aws-ses-v2-local), exactly as the local runtime wires them.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  GetScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { domainEvents } from '../../events';
import { type BusEvent, LocalEventBus } from '../../infra/local/aws/event-bus';
import { startAwsStandIns } from '../../infra/local/aws/router';
import { LocalScheduler } from '../../infra/local/aws/scheduler';
import { LocalSecretsManager } from '../../infra/local/aws/secrets-manager';
import type { DeadLetters } from '../../infra/local/dead-letters';
import { AsyncPool, InFlight } from '../../infra/local/delivery';
import { LocalMail } from '../../infra/local/mail';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge';
import { EventBridgeScheduler } from '../../shared/adapters/aws/scheduler';
import { SecretsManagerSecrets } from '../../shared/adapters/aws/secrets-manager';
import { encodeDisplayName, SesMailer } from '../../shared/adapters/aws/ses';
import type { BusEntry, OutgoingEmail } from '../../shared/ports';
import {
  eventBridgeClientFor,
  schedulerClientFor,
  secretsClientFor,
  sesClientFor,
  TestClock,
} from '../support/local-aws';

const BUS = 'quotaflow-acme';
const GROUP = 'quotaflow-acme';
const FN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:quotaflow-acme-';
const STEP_ARN = `${FN_PREFIX}scheduled-step`;
const ROLE_ARN = 'arn:aws:iam::000000000000:role/quotaflow-acme-scheduler';

interface Invocation {
  target: string;
  payload: unknown;
  /** The runtime clock as the target saw it. */
  at: string;
}

const clock = new TestClock('2026-03-02T01:00:00.000Z');
const inFlight = new InFlight();
// These tests read no dead letters: a sink is enough.
const dlq: DeadLetters = { push: () => {} };
const invocations: Invocation[] = [];
const invoke = async (target: string, payload: unknown) => {
  invocations.push({ target, payload, at: clock.now().toISOString() });
};
const noLog = () => undefined;
const retry = { maxAttempts: 1, backoffMs: 1 };

const bus = new LocalEventBus(BUS, {
  invoke,
  now: clock.now,
  dlq,
  inFlight,
  pool: new AsyncPool(4),
  retry,
  log: noLog,
});
const scheduler = new LocalScheduler({
  // The tenant's zone is not UTC, so a one-time schedule that fires at the right instant proves the adapter's
  // at() expression and the stand-in agree on the zone.
  timeZone: 'Asia/Shanghai',
  groupName: GROUP,
  functionForArn: (arn) => (arn.startsWith(FN_PREFIX) ? arn.slice(FN_PREFIX.length) : undefined),
  invoke,
  clock,
  settled: () => inFlight.idle(),
  dlq,
  retry,
  log: noLog,
});
const secrets = new LocalSecretsManager();

let standIns: { server: Server; endpoint: string };
let mail: LocalMail;
let eb: EventBridgeClient;
let sched: SchedulerClient;
let ses: SESv2Client;
let sm: SecretsManagerClient;
/** Entries per PutEvents call, as the SDK client sent them. */
let putEventsCalls: number[] = [];

beforeAll(async () => {
  bus.addRule({ name: 'won-deal', pattern: domainEvents.dealWon.pattern(), target: 'won-deal-recognition' });
  bus.addRule({ name: 'lost-deal', pattern: domainEvents.dealLost.pattern(), target: 'lost-deal' });
  bus.addRule({
    name: 'globex-won',
    pattern: domainEvents.dealWon.pattern({ tenantId: ['globex'] }),
    target: 'globex-only',
  });
  standIns = await startAwsStandIns({ bus, scheduler, secrets });
  mail = await LocalMail.start();
  eb = eventBridgeClientFor(standIns.endpoint);
  eb.middlewareStack.add(
    (next) => async (args) => {
      putEventsCalls.push((args.input as { Entries?: unknown[] }).Entries?.length ?? 0);
      return next(args);
    },
    { step: 'initialize', name: 'recordPutEventsSize' },
  );
  sched = schedulerClientFor(standIns.endpoint);
  ses = sesClientFor(mail.endpoint);
  sm = secretsClientFor(standIns.endpoint);
});

afterAll(async () => {
  for (const c of [eb, sched, ses, sm]) c?.destroy();
  await inFlight.idle();
  if (standIns) {
    await new Promise<void>((r) => {
      standIns.server.close(() => r());
      standIns.server.closeAllConnections();
    });
  }
  await mail?.stop();
});

beforeEach(() => {
  invocations.length = 0;
  putEventsCalls = [];
});

const wonEntry = (tenantId: string, n = 0): BusEntry => ({
  source: domainEvents.dealWon.source,
  detailType: domainEvents.dealWon.detailType,
  detail: { version: 1, eventId: `evt-${n}`, tenantId, recordId: `D-${n}`, n, correlationId: `corr-${n}` },
});

describe('EventBridgeBus -> local bus', () => {
  it('delivers to the rule whose pattern matches, and to no other', async () => {
    const adapter = new EventBridgeBus(eb, BUS);
    const entry = wonEntry('acme', 1);

    await adapter.publish([entry]);
    await inFlight.idle();

    expect(invocations.map((i) => i.target)).toEqual(['won-deal-recognition']);
    const event = invocations[0]?.payload as BusEvent;
    expect(event).toMatchObject({
      source: 'quotaflow.sync',
      'detail-type': 'deal.won',
      detail: entry.detail,
      account: '000000000000',
    });
    expect(event.time).toBe('2026-03-02T01:00:00Z');
    expect(putEventsCalls).toEqual([1]);
  });

  it('a pattern narrowed on detail delivers only the events it names', async () => {
    const adapter = new EventBridgeBus(eb, BUS);
    await adapter.publish([wonEntry('globex', 2)]);
    await inFlight.idle();
    expect(invocations.map((i) => i.target).sort()).toEqual(['globex-only', 'won-deal-recognition']);
  });

  it('publishing nothing makes no call', async () => {
    await new EventBridgeBus(eb, BUS).publish([]);
    expect(putEventsCalls).toEqual([]);
  });

  it('an entry for a bus that does not exist makes publish throw, naming the failure, after retries', async () => {
    const published = bus.published;
    const adapter = new EventBridgeBus(eb, 'quotaflow-someone-else');

    await expect(adapter.publish([wonEntry('acme', 3)])).rejects.toThrow(
      /EventBridge rejected 1 of 1 entries: InvalidArgument event bus quotaflow-someone-else does not exist/,
    );
    expect(putEventsCalls).toEqual([1, 1, 1]);
    expect(bus.published).toBe(published);
    await inFlight.idle();
    expect(invocations).toEqual([]);
  });

  it('splits more than ten entries into batches of at most ten, delivering each once', async () => {
    const adapter = new EventBridgeBus(eb, BUS);
    const entries = Array.from({ length: 23 }, (_, i) => wonEntry('acme', 100 + i));

    await adapter.publish(entries);
    await inFlight.idle();

    expect(putEventsCalls).toEqual([10, 10, 3]);
    const delivered = invocations
      .filter((i) => i.target === 'won-deal-recognition')
      .map((i) => (i.payload as BusEvent & { detail: { n: number } }).detail.n);
    expect(delivered.sort((a, b) => a - b)).toEqual(entries.map((e) => e.detail.n));
  });

  it('resends only the entries that failed, so the accepted ones are delivered once', async () => {
    const adapter = new EventBridgeBus(eb, BUS);
    const good = [0, 1, 2, 3].map((i) => wonEntry('acme', 200 + i));
    const tooBig = { ...wonEntry('acme', 299), detail: { blob: 'x'.repeat(300 * 1024) } };

    await expect(adapter.publish([good[0], tooBig, ...good.slice(1)] as BusEntry[])).rejects.toThrow(
      /EventBridge rejected 1 of 5 entries: InvalidArgument entry exceeds 256 KB/,
    );
    await inFlight.idle();

    expect(putEventsCalls).toEqual([5, 1, 1]);
    const delivered = invocations.map((i) => (i.payload as { detail: { n?: number } }).detail.n);
    expect(delivered.sort()).toEqual([200, 201, 202, 203]);
  });
});

describe('EventBridgeScheduler -> local scheduler', () => {
  const adapter = () =>
    new EventBridgeScheduler(sched, { groupName: GROUP, targetArn: STEP_ARN, roleArn: ROLE_ARN });
  const oneDayLater = () => new Date(clock.now().getTime() + 86_400_000).toISOString();

  it('creates a one-time at() schedule, visible in the snapshot and through GetSchedule', async () => {
    const at = oneDayLater();
    const name = 'won-deal-check-in-create';

    expect(
      await adapter().scheduleOnce({ name, at, payload: { step: 'won-deal-check-in', days: 1 } }),
    ).toEqual({
      created: true,
    });

    expect(scheduler.snapshot().oneTime).toContainEqual({ name, at });
    const described = await sched.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));
    expect(described.ScheduleExpression).toBe(`at(${at.slice(0, 19)})`);
    expect(described.ScheduleExpressionTimezone).toBe('UTC');
    expect(described.Target?.Arn).toBe(STEP_ARN);
    expect(JSON.parse(described.Target?.Input ?? '{}')).toEqual({ step: 'won-deal-check-in', days: 1 });
    await adapter().cancel(name);
  });

  it('a second identical call is not created again', async () => {
    const s = { name: 'won-deal-check-in-twice', at: oneDayLater(), payload: { n: 1 } };
    expect(await adapter().scheduleOnce(s)).toEqual({ created: true });
    expect(await adapter().scheduleOnce(s)).toEqual({ created: false });
    expect(scheduler.snapshot().oneTime.filter((o) => o.name === s.name)).toHaveLength(1);
    await adapter().cancel(s.name);
  });

  it('cancel removes a schedule; cancelling a missing one does not throw', async () => {
    const s = { name: 'won-deal-check-in-cancel', at: oneDayLater(), payload: {} };
    await adapter().scheduleOnce(s);

    await adapter().cancel(s.name);

    expect(scheduler.snapshot().oneTime.map((o) => o.name)).not.toContain(s.name);
    await expect(adapter().cancel(s.name)).resolves.toBeUndefined();
    await expect(adapter().cancel('never-existed')).resolves.toBeUndefined();
  });

  it('a schedule whose target is not a function of this tenant is refused', async () => {
    const wrong = new EventBridgeScheduler(sched, {
      groupName: GROUP,
      targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:someone-else',
      roleArn: ROLE_ARN,
    });
    await expect(
      wrong.scheduleOnce({ name: 'wrong-target', at: oneDayLater(), payload: {} }),
    ).rejects.toThrow(/not a function of this tenant/);
  });

  it('advanceTo fires a due one-time schedule at its instant, with its input, and deletes it', async () => {
    const at = new Date(clock.now().getTime() + 3 * 86_400_000 + 17 * 60_000).toISOString();
    const name = 'won-deal-check-in-fires';
    const payload = { step: 'won-deal-check-in', recordId: 'D-9', days: 3 };
    await adapter().scheduleOnce({ name, at, payload });

    // Not yet due: nothing fires.
    expect(await scheduler.advanceTo(new Date(Date.parse(at) - 1000))).toEqual([]);
    expect(invocations).toEqual([]);

    const fired = await scheduler.advanceTo(new Date(Date.parse(at) + 3_600_000));

    expect(fired).toEqual([{ name, count: 1, first: at, last: at }]);
    expect(invocations).toEqual([{ target: 'scheduled-step', payload, at }]);
    expect(clock.now().toISOString()).toBe(new Date(Date.parse(at) + 3_600_000).toISOString());
    expect(scheduler.snapshot().oneTime.map((o) => o.name)).not.toContain(name);
    await expect(sched.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    // It fired once: moving on fires nothing more.
    expect(await scheduler.advanceTo(new Date(Date.parse(at) + 7_200_000))).toEqual([]);
    expect(invocations).toHaveLength(1);
  });
});

describe('SesMailer -> aws-ses-v2-local', () => {
  const email = (over: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
    kind: 'workflow',
    from: 'Acme Sales <sales@acme.example>',
    to: ['li.lei@acme.example'],
    cc: ['manager@acme.example'],
    replyTo: ['sales-ops@acme.example'],
    subject: '恭喜赢单：Acme renewal（¥128,000.00）',
    html: '<p>恭喜 <b>Li Lei</b></p>',
    text: '恭喜 Li Lei',
    headers: { 'X-Quotaflow-Tenant': 'acme', 'X-Quotaflow-Correlation-Id': 'corr-mail-1' },
    ...over,
  });
  const mailer = () => new SesMailer(ses, 'quotaflow-acme');

  beforeEach(() => mail.clear());

  it('sends what the port was given: addresses, subject, both bodies and the X-Quotaflow headers', async () => {
    const { messageId } = await mailer().send(email());

    const [captured, ...rest] = await mail.list();
    expect(rest).toEqual([]);
    expect(captured).toMatchObject({
      id: messageId,
      from: 'Acme Sales <sales@acme.example>',
      to: ['li.lei@acme.example'],
      cc: ['manager@acme.example'],
      subject: '恭喜赢单：Acme renewal（¥128,000.00）',
      html: '<p>恭喜 <b>Li Lei</b></p>',
      text: '恭喜 Li Lei',
    });
    expect(captured?.headers['x-quotaflow-tenant']).toBe('acme');
    expect(captured?.headers['x-quotaflow-correlation-id']).toBe('corr-mail-1');
    expect(captured?.headers['x-quotaflow-kind']).toBe('workflow');
  });

  it('sends a non-ASCII display name RFC 2047-encoded, as SES requires; a mail client shows it as written', async () => {
    const from = '"王芳 via Demo Trading Co. (演示贸易公司)" <quotaflow@demo.quotaflow.dev>';
    expect(encodeDisplayName(from)).toMatch(
      /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <quotaflow@demo\.quotaflow\.dev>$/,
    );
    expect(encodeDisplayName('Acme Sales <sales@acme.example>')).toBe('Acme Sales <sales@acme.example>');
    await mailer().send(email({ from, kind: 'statement' }));
    const [captured] = await mail.list();
    expect(captured?.from).toBe('王芳 via Demo Trading Co. (演示贸易公司) <quotaflow@demo.quotaflow.dev>');
    expect(captured?.headers['x-quotaflow-kind']).toBe('statement');
  });

  it('the captured .eml is real MIME: multipart/alternative with text and HTML parts', async () => {
    const { messageId } = await mailer().send(email());

    const eml = await mail.eml(messageId);
    if (!eml) throw new Error('no .eml for the sent message');
    expect(eml).toMatch(/^MIME-Version: 1\.0$/im);
    expect(eml).toMatch(/^Content-Type: multipart\/alternative;/im);
    expect(eml).toMatch(/^X-Quotaflow-Tenant: acme$/im);
    const parsed = await simpleParser(eml);
    expect(parsed.subject).toBe('恭喜赢单：Acme renewal（¥128,000.00）');
    expect(parsed.text?.trim()).toBe('恭喜 Li Lei');
    expect(parsed.html).toContain('<b>Li Lei</b>');
    expect(parsed.replyTo?.text).toBe('sales-ops@acme.example');
  });

  it('a header value with CR/LF is rejected before anything is sent', async () => {
    await expect(
      mailer().send(email({ headers: { 'X-Quotaflow-Tenant': 'acme\r\nBcc: attacker@example.com' } })),
    ).rejects.toThrow('invalid email header "X-Quotaflow-Tenant"');
    await expect(mailer().send(email({ headers: { 'X-Quotaflow-Note': 'a\nb' } }))).rejects.toThrow(
      /invalid email header/,
    );
    expect(mail.count()).toBe(0);
  });

  it('a header name that is not a field name is rejected', async () => {
    await expect(mailer().send(email({ headers: { 'X-Bad: injected': 'v' } }))).rejects.toThrow(
      /invalid email header/,
    );
    expect(mail.count()).toBe(0);
  });

  it('a subject with a newline is rejected before anything is sent', async () => {
    await expect(mailer().send(email({ subject: 'Deal won\nBcc: attacker@example.com' }))).rejects.toThrow(
      'email subject contains a line break',
    );
    await expect(mailer().send(email({ subject: 'Deal won\r' }))).rejects.toThrow(/line break/);
    expect(mail.count()).toBe(0);
  });
});

describe('SecretsManagerSecrets -> local Secrets Manager', () => {
  const b64 = () => randomBytes(32).toString('base64');
  let nowMs = Date.parse('2026-03-02T01:00:00.000Z');
  const now = () => nowMs;

  it('reads and validates the bundle', async () => {
    const signing = `whsec_${b64()}`;
    const previous = b64();
    secrets.put(
      'quotaflow/acme/read',
      JSON.stringify({ genericWebhookSigningSecret: signing, genericWebhookPreviousSecret: previous }),
    );
    const adapter = new SecretsManagerSecrets(sm, 'quotaflow/acme/read', now);
    expect(await adapter.tenantSecrets()).toEqual({
      genericWebhookSigningSecret: signing,
      genericWebhookPreviousSecret: previous,
    });
  });

  it('caches the bundle for a few minutes, then picks up a rotation', async () => {
    const id = 'quotaflow/acme/cache';
    const first = `whsec_${b64()}`;
    const rotated = `whsec_${b64()}`;
    secrets.put(id, JSON.stringify({ genericWebhookSigningSecret: first }));
    const adapter = new SecretsManagerSecrets(sm, id, now);
    expect((await adapter.tenantSecrets()).genericWebhookSigningSecret).toBe(first);

    secrets.put(id, JSON.stringify({ genericWebhookSigningSecret: rotated }));
    nowMs += 60_000;
    expect((await adapter.tenantSecrets()).genericWebhookSigningSecret).toBe(first);

    nowMs += 5 * 60_000;
    expect((await adapter.tenantSecrets()).genericWebhookSigningSecret).toBe(rotated);
  });

  it("an invalid bundle's error names the field and never contains the value", async () => {
    const id = 'quotaflow/acme/invalid';
    const leaked = 'hunter2-correct-horse-battery';
    secrets.put(
      id,
      JSON.stringify({ genericWebhookSigningSecret: leaked, genericWebhookPreviousSecret: `${leaked}!` }),
    );
    const err = await new SecretsManagerSecrets(sm, id, now).tenantSecrets().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toContain(id);
    expect(err?.message).toContain('genericWebhookSigningSecret');
    expect(err?.message).toContain('genericWebhookPreviousSecret');
    expect(err?.message).not.toContain('hunter2');
    expect(JSON.stringify(err)).not.toContain('hunter2');
  });

  it('a missing field is named too', async () => {
    secrets.put('quotaflow/acme/empty', JSON.stringify({}));
    await expect(new SecretsManagerSecrets(sm, 'quotaflow/acme/empty', now).tenantSecrets()).rejects.toThrow(
      /check: genericWebhookSigningSecret/,
    );
  });

  // JSON.parse quotes the start of its input in its error message; the adapter must not pass that on.
  it('a bundle that is not JSON fails without putting the value in the error', async () => {
    const id = 'quotaflow/acme/not-json';
    secrets.put(id, 'hunter2-correct-horse-battery');
    const err = await new SecretsManagerSecrets(sm, id, now).tenantSecrets().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).not.toContain('hunter2');
  });

  it('a missing secret surfaces as an error', async () => {
    await expect(
      new SecretsManagerSecrets(sm, 'quotaflow/acme/absent', now).tenantSecrets(),
    ).rejects.toSatisfy((e: unknown) => e instanceof Error && e.name === 'ResourceNotFoundException');
  });
});
