/**
 * Counts what each webhook costs on AWS, on the clients: every AWS SDK v3 command any function sends goes through
 * `Client.prototype.send` (@smithy/core), which is wrapped here, and attributed to the function invocation it ran
 * in (an AsyncLocalStorage context around each local invocation). Lambda invocations are counted where the local
 * runtime invokes, with their wall time (an estimate of billed duration, nothing more). DynamoDB request units are
 * counted by item size (sized-units.ts); the reads that takes are sent past the counter and left out of the time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { sendSized } from './sized-units';

export interface Tally {
  invocations: number;
  /** Sum of local wall time per invocation × its configured memory, in GB-seconds. */
  gbSeconds: number;
  /** PutEvents entries (EventBridge bills each entry of up to 64 KB as one event). */
  events: number;
  /** DynamoDB items read (each key of a batch counts; a Query page counts once). */
  reads: number;
  /** Read request units by the size of what was read (capacity-units.ts). */
  readUnits: number;
  /** DynamoDB items written (each item of a batch counts). */
  writes: number;
  /** Write request units by item size, the global secondary indexes' included (a transactional item twice). */
  writeUnits: number;
  /** The indexes' part of writeUnits. */
  indexWriteUnits: number;
  /** Write units by the detail byFunctionCommand names: where the units go. */
  writeUnitsBy: Record<string, number>;
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
  indexWriteUnits: 0,
  writeUnitsBy: {},
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
export const countCommand = (t: Tally, client: string, command: string, input: Input, fn = '?'): string => {
  const name = `${client.replace(/Client$/, '')}.${command.replace(/Command$/, '')}`;
  t.commands[name] = (t.commands[name] ?? 0) + 1;
  const detail = [fn, name, itemKind(input)].filter(Boolean).join(' ');
  t.byFunctionCommand[detail] = (t.byFunctionCommand[detail] ?? 0) + 1;
  const op = command.replace(/Command$/, '').replace(/Item$/, '');
  if (client.startsWith('DynamoDB')) {
    // Request units by item size are added once the command has run (sized-units.ts).
    if (op === 'Put' || op === 'Update' || op === 'Delete') t.writes++;
    else if (op === 'BatchWrite') t.writes += batchItems(input.RequestItems);
    else if (op === 'TransactWrite') t.writes += count(input.TransactItems);
    else if (op === 'Get' || op === 'Query' || op === 'Scan') t.reads++;
    else if (op === 'BatchGet') t.reads += batchGetKeys(input.RequestItems);
    else if (op === 'TransactGet') t.reads += count(input.TransactItems);
  } else if (client === 'EventBridgeClient' && op === 'PutEvents') t.events += count(input.Entries);
  else if (client === 'SchedulerClient') t.schedulerCalls++;
  else if (client === 'SESv2Client' && op === 'SendEmail') t.sesSends++;
  else if (client === 'SecretsManagerClient') t.secretsCalls++;
  return detail;
};

interface SmithyClient {
  send(command: { input: Input; constructor: { name: string } }, ...rest: unknown[]): Promise<unknown>;
}

/**
 * Starts counting: returns the current tally (replace it with `reset`) and `stop` to unwrap the SDK. Commands sent
 * outside any counted invocation (the runtime's own housekeeping) are left out.
 */
export const countAwsCalls = () => {
  const context = new AsyncLocalStorage<{ fn: string; overheadMs: number }>();
  let tally = emptyTally();
  // "@smithy/core/client" resolves to one CommonJS module for `import` and `require` alike (its "node" export).
  const { Client } = createRequire(import.meta.url)('@smithy/core/client') as {
    Client: { prototype: SmithyClient };
  };
  const original = Client.prototype.send;
  Client.prototype.send = function (this: SmithyClient, command, ...rest) {
    const ctx = context.getStore();
    if (ctx === undefined) return original.call(this, command, ...rest);
    const client = this.constructor.name;
    const input = command.input ?? {};
    const t = tally;
    const detail = countCommand(t, client, command.constructor.name, input, ctx.fn);
    if (client !== 'DynamoDBDocumentClient' || rest.some((r) => typeof r === 'function'))
      return original.call(this, command, ...rest);
    const op = command.constructor.name.replace(/Command$/, '');
    return sendSized(
      t,
      detail,
      op,
      input,
      () => original.call(this, command, ...rest),
      (c) => original.call(this, c as never),
      (ms) => {
        ctx.overheadMs += ms;
      },
    );
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
      const ctx = { fn: id, overheadMs: 0 };
      return context.run(ctx, run).finally(() => {
        const ms = Math.max(1, performance.now() - started - ctx.overheadMs);
        t.gbSeconds += (Math.ceil(ms) / 1000) * (memoryMb / 1024);
      });
    },
    stop() {
      Client.prototype.send = original;
    },
  };
};
