/**
 * Counts what each webhook costs on AWS, on the clients: every AWS SDK v3 command any function sends goes through
 * `Client.prototype.send` (@smithy/core), which is wrapped here, and attributed to the function invocation it ran
 * in (an AsyncLocalStorage context around each local invocation). Lambda invocations are counted where the local
 * runtime invokes, with their wall time (an estimate of billed duration, nothing more).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';

export interface Tally {
  invocations: number;
  /** Sum of local wall time per invocation × its configured memory, in GB-seconds. */
  gbSeconds: number;
  /** PutEvents entries (EventBridge bills each entry of up to 64 KB as one event). */
  events: number;
  /** DynamoDB read requests: a strongly consistent read of ≤ 4 KB is one read request unit, eventual half. */
  reads: number;
  readUnits: number;
  /** DynamoDB item writes (each item of a batch counts; a transactional item counts twice in writeUnits). */
  writes: number;
  writeUnits: number;
  schedulerCalls: number;
  sesSends: number;
  secretsCalls: number;
  /** Every command by client and name, for the detail. */
  commands: Record<string, number>;
  byFunction: Record<string, number>;
  /**
   * Every command by the function that sent it and, for DynamoDB, the kind of item it names (its key's prefix):
   * "workflow-runner DynamoDBDocument.Put EFFECT". Where a webhook's writes and reads go.
   */
  byFunctionCommand: Record<string, number>;
}

export const emptyTally = (): Tally => ({
  invocations: 0,
  gbSeconds: 0,
  events: 0,
  reads: 0,
  readUnits: 0,
  writes: 0,
  writeUnits: 0,
  schedulerCalls: 0,
  sesSends: 0,
  secretsCalls: 0,
  commands: {},
  byFunction: {},
  byFunctionCommand: {},
});

type Input = Record<string, unknown>;
const count = (o: unknown) => (Array.isArray(o) ? o.length : 0);
const batchItems = (requestItems: unknown) =>
  Object.values((requestItems ?? {}) as Record<string, unknown[]>).reduce<number>((a, v) => a + count(v), 0);
const batchGetKeys = (requestItems: unknown) =>
  Object.values((requestItems ?? {}) as Record<string, { Keys?: unknown[] }>).reduce<number>(
    (a, v) => a + count(v.Keys),
    0,
  );

/** The kind of item a DynamoDB command names: its partition key's prefix (`EFFECT#…` → `EFFECT`), if it names one. */
const itemKind = (input: Input): string | undefined => {
  const key = (input.Item ?? input.Key) as { pk?: unknown } | undefined;
  return typeof key?.pk === 'string' ? key.pk.split('#')[0] : undefined;
};

/**
 * Adds one SDK command to a tally. Names are the client's and command's class names (document or low-level);
 * `fn` is the function that sent it.
 */
export const countCommand = (t: Tally, client: string, command: string, input: Input, fn = '?'): void => {
  const name = `${client.replace(/Client$/, '')}.${command.replace(/Command$/, '')}`;
  t.commands[name] = (t.commands[name] ?? 0) + 1;
  const detail = [fn, name, itemKind(input)].filter(Boolean).join(' ');
  t.byFunctionCommand[detail] = (t.byFunctionCommand[detail] ?? 0) + 1;
  const op = command.replace(/Command$/, '').replace(/Item$/, '');
  if (client.startsWith('DynamoDB')) {
    const consistent = input.ConsistentRead === true ? 1 : 0.5;
    if (op === 'Put' || op === 'Update' || op === 'Delete') {
      t.writes++;
      t.writeUnits++;
    } else if (op === 'BatchWrite') {
      const n = batchItems(input.RequestItems);
      t.writes += n;
      t.writeUnits += n;
    } else if (op === 'TransactWrite') {
      const n = count(input.TransactItems);
      t.writes += n;
      t.writeUnits += 2 * n;
    } else if (op === 'Get') {
      t.reads++;
      t.readUnits += consistent;
    } else if (op === 'BatchGet') {
      const n = batchGetKeys(input.RequestItems);
      t.reads += n;
      t.readUnits += n * 0.5;
    } else if (op === 'TransactGet') {
      const n = count(input.TransactItems);
      t.reads += n;
      t.readUnits += 2 * n;
    } else if (op === 'Query' || op === 'Scan') {
      t.reads++;
      t.readUnits += consistent;
    }
  } else if (client === 'EventBridgeClient' && op === 'PutEvents') t.events += count(input.Entries);
  else if (client === 'SchedulerClient') t.schedulerCalls++;
  else if (client === 'SESv2Client' && op === 'SendEmail') t.sesSends++;
  else if (client === 'SecretsManagerClient') t.secretsCalls++;
};

interface SmithyClient {
  send(command: { input: Input; constructor: { name: string } }, ...rest: unknown[]): Promise<unknown>;
}

/**
 * Starts counting: returns the current tally (replace it with `reset`) and `stop` to unwrap the SDK. Commands sent
 * outside any counted invocation (the runtime's own housekeeping) are left out.
 */
export const countAwsCalls = () => {
  const context = new AsyncLocalStorage<string>();
  let tally = emptyTally();
  // "@smithy/core/client" resolves to one CommonJS module for `import` and `require` alike (its "node" export).
  const { Client } = createRequire(import.meta.url)('@smithy/core/client') as {
    Client: { prototype: SmithyClient };
  };
  const original = Client.prototype.send;
  Client.prototype.send = function (this: SmithyClient, command, ...rest) {
    const fn = context.getStore();
    if (fn !== undefined)
      countCommand(tally, this.constructor.name, command.constructor.name, command.input ?? {}, fn);
    return original.call(this, command, ...rest);
  };
  return {
    get tally() {
      return tally;
    },
    reset() {
      tally = emptyTally();
    },
    /** Wraps an invoke function so that its calls are counted as one Lambda invocation of `id`. */
    invocation<T>(id: string, memoryMb: number, run: () => Promise<T>): Promise<T> {
      const t = tally;
      t.invocations++;
      t.byFunction[id] = (t.byFunction[id] ?? 0) + 1;
      const started = performance.now();
      return context.run(id, run).finally(() => {
        t.gbSeconds += (Math.ceil(performance.now() - started) / 1000) * (memoryMb / 1024);
      });
    },
    stop() {
      Client.prototype.send = original;
    },
  };
};
