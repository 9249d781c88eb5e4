/**
 * The Fxiaoke data-change callback receiver. Fxiaoke gives the receiver 3 s and treats anything but its encrypted
 * "success" reply as a failure, so this does only what must happen before acknowledging: cheap checks, signature,
 * decryption, validation, the idempotent receipt and the `crm.record.changed` event (the shared ingest pipeline).
 * The callback carries no field values; sync fetches the record (data/get) afterwards.
 */
import { randomUUID } from 'node:crypto';
import { recordIdSchema } from '../../../events';
import * as z from '../../../events/zod';
import { RejectedInputError } from '../../errors';
import {
  type Delivery,
  type IngestDeps,
  type IngestRequest,
  type IngestStrategy,
  ingest,
} from '../../ingest/pipeline';
import { parseJsonInput, parseOrReject } from '../../webhooks/envelope';
import {
  buildCallbackReply,
  CALLBACK_TOLERANCE_MS,
  type CallbackEnvelope,
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
  dataId: recordIdSchema,
  timestamp: z.optional(z.int()),
  messageId: z.optional(z.string().check(z.maxLength(200))),
});
export type FxiaokeEvent = z.infer<typeof fxiaokeEventSchema>;

/** Only `update` is documented; removals are inferred names. Sync re-reads the record either way. */
const REMOVAL_EVENTS = new Set(['delete', 'invalid', 'deleted', 'invalidate']);

export type FxiaokeCallbackRequest = IngestRequest;

export interface FxiaokeCallbackDeps extends IngestDeps {
  /** The tenant's base64 "解析密钥" values; more than one during a key change. */
  aesKeys: () => Promise<string[]>;
  /** The tenant's enterprise account (ea); when set, callbacks for another ea are refused. */
  enterpriseAccount?: string | undefined;
  opportunityObject?: OpportunityObject | undefined;
  toleranceMs?: number | undefined;
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

export const parseFxiaokeEvent = (plaintext: string): FxiaokeEvent =>
  parseOrReject(
    fxiaokeEventSchema,
    parseJsonInput(plaintext, 'the decrypted content'),
    'the decrypted event does not match the data-change schema',
  );

interface OpenedCallback {
  envelope: CallbackEnvelope;
  aesKey: string;
  plaintext: string;
}

interface CallbackDelivery extends Delivery {
  event: FxiaokeEvent;
}

/** The signature covers every envelope field and the key; decryption comes with it (the same key). */
export const fxiaokeStrategy = (
  deps: Pick<
    FxiaokeCallbackDeps,
    'aesKeys' | 'enterpriseAccount' | 'opportunityObject' | 'now' | 'toleranceMs'
  >,
): IngestStrategy<OpenedCallback, CallbackDelivery> => ({
  provider: 'fxiaoke',
  maxBytes: FXIAOKE_MAX_BODY_BYTES,
  authenticate: async (req) =>
    openCallback(
      parseJsonInput(req.rawBody, 'the body'),
      await deps.aesKeys(),
      deps.now,
      deps.toleranceMs ?? CALLBACK_TOLERANCE_MS,
    ),
  read: ({ envelope, plaintext }) => {
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
        { field: 'messageId' },
      );
    }
    const object = canonicalObjectFor(event.apiName, deps.opportunityObject ?? 'NewOpportunityObj');
    if (!object) return { event, receipts: [] };
    return {
      event,
      receipts: [
        {
          provider: 'fxiaoke',
          deliveryId: envelope.messageId,
          object,
          action: REMOVAL_EVENTS.has(event.eventType.toLowerCase()) ? 'delete' : 'upsert',
          recordId: event.dataId,
          correlationId: randomUUID(),
          receivedAt: deps.now.toISOString(),
        },
      ],
    };
  },
});

/**
 * A platform retry (retryTimes set) of a callback already applied is acknowledged with the success reply and not
 * published again; one not yet applied is (republishUntilApplied), since our earlier answer may have failed
 * between storing and publishing.
 */
export const receiveFxiaokeCallback = async (
  req: FxiaokeCallbackRequest,
  deps: FxiaokeCallbackDeps,
): Promise<FxiaokeCallbackResult> => {
  const result = await ingest(fxiaokeStrategy(deps), req, deps);
  const { envelope, aesKey } = result.proof;
  const { event } = result.delivery;
  const base = {
    deliveryId: envelope.messageId,
    apiName: event.apiName,
    dataId: event.dataId,
    eventType: event.eventType,
    reply: buildCallbackReply(aesKey, deps.now),
  };
  const [outcome] = result.outcomes;
  if (result.status === 'ignored' || !outcome) return { ...base, status: 'ignored', published: false };
  return {
    ...base,
    status: result.status,
    correlationId: outcome.receipt.correlationId,
    published: outcome.published,
  };
};
