/**
 * The effect ledger on the tenant's DynamoDB table: the claim/lease/settle protocol (protocol.ts) over the DynamoDB
 * store (dynamodb-store.ts). Two writes per claimed effect (claim + done), one per effect whose provider is
 * idempotent by its key (the record after the call); see protocol.ts for what it guarantees.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoEffectStore } from './dynamodb-store';
import { Ledger, type Performers } from './protocol';

export { EFFECT_RETENTION_DAYS } from './dynamodb-store';
export {
  EFFECT_LEASE_MS,
  type Effect,
  type EffectOutcome,
  type EffectPayload,
  type EffectRecord,
  type EffectStore,
  Ledger,
  type PendingEffect,
  type Performers,
} from './protocol';

export class EffectLedger extends Ledger {
  constructor(doc: DynamoDBDocumentClient, tableName: string, performers: Performers, now: () => Date) {
    super(new DynamoEffectStore(doc, tableName), performers, now);
  }
}
