/**
 * The generic signed webhook: any system can push one canonical record change, signed per Standard Webhooks.
 * Order matters: cheap checks (type, size) first, then authenticity, and only then parse the body; nothing is
 * stored until all pass. The answer is 2xx only once the receipt is stored and the event is on the bus.
 */
import { randomUUID } from 'node:crypto';
import { CRM_OBJECTS, canonicalRecordSchema, crmRecordChanged } from '../../events';
import * as z from '../../events/zod';
import { RejectedInputError } from '../errors';
import type { EventBusPort } from '../ports';
import type { ReceiptRepository } from '../store/receipts';
import { checkJsonEnvelope, parseJsonInput, parseOrReject } from '../webhooks/envelope';
import { verify } from '../webhooks/standard-webhooks';

export const MAX_BODY_BYTES = 256 * 1024;

export const genericWebhookBodySchema = z.strictObject({
  object: z.enum(CRM_OBJECTS),
  action: z.enum(['created', 'updated', 'deleted']),
  record: canonicalRecordSchema,
});
export type GenericWebhookBody = z.infer<typeof genericWebhookBodySchema>;

export interface GenericWebhookRequest {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  rawBody: string;
}

export interface GenericWebhookDeps {
  tenantId: string;
  signingSecrets: () => Promise<string[]>;
  receipts: ReceiptRepository;
  bus: EventBusPort;
  now: Date;
}

export type GenericWebhookResult = {
  status: 'accepted' | 'duplicate';
  deliveryId: string;
  correlationId: string;
};

const checkEnvelope = (req: GenericWebhookRequest): void => checkJsonEnvelope(req, MAX_BODY_BYTES);

export const parseGenericBody = (rawBody: string): GenericWebhookBody =>
  parseOrReject(
    genericWebhookBodySchema,
    parseJsonInput(rawBody, 'the body'),
    'the body does not match the record-change schema',
  );

export const receiveGenericWebhook = async (
  req: GenericWebhookRequest,
  deps: GenericWebhookDeps,
): Promise<GenericWebhookResult> => {
  checkEnvelope(req);
  const { id: deliveryId } = verify(
    await deps.signingSecrets(),
    {
      id: req.headers['webhook-id'],
      timestamp: req.headers['webhook-timestamp'],
      signature: req.headers['webhook-signature'],
    },
    req.rawBody,
    deps.now,
  );
  if (deliveryId.length > 200)
    throw new RejectedInputError('invalid_payload', 'webhook-id is longer than 200 characters');
  const body = parseGenericBody(req.rawBody);

  const action = body.action === 'deleted' ? 'delete' : 'upsert';
  const { stored, receipt } = await deps.receipts.storeOnce(
    {
      provider: 'generic',
      deliveryId,
      object: body.object,
      action,
      recordId: body.record.id,
      record: body.record,
      correlationId: randomUUID(),
      receivedAt: deps.now.toISOString(),
    },
    deps.now,
  );
  // Publish on duplicates too: if an earlier attempt stored the receipt but died before publishing, this is what
  // delivers it. Downstream is idempotent (versioned upserts, keyed effects), so a second publish changes nothing.
  await deps.bus.publish([
    {
      source: crmRecordChanged.source,
      detailType: crmRecordChanged.detailType,
      detail: {
        version: 1,
        tenantId: deps.tenantId,
        provider: 'generic',
        deliveryId,
        object: receipt.object,
        action: receipt.action,
        recordId: receipt.recordId,
        correlationId: receipt.correlationId,
        receivedAt: receipt.receivedAt,
      } satisfies z.input<typeof crmRecordChanged.schema>,
    },
  ]);
  return { status: stored ? 'accepted' : 'duplicate', deliveryId, correlationId: receipt.correlationId };
};
