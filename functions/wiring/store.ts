/**
 * Default wiring for the table, one module per port so that each function's bundle holds only the SDK clients it
 * uses. Tests build their own repositories with clients pointed at local servers.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ReceiptRepository } from '../../shared/store/receipts';
import { RecordRepository } from '../../shared/store/records';
import { required, runtimeEnv } from './env';
import { ENV } from './env-names';
import { once } from './once';

export const documentClient = /* @__PURE__ */ once(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
);
export const tableName = (): string => required(runtimeEnv().tableName, ENV.tableName);

export const receipts = /* @__PURE__ */ once(() => new ReceiptRepository(documentClient(), tableName()));
export const records = /* @__PURE__ */ once(() => new RecordRepository(documentClient(), tableName()));
