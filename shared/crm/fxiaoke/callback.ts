/**
 * The Fxiaoke data-change callback receiver. Fxiaoke gives the receiver 3 s and treats anything but its encrypted
 * "success" reply as a failure, so this does only what must happen before acknowledging: cheap checks, signature,
 * decryption, validation, the idempotent receipt and the `crm.record.changed` event. The callback carries no field
 * values; sync fetches the record (data/get) afterwards.
 */
import { randomUUID } from 'node:crypto';
import { crmRecordChanged } from '../../../events';
import * as z from '../../../events/zod';
import { RejectedInputError } from '../../errors';
import type { EventBusPort } from '../../ports';
import type { Receipt, ReceiptRepository } from '../../store/receipts';
import { checkJsonEnvelope, parseJsonInput, parseOrReject } from '../../webhooks/envelope';
import {
  buildCallbackReply,
  CALLBACK_TOLERANCE_MS,
  type CallbackReply,
  openCallback,
} from './callback-crypto';
import { canonicalObjectFor, type OpportunityObject } from './objects';

/** The envelope is ~300 bytes plus one encrypted event; 64 KB leaves room without inviting abuse. */
export const FXIAOKE_MAX_BODY_BYTES = 64 * 1024;

/** The decrypted event (Appendix vector). Loose: the vendor may add fields; we read only these. */
export const fxiaokeEventSchema = z.looseObject({
  tenantId: z.optional(z.union([z.number(), z.string()])),
  eventType: z.string().check(z.minLength(1), z.maxLength(50)),
  apiName: z.string().check(z.minLength(1), z.maxLength(100)),
  dataId: z.string().check(z.minLength(1), z.maxLength(200)),
  timestamp: z.optional(z.int()),
  messageId: z.optional(z.string().check(z.maxLength(200))),
});
export type FxiaokeEvent = z.infer<typeof fxiaokeEventSchema>;

/** Only `update` is documented; removals are inferred names. Sync re-reads the record either way. */
const REMOVAL_EVENTS = new Set(['delete', 'invalid', 'deleted', 'invalidate']);

export interface FxiaokeCallbackRequest {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  rawBody: string;
}

export interface FxiaokeCallbackDeps {
  tenantId: string;
  /** The tenant's base64 "解析密钥" values; more than one during a key change. */
  aesKeys: () => Promise<string[]>;
  /** The tenant's enterprise account (ea); when set, callbacks for another ea are refused. */
  enterpriseAccount?: string | undefined;
  opportunityObject?: OpportunityObject;
  receipts: ReceiptRepository;
  bus: EventBusPort;
  now: Date;
  toleranceMs?: number;
}

export interface FxiaokeCallbackResult {
  /** `ignored`: a verified event for an object we do not sync; acknowledged so the platform stops sending it. */
  status: 'accepted' | 'duplicate' | 'ignored';
  deliveryId: string;
  correlationId?: string;
  apiName: string;
  dataId: string;
  eventType: string;
  published: boolean;
  /** Answer with exactly this as the JSON body of an HTTP 200. */
  reply: CallbackReply;
}

const checkEnvelope = (req: FxiaokeCallbackRequest): void => checkJsonEnvelope(req, FXIAOKE_MAX_BODY_BYTES);

export const parseFxiaokeEvent = (plaintext: string): FxiaokeEvent =>
  parseOrReject(
    fxiaokeEventSchema,
    parseJsonInput(plaintext, 'the decrypted content'),
    'the decrypted event does not match the data-change schema',
  );

export const receiveFxiaokeCallback = async (
  req: FxiaokeCallbackRequest,
  deps: FxiaokeCallbackDeps,
): Promise<FxiaokeCallbackResult> => {
  checkEnvelope(req);
  const body = parseJsonInput(req.rawBody, 'the body');
  const { envelope, aesKey, plaintext } = openCallback(
    body,
    await deps.aesKeys(),
    deps.now,
    deps.toleranceMs ?? CALLBACK_TOLERANCE_MS,
  );
  if (deps.enterpriseAccount && envelope.enterpriseAccount !== deps.enterpriseAccount) {
    throw new RejectedInputError(
      'invalid_payload',
      `the callback is for enterprise account "${envelope.enterpriseAccount.slice(0, 50)}", not this tenant's`,
      { field: 'enterpriseAccount' },
    );
  }
  const event = parseFxiaokeEvent(plaintext);
  // Both ids are covered by the signature, but a mismatch means the sender is not doing what we think it is.
  if (event.messageId !== undefined && event.messageId !== envelope.messageId) {
    throw new RejectedInputError(
      'invalid_payload',
      'the decrypted messageId differs from the envelope messageId',
      {
        field: 'messageId',
      },
    );
  }
  const deliveryId = envelope.messageId;
  const reply = buildCallbackReply(aesKey, deps.now);
  const base = {
    deliveryId,
    apiName: event.apiName,
    dataId: event.dataId,
    eventType: event.eventType,
    reply,
  };

  const object = canonicalObjectFor(event.apiName, deps.opportunityObject ?? 'NewOpportunityObj');
  if (!object) return { ...base, status: 'ignored', published: false };

  const receipt: Receipt = {
    provider: 'fxiaoke',
    deliveryId,
    object,
    action: REMOVAL_EVENTS.has(event.eventType.toLowerCase()) ? 'delete' : 'upsert',
    recordId: event.dataId,
    correlationId: randomUUID(),
    receivedAt: deps.now.toISOString(),
  };
  const { stored, receipt: kept } = await deps.receipts.storeOnce(receipt, deps.now);

  // A first delivery publishes. A duplicate publishes again only when it is a platform retry (retryTimes set):
  // the platform retries only when our earlier answer failed, which may have been after storing but before
  // publishing. Plain duplicates (same messageId, no retry) are acknowledged without a second event.
  const publish = stored || envelope.retryTimes !== undefined;
  if (publish) {
    await deps.bus.publish([
      {
        source: crmRecordChanged.source,
        detailType: crmRecordChanged.detailType,
        detail: {
          version: 1,
          tenantId: deps.tenantId,
          provider: 'fxiaoke',
          deliveryId,
          object: kept.object,
          action: kept.action,
          recordId: kept.recordId,
          correlationId: kept.correlationId,
          receivedAt: kept.receivedAt,
        } satisfies z.input<typeof crmRecordChanged.schema>,
      },
    ]);
  }
  return {
    ...base,
    status: stored ? 'accepted' : 'duplicate',
    correlationId: kept.correlationId,
    published: publish,
  };
};
