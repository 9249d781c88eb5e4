/**
 * DynamoDB stand-in: dynalite in-process on loopback, with the tenant table created from the single-table design.
 * dynalite has no transactions, TTL expiry or ReturnValuesOnConditionCheckFailure; the product relies on none.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE } from '../../shared/store/table-design';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

const listen = (server: Server): Promise<string> =>
  new Promise((r) =>
    server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

/** Creates the tenant table (if absent) exactly as the CDK data construct declares it. */
export const createTable = async (endpoint: string, tableName: string): Promise<void> => {
  const ddb = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await ddb.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  const { partitionKey, sortKey, gsi1 } = TABLE;
  const attributes = [partitionKey, sortKey, gsi1.partitionKey, gsi1.sortKey];
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
        GlobalSecondaryIndexes: [
          {
            IndexName: gsi1.name,
            KeySchema: [
              { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
              { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } finally {
    ddb.destroy();
  }
};

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** `path` persists to LevelDB on disk; without it everything lives in memory. */
export const startDynamo = async (opts: { tableName: string; path?: string }): Promise<LocalDynamo> => {
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
