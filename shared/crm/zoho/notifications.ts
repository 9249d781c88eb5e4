/**
 * The receiver for `POST /webhooks/zoho`: what Zoho's notification API posts to a channel's notify_url.
 * Zoho does not sign; authenticity is the channel's echoed `token`, compared in constant time against the tenant's
 * tokens, for a channel id this tenant owns. One POST may carry several ids: each becomes its own receipt (keyed by
 * channel + server_time + the id set, so a redelivery stores nothing new) and its own `crm.record.changed`.
 * Inserts and updates carry no full record: the sync fetches it by id. A delete carries a tombstone.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { type CanonicalRecord, type CrmObject, crmRecordChanged } from '../../../events';
import * as z from '../../../events/zod';
import { AuthenticationError, RejectedInputError } from '../../errors';
import type { EventBusPort } from '../../ports';
import type { Receipt, ReceiptRepository } from '../../store/receipts';
import { parseJsonInput, parseOrReject } from '../../webhooks/envelope';
import { objectForModule } from './normalize';

export const MAX_NOTIFICATION_BYTES = 256 * 1024;

export const zohoNotificationSchema = z.looseObject({
  server_time: z.int().check(z.positive()),
  module: z.string().check(z.minLength(1), z.maxLength(100)),
  ids: z
    .array(z.string().check(z.regex(/^\d{1,30}$/, { error: 'must be a numeric record id' })))
    .check(z.minLength(1), z.maxLength(1000)),
  operation: z.string().check(z.minLength(1), z.maxLength(50)),
  channel_id: z.string().check(z.minLength(1), z.maxLength(40)),
  token: z.nullable(z.string()),
  resource_uri: z.optional(z.string()),
  query_params: z.optional(z.record(z.string(), z.unknown())),
  affected_fields: z.optional(z.array(z.unknown())),
  affected_values: z.optional(
    z.array(z.looseObject({ record_id: z.string(), values: z.record(z.string(), z.unknown()) })),
  ),
});
export type ZohoNotification = z.infer<typeof zohoNotificationSchema>;

/** Only what authentication needs, read before the body is trusted enough to validate in full. */
const credentials = z.looseObject({ channel_id: z.coerce.string(), token: z.nullish(z.string()) });

/** A receipt with the changed values Zoho sent (when the channel asked for them), for the sync to use. */
export interface ZohoReceipt extends Receipt {
  affectedValues?: Record<string, unknown>;
}

export interface ZohoNotificationRequest {
  headers: Record<string, string | undefined>;
  rawBody: string;
}

export interface ZohoNotificationDeps {
  tenantId: string;
  /** The tenant's channels, id → module (see channelMap in watch.ts). */
  channels: ReadonlyMap<string, string>;
  /** Accepted channel tokens: the current one, plus the previous one while channels are being renewed. */
  tokens: () => Promise<readonly string[]>;
  receipts: Pick<ReceiptRepository, 'storeOnce'>;
  bus: EventBusPort;
  now: Date;
  moduleObjects?: Readonly<Record<string, CrmObject>>;
}

export interface ZohoChange {
  recordId: string;
  deliveryId: string;
  action: 'upsert' | 'delete';
  stored: boolean;
  correlationId: string;
  affectedValues?: Record<string, unknown>;
}

export type ZohoNotificationResult =
  | { status: 'accepted' | 'duplicate'; notificationId: string; module: string; changes: ZohoChange[] }
  | { status: 'ignored'; notificationId: string; module: string; changes: [] };

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Equal-length digests make the comparison's time independent of where (or whether) the strings differ. */
export const tokenMatches = (offered: string, accepted: readonly string[]): boolean => {
  const got = digest(offered);
  let ok = false;
  for (const t of accepted) ok = timingSafeEqual(got, digest(t)) || ok;
  return ok;
};

/** Deterministic per notification: (channel_id, sorted ids, server_time), the at-least-once dedup key. */
export const notificationId = (n: Pick<ZohoNotification, 'channel_id' | 'ids' | 'server_time'>): string => {
  const ids = createHash('sha256')
    .update([...n.ids].sort().join(','))
    .digest('hex')
    .slice(0, 16);
  return `${n.channel_id}-${n.server_time}-${ids}`;
};

const authenticate = async (json: unknown, deps: ZohoNotificationDeps): Promise<void> => {
  const c = credentials.safeParse(json);
  if (!c.success) throw new AuthenticationError('missing_header', 'the notification has no channel_id');
  if (!deps.channels.has(c.data.channel_id)) {
    throw new AuthenticationError(
      'invalid_signature',
      'the notification is for a channel this tenant does not own',
    );
  }
  if (!c.data.token)
    throw new AuthenticationError('invalid_signature', 'the notification carries no channel token');
  if (!tokenMatches(c.data.token, await deps.tokens())) {
    throw new AuthenticationError('invalid_signature', 'the channel token does not match');
  }
};

export const receiveZohoNotification = async (
  req: ZohoNotificationRequest,
  deps: ZohoNotificationDeps,
): Promise<ZohoNotificationResult> => {
  const type = req.headers['content-type'];
  if (type && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new RejectedInputError(
      'unsupported_media_type',
      `content-type must be application/json, got ${JSON.stringify(type.slice(0, 100))}`,
    );
  }
  const bytes = Buffer.byteLength(req.rawBody, 'utf8');
  if (bytes > MAX_NOTIFICATION_BYTES) {
    throw new RejectedInputError(
      'payload_too_large',
      `the body is ${bytes} bytes; the limit is ${MAX_NOTIFICATION_BYTES}`,
    );
  }
  const json = parseJsonInput(req.rawBody, 'the body');
  // Zoho puts the credential inside the body, so the minimum is read first; nothing else is trusted before.
  await authenticate(json, deps);
  const n = parseOrReject(zohoNotificationSchema, json, 'the notification is malformed');
  const id = notificationId(n);
  const object = objectForModule(n.module, deps.moduleObjects ? { moduleObjects: deps.moduleObjects } : {});
  // A module we do not map (a custom module someone subscribed by hand): acknowledge, so Zoho stops resending.
  if (!object) return { status: 'ignored', notificationId: id, module: n.module, changes: [] };

  const action = n.operation === 'delete' ? 'delete' : 'upsert';
  const receivedAt = deps.now.toISOString();
  const values = new Map((n.affected_values ?? []).map((a) => [a.record_id, a.values]));
  const changes = await Promise.all(
    [...new Set(n.ids)].map(async (recordId): Promise<ZohoChange> => {
      const affectedValues = values.get(recordId);
      // Deleted records cannot be fetched; the notification's time orders the tombstone against later restores.
      const tombstone: CanonicalRecord | undefined =
        action === 'delete'
          ? { id: recordId, modifiedAt: new Date(n.server_time).toISOString(), fields: {} }
          : undefined;
      const receipt: ZohoReceipt = {
        provider: 'zoho',
        deliveryId: `${id}-${recordId}`,
        object,
        action,
        recordId,
        ...(tombstone ? { record: tombstone } : {}),
        ...(affectedValues ? { affectedValues } : {}),
        correlationId: randomUUID(),
        receivedAt,
      };
      const { stored, receipt: kept } = await deps.receipts.storeOnce(receipt, deps.now);
      return {
        recordId,
        deliveryId: receipt.deliveryId,
        action,
        stored,
        correlationId: kept.correlationId,
        ...(affectedValues ? { affectedValues } : {}),
      };
    }),
  );
  // Duplicates are not published again: Zoho redelivers and repeats ids across batches, and each publish costs a
  // CRM fetch downstream. A crash between store and publish is healed by the scheduled reconcile instead.
  const fresh = changes.filter((c) => c.stored);
  if (fresh.length > 0)
    await deps.bus.publish(
      fresh.map((c) => ({
        source: crmRecordChanged.source,
        detailType: crmRecordChanged.detailType,
        detail: {
          version: 1,
          tenantId: deps.tenantId,
          provider: 'zoho',
          deliveryId: c.deliveryId,
          object,
          action: c.action,
          recordId: c.recordId,
          correlationId: c.correlationId,
          receivedAt,
        } satisfies z.input<typeof crmRecordChanged.schema>,
      })),
    );
  return {
    status: changes.some((c) => c.stored) ? 'accepted' : 'duplicate',
    notificationId: id,
    module: n.module,
    changes,
  };
};
