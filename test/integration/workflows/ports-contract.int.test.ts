/**
 * The workflow engine's stores, one contract: the in-memory implementations the unit tests use and the DynamoDB
 * ones on dynalite pass the same suite (test/support/port-contracts.ts, idempotent-contract.ts).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { DynamoEffectStore } from '../../../shared/effects/dynamodb-store';
import { EnrolmentRepository } from '../../../shared/store/enrolments';
import { SendCounters } from '../../../shared/store/send-counters';
import { idempotentEffectContract } from '../../support/idempotent-contract';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { MemoryEffectStore, MemoryEnrolments, MemorySendCounters } from '../../support/memory-ports';
import {
  effectStoreContract,
  enrolmentsContract,
  ledgerContract,
  sendCountersContract,
} from '../../support/port-contracts';

describe('in memory', () => {
  effectStoreContract(() => new MemoryEffectStore());
  ledgerContract(() => new MemoryEffectStore());
  idempotentEffectContract(() => new MemoryEffectStore());
  enrolmentsContract((now) => new MemoryEnrolments(now));
  sendCountersContract((limits, zone) => new MemorySendCounters(limits, zone));
});

describe('on DynamoDB (dynalite)', () => {
  let table: LocalTable;
  beforeAll(async () => {
    table = await startLocalTable('quotaflow-ports');
  });
  afterAll(async () => {
    await table?.stop();
  });

  effectStoreContract(() => new DynamoEffectStore(table.doc, table.tableName));
  ledgerContract(() => new DynamoEffectStore(table.doc, table.tableName));
  idempotentEffectContract(() => new DynamoEffectStore(table.doc, table.tableName));
  enrolmentsContract((now) => new EnrolmentRepository(table.doc, table.tableName, now));
  sendCountersContract((limits, zone) => new SendCounters(table.doc, table.tableName, limits, zone));
});
