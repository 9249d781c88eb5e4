/**
 * The generic signed webhook: any system can push one canonical record change, signed per Standard Webhooks.
 * Order matters: cheap checks (type, size) first, then authenticity, and only then parse the body; nothing is
 * stored until all pass (shared/ingest/pipeline.ts runs the order, the receipt and the publish).
 */
import { randomUUID } from 'node:crypto';
import { CRM_OBJECTS, canonicalRecordSchema } from '../../events';
import * as z from '../../events/zod';
import { genericWebhookSecrets } from '../config/secrets';
import { RejectedInputError } from '../errors';
import { parseJsonInput, parseOrReject } from '../webhooks/envelope';
import { verify } from '../webhooks/standard-webhooks';
import { type Delivery, type IngestDeps, type IngestRequest, type IngestStrategy, ingest } from './pipeline';
import { defineReceiverRoute } from './route';

export const MAX_BODY_BYTES = 256 * 1024;

export const genericWebhookBodySchema = z.strictObject({
  object: z.enum(CRM_OBJECTS),
  action: z.enum(['created', 'updated', 'deleted']),
  record: canonicalRecordSchema,
});
export type GenericWebhookBody = z.infer<typeof genericWebhookBodySchema>;

/**
 * A signed test delivery, `{"type":"ping"}`: checked like any delivery (type, size, signature, timestamp), then
 * answered `pong` with nothing stored, published or counted as the CRM's activity. `quotaflow deploy` sends one.
 */
export const PING_BODY = '{"type":"ping"}';
const isPing = (body: unknown) =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  Object.keys(body).length === 1 &&
  (body as { type?: unknown }).type === 'ping';

export type GenericWebhookRequest = IngestRequest;

export interface GenericWebhookDeps extends IngestDeps {
  signingSecrets: () => Promise<string[]>;
}

export type GenericWebhookResult = {
  status: 'accepted' | 'duplicate' | 'pong';
  deliveryId: string;
  correlationId: string;
  published: boolean;
};

export const parseGenericBody = (rawBody: string): GenericWebhookBody =>
  parseOrReject(
    genericWebhookBodySchema,
    parseJsonInput(rawBody, 'the body'),
    'the body does not match the record-change schema',
  );

/** Standard Webhooks: the signature covers id, timestamp and the raw body; the delivery id is webhook-id. */
export const genericStrategy = (
  deps: Pick<GenericWebhookDeps, 'signingSecrets' | 'now'>,
): IngestStrategy<{ deliveryId: string }, Delivery> => ({
  provider: 'generic',
  maxBytes: MAX_BODY_BYTES,
  authenticate: async (req) => {
    const { id } = verify(
      await deps.signingSecrets(),
      {
        id: req.headers['webhook-id'],
        timestamp: req.headers['webhook-timestamp'],
        signature: req.headers['webhook-signature'],
      },
      req.rawBody,
      deps.now,
    );
    if (id.length > 200)
      throw new RejectedInputError('invalid_payload', 'webhook-id is longer than 200 characters');
    return { deliveryId: id };
  },
  read: ({ deliveryId }, req) => {
    if (isPing(parseJsonInput(req.rawBody, 'the body'))) return { receipts: [], probe: true };
    const body = parseGenericBody(req.rawBody);
    return {
      receipts: [
        {
          provider: 'generic',
          deliveryId,
          object: body.object,
          action: body.action === 'deleted' ? 'delete' : 'upsert',
          recordId: body.record.id,
          record: body.record,
          correlationId: randomUUID(),
          receivedAt: deps.now.toISOString(),
        },
      ],
    };
  },
});

export const receiveGenericWebhook = async (
  req: GenericWebhookRequest,
  deps: GenericWebhookDeps,
): Promise<GenericWebhookResult> => {
  const result = await ingest(genericStrategy(deps), req, deps);
  if (result.delivery.probe)
    return {
      status: 'pong',
      deliveryId: result.proof.deliveryId,
      correlationId: randomUUID(),
      published: false,
    };
  const [outcome] = result.outcomes;
  if (!outcome) throw new Error('a generic delivery always carries one change');
  return {
    status: outcome.stored ? 'accepted' : 'duplicate',
    deliveryId: result.proof.deliveryId,
    correlationId: outcome.receipt.correlationId,
    published: outcome.published,
  };
};

/** `POST /webhooks/generic`: Standard-Webhooks-signed record changes, and the deploy's signed ping. */
export const genericRoute = defineReceiverRoute({
  auth: (_tenant, secrets) => ({ signingSecrets: async () => genericWebhookSecrets(await secrets()) }),
  receive: receiveGenericWebhook,
  outcome: (result) => ({
    log: { provider: 'generic', deliveryId: result.deliveryId, status: result.status },
    ...(result.status !== 'pong' ? { counted: result.status } : {}),
    correlationId: result.correlationId,
    statusCode: result.status === 'accepted' ? 202 : 200,
    body: result,
  }),
});
