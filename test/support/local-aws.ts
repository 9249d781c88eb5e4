/**
 * Test wiring for the integration tier: the tenant table on an in-process dynalite, SDK clients pointed at local
 * stand-ins by explicit endpoint (never by process.env), and small recording fakes for the mailer and scheduler
 * ports, for tests where the provider is not what is under test.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamo } from '../../infra/local/dynamodb';
import type { Performers } from '../../shared/effects/ledger';
import type { MailerPort, OneTimeSchedule, OutgoingEmail, SchedulerPort } from '../../shared/ports';

/** What every SDK client in the tests gets: the stand-in's endpoint and the local region/credentials. */
export const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});

export interface LocalTable {
  endpoint: string;
  tableName: string;
  doc: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/**
 * A fresh dynalite with the tenant table (random name, so files never share state) and a document client;
 * `separateProcess` runs dynalite in a child process as the local runtime does (benchmarks).
 */
export const startLocalTable = async (
  prefix = 'quotaflow-test',
  opts: { separateProcess?: boolean } = {},
): Promise<LocalTable> => {
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const dynamo = await startDynamo({ tableName, ...opts });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(dynamo.endpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    endpoint: dynamo.endpoint,
    tableName,
    doc,
    stop: async () => {
      doc.destroy();
      await dynamo.stop();
    },
  };
};

/** DynamoDB operations that write (or attempt to write: a failed conditional write still costs a write). */
const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

export interface WriteCounter {
  readonly writes: number;
  readonly byCommand: Readonly<Record<string, number>>;
  reset(): void;
}

/**
 * Counts the write requests a client sends, by adding a step to its middleware stack (the requests still reach
 * dynalite unchanged: nothing is mocked). Counted once per `send`, before the SDK's own retries.
 */
export const countWrites = (doc: DynamoDBDocumentClient): WriteCounter => {
  let byCommand: Record<string, number> = {};
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      if (WRITE_COMMANDS.has(name)) byCommand[name] = (byCommand[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'quotaflowTestWriteCounter' },
  );
  return {
    get writes() {
      return Object.values(byCommand).reduce((a, b) => a + b, 0);
    },
    get byCommand() {
      return byCommand;
    },
    reset() {
      byCommand = {};
    },
  };
};

export const eventBridgeClientFor = (endpoint: string): EventBridgeClient =>
  new EventBridgeClient(localClientConfig(endpoint));

export const schedulerClientFor = (endpoint: string): SchedulerClient =>
  new SchedulerClient(localClientConfig(endpoint));

export const sesClientFor = (endpoint: string): SESv2Client => new SESv2Client(localClientConfig(endpoint));

export const secretsClientFor = (endpoint: string): SecretsManagerClient =>
  new SecretsManagerClient(localClientConfig(endpoint));

/** A mailer port that records what it was asked to send; `failNext(n)` makes the next n sends throw. */
export class RecordingMailer implements MailerPort {
  readonly sent: OutgoingEmail[] = [];
  /** Every call, including the failed ones. */
  calls = 0;
  private failures = 0;

  failNext(n = 1): void {
    this.failures = n;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('mail provider unavailable (test)');
    }
    this.sent.push(email);
    return { messageId: `test-message-${this.sent.length}` };
  }
}

/** A scheduler port with the adapter's contract: a name that exists already is "not created". */
export class RecordingScheduler implements SchedulerPort {
  readonly scheduled = new Map<string, OneTimeSchedule>();
  readonly cancelled: string[] = [];
  calls = 0;

  async scheduleOnce(schedule: OneTimeSchedule): Promise<{ created: boolean }> {
    this.calls++;
    if (this.scheduled.has(schedule.name)) return { created: false };
    this.scheduled.set(schedule.name, schedule);
    return { created: true };
  }

  async cancel(name: string): Promise<void> {
    this.cancelled.push(name);
    this.scheduled.delete(name);
  }
}

/** The ledger's performers wired to ports exactly as functions/wiring/effects.ts wires them. */
export const performersFor = (mailer: MailerPort, scheduler: SchedulerPort): Performers => ({
  email: async ({ email }) => (await mailer.send(email)).messageId,
  schedule: async ({ schedule }) => {
    await scheduler.scheduleOnce(schedule);
    return schedule.name;
  },
});

/** A promise you can resolve from outside: to hold a performer mid-flight and to know it has started. */
export const deferred = <T = void>() => {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

/** A controllable clock for code that takes `now: () => Date` or the local scheduler's `{ now, advance }`. */
export class TestClock {
  private ms: number;

  constructor(start: Date | string = '2026-03-02T01:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.ms);

  advanceBy(ms: number): void {
    this.ms += ms;
  }

  /** Forward only, like the runtime's LocalClock; unlike it, time stands still between moves. */
  advance(to: Date): void {
    this.ms = Math.max(this.ms, to.getTime());
  }
}
