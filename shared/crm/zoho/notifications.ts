/**
 * The receiver for `POST /webhooks/zoho`: what Zoho's notification API posts to a channel's notify_url.
 * Zoho does not sign; authenticity is the channel's echoed `token`, compared in constant time against the tenant's
 * tokens, for a channel id this tenant owns. One POST may carry several ids: each becomes its own receipt (keyed by
 * channel + server_time + the id set, so a redelivery stores nothing new) and its own `crm.record.changed`, through
 * the shared ingest pipeline (content type, size and UTF-8 first; duplicates by republishUntilApplied).
 * Inserts and updates carry no full record: the sync fetches it by id. A delete carries a tombstone.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { CanonicalRecord, CrmObject } from '../../../events';
import * as z from '../../../events/zod';
import { AuthenticationError } from '../../errors';
import {
  type Delivery,
  type IngestDeps,
  type IngestRequest,
  type IngestStrategy,
  ingest,
} from '../../ingest/pipeline';
import type { Receipt } from '../../store/receipts';
import { parseJsonInput, parseOrReject } from '../../webhooks/envelope';
import { objectForModule } from './modules';

export const MAX_NOTIFICATION_BYTES = 256 * 1024;

export const zohoNotificationSchema = z.lazy(() =>
  z.looseObject({
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
  }),
);
export type ZohoNotification = z.infer<typeof zohoNotificationSchema>;

/** Only what authentication needs, read before the body is trusted enough to validate in full. */
const credentials = z.lazy(() =>
  z.looseObject({ channel_id: z.coerce.string(), token: z.nullish(z.string()) }),
);

/** A receipt with the changed values Zoho sent (when the channel asked for them), for the sync to use. */
export interface ZohoReceipt extends Receipt {
  affectedValues?: Record<string, unknown>;
}

export type ZohoNotificationRequest = IngestRequest;

export interface ZohoNotificationDeps extends IngestDeps {
  /** The tenant's channels, id → module (see channelMap in watch.ts). */
  channels: ReadonlyMap<string, string>;
  /** Accepted channel tokens: the current one, plus the previous one while channels are being renewed. */
  tokens: () => Promise<readonly string[]>;
  moduleObjects?: Readonly<Record<string, CrmObject>> | undefined;
}

export interface ZohoChange {
  recordId: string;
  deliveryId: string;
  action: 'upsert' | 'delete';
  stored: boolean;
  /** False for a duplicate whose receipt was already applied (see republishUntilApplied). */
  published: boolean;
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

const authenticate = async (
  json: unknown,
  deps: Pick<ZohoNotificationDeps, 'channels' | 'tokens'>,
): Promise<void> => {
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

/** What the pipeline needs from a Zoho notification, plus what the receiver reports. */
interface NotificationDelivery extends Delivery {
  notification: ZohoNotification;
  notificationId: string;
  affectedValues: ReadonlyMap<string, Record<string, unknown>>;
}

/** Zoho puts the credential inside the body, so the minimum is read first; nothing else is trusted before. */
export const zohoNotificationStrategy = (
  deps: Pick<ZohoNotificationDeps, 'channels' | 'tokens' | 'now' | 'moduleObjects'>,
): IngestStrategy<unknown, NotificationDelivery> => ({
  provider: 'zoho',
  maxBytes: MAX_NOTIFICATION_BYTES,
  authenticate: async (req) => {
    const json = parseJsonInput(req.rawBody, 'the body');
    await authenticate(json, deps);
    return json;
  },
  read: (json) => {
    const n = parseOrReject(zohoNotificationSchema, json, 'the notification is malformed');
    const id = notificationId(n);
    const affectedValues = new Map((n.affected_values ?? []).map((a) => [a.record_id, a.values]));
    const base = { notification: n, notificationId: id, affectedValues };
    const object = objectForModule(n.module, deps.moduleObjects ? { moduleObjects: deps.moduleObjects } : {});
    // A module we do not map (a custom module someone subscribed by hand): acknowledge, so Zoho stops resending.
    if (!object) return { ...base, receipts: [] };
    const action = n.operation === 'delete' ? 'delete' : 'upsert';
    const receipts = [...new Set(n.ids)].map((recordId): ZohoReceipt => {
      const values = affectedValues.get(recordId);
      // Deleted records cannot be fetched; the notification's time orders the tombstone against later restores.
      const tombstone: CanonicalRecord | undefined =
        action === 'delete'
          ? { id: recordId, modifiedAt: new Date(n.server_time).toISOString(), fields: {} }
          : undefined;
      return {
        provider: 'zoho',
        deliveryId: `${id}-${recordId}`,
        object,
        action,
        recordId,
        ...(tombstone ? { record: tombstone } : {}),
        ...(values ? { affectedValues: values } : {}),
        correlationId: randomUUID(),
        receivedAt: deps.now.toISOString(),
      };
    });
    return { ...base, receipts };
  },
});

export const receiveZohoNotification = async (
  req: ZohoNotificationRequest,
  deps: ZohoNotificationDeps,
): Promise<ZohoNotificationResult> => {
  const result = await ingest(zohoNotificationStrategy(deps), req, deps);
  const { notification: n, notificationId: id, affectedValues } = result.delivery;
  if (result.status === 'ignored')
    return { status: 'ignored', notificationId: id, module: n.module, changes: [] };
  const changes = result.outcomes.map(({ receipt, stored, published }): ZohoChange => {
    const values = affectedValues.get(receipt.recordId);
    return {
      recordId: receipt.recordId,
      deliveryId: receipt.deliveryId,
      action: receipt.action,
      stored,
      published,
      correlationId: receipt.correlationId,
      ...(values ? { affectedValues: values } : {}),
    };
  });
  return { status: result.status, notificationId: id, module: n.module, changes };
};
