/**
 * DynamoDB stand-in: dynalite in-process on loopback, with the tenant table created from the single-table design.
 * dynalite has no transactions, TTL expiry or ReturnValuesOnConditionCheckFailure; the product relies on none.
 */
import { fork } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE } from '../../shared/store/table-design';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './names';

export { LOCAL_CREDENTIALS, LOCAL_REGION };

const listen = (server: Server): Promise<string> =>
  new Promise((r) =>
    server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

/** Creates the tenant table (if absent) exactly as the CDK data construct declares it. */
export const createTable = async (endpoint: string, tableName: string): Promise<void> => {
  const ddb = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const { partitionKey, sortKey, gsi1, gsi2 } = TABLE;
  try {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName);
    ddb.destroy();
    // dynalite cannot add an index to a table: local data from before gsi2 has to start afresh.
    if (!indexes.includes(gsi2.name))
      throw new Error(
        `the local table ${tableName} predates index ${gsi2.name} (records by creation time): start with an empty --data-dir`,
      );
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  const attributes = [
    partitionKey,
    sortKey,
    gsi1.partitionKey,
    gsi1.sortKey,
    gsi2.partitionKey,
    gsi2.sortKey,
  ];
  const index = (g: typeof gsi1 | typeof gsi2) => ({
    IndexName: g.name,
    KeySchema: [
      { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes.map((n) => ({ AttributeName: n, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [index(gsi1), index(gsi2)],
      }),
    );
  } finally {
    ddb.destroy();
  }
};

export interface LocalDynamo {
  endpoint: string;
  /** CPU time (ms) of dynalite's own process, sampled each second; undefined when it runs in-process. */
  cpuMs?: () => number | undefined;
  stop(): Promise<void>;
}

const startChild = async (path: string | undefined): Promise<LocalDynamo> => {
  const child = fork(resolve(import.meta.dirname, 'dynalite-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...(path ? { QUOTAFLOW_DYNALITE_PATH: path } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((ok, fail) => {
    child.once('message', (m: { port?: number }) =>
      m.port ? ok(m.port) : fail(new Error('dynalite did not start')),
    );
    child.once('exit', (code) => fail(new Error(`dynalite exited with ${code} before starting`)));
  });
  let cpuMs: number | undefined;
  child.on('message', (m: { cpuMs?: number }) => {
    if (typeof m.cpuMs === 'number') cpuMs = m.cpuMs;
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cpuMs: () => cpuMs,
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.disconnect();
      }),
  };
};

/**
 * `path` persists to LevelDB on disk; without it everything lives in memory. `separateProcess` runs dynalite in a
 * child process (the runtime's default, for throughput); tests keep it in-process.
 */
export const startDynamo = async (opts: {
  tableName: string;
  path?: string;
  separateProcess?: boolean;
}): Promise<LocalDynamo> => {
  if (opts.separateProcess) {
    const child = await startChild(opts.path);
    await createTable(child.endpoint, opts.tableName);
    return child;
  }
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(opts.path ? { path: opts.path } : {}),
  });
  const endpoint = await listen(server);
  await createTable(endpoint, opts.tableName);
  return {
    endpoint,
    stop: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
};
