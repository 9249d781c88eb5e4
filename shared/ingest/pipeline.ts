/**
 * The one ingest mechanism every webhook receiver runs (generic, Zoho notifications, Zoho workflow rules, Fxiaoke):
 *
 *   envelope check  ->  authenticate (the provider's strategy)  ->  read the changes  ->  receipts  ->  publish
 *
 * Nothing is stored before the sender is authenticated and every change validated, and the answer is 2xx only once
 * the receipts are stored and the events are on the bus. Which stored receipts are published follows one rule,
 * `republishUntilApplied`, the same for every provider.
 */
import { crmRecordChanged } from '../../events';
import type * as z from '../../events/zod';
import type { BusEntry, EventBusPort } from '../ports';
import type { Receipt, ReceiptRepository } from '../store/receipts';
import type { RecordMark } from '../store/records';
import { checkJsonEnvelope, type RawRequest } from '../webhooks/envelope';
import { isApplied } from './applied';

export interface IngestRequest extends RawRequest {
  /** Query string parameters (a Zoho workflow rule may carry its secret there). */
  query?: Record<string, string | undefined>;
}

/** The request once its envelope passed: the body is UTF-8 text. */
export interface TextRequest {
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  rawBody: string;
}

/** What a delivery says: the receipts to store (none: acknowledged and ignored, e.g. an object we do not sync). */
export interface Delivery {
  receipts: Receipt[];
  /** A signed test delivery (a deploy's smoke test): authenticated, answered, and nothing stored or marked. */
  probe?: boolean;
}

/** One provider's part. The pipeline owns the order and the storing; the strategy owns proof and meaning. */
export interface IngestStrategy<Proof, D extends Delivery> {
  /** Whose deliveries these are (the watchdog's last delivery per provider). */
  provider: Receipt['provider'];
  maxBytes: number;
  /** Proves who sent the request, reading no more of the body than the proof needs; AuthenticationError if not. */
  authenticate(req: TextRequest): Promise<Proof>;
  /** Validates the authenticated body into receipts (RejectedInputError naming the problem otherwise). */
  read(proof: Proof, req: TextRequest): D;
}

export interface IngestDeps {
  tenantId: string;
  receipts: Pick<ReceiptRepository, 'storeOnce'>;
  bus: EventBusPort;
  now: Date;
  /**
   * Notes that the provider delivered (shared/store/watch.ts: at most about once a minute per provider, so it adds
   * no write per webhook), for the absence alarm on a CRM gone silent. Optional: tests and tools leave it out.
   */
  deliveries?: { markDelivery(provider: string, at: Date): Promise<unknown> };
  /**
   * The canonical records' marks, read for a duplicate only (one Get each, of the version and applied receipt, not
   * the record): sync marks most changes applied on the record it writes (shared/ingest/applied.ts). Without it a
   * duplicate of such a change is published again, and sync finds it applied there.
   */
  records?: { mark(object: Receipt['object'], id: string): Promise<RecordMark | undefined> };
}

export interface ReceiptOutcome {
  /** The receipt as stored: on a duplicate, the first delivery's (its correlation id and applied state). */
  receipt: Receipt;
  stored: boolean;
  published: boolean;
}

export interface IngestResult<Proof, D extends Delivery> {
  /** accepted: at least one receipt is new; duplicate: all were stored before; ignored: nothing to store. */
  status: 'accepted' | 'duplicate' | 'ignored';
  proof: Proof;
  delivery: D;
  outcomes: ReceiptOutcome[];
}

/**
 * The duplicate rule, for every receiver: a delivery whose receipt already exists is published again only while
 * that receipt is not applied (by its own mark or its record's, shared/ingest/applied.ts). Until then, the duplicate
 * may be the only thing left to deliver it (the first attempt may have died after storing and before publishing);
 * once applied, there is nothing to deliver and the duplicate is acknowledged without an event (and without the CRM
 * read the event would cost). Sync skips receipts already applied, so a republish that races the first event
 * changes nothing.
 */
export const republishUntilApplied = (
  kept: { stored: boolean; receipt: Receipt },
  record?: RecordMark,
): boolean => kept.stored || !isApplied(kept.receipt, record);

/** The record of a duplicate not marked applied itself, for republishUntilApplied; nothing is read otherwise. */
const recordOfDuplicate = async (
  kept: { stored: boolean; receipt: Receipt },
  records: IngestDeps['records'],
): Promise<RecordMark | undefined> =>
  kept.stored || kept.receipt.appliedAt !== undefined || !records
    ? undefined
    : records.mark(kept.receipt.object, kept.receipt.recordId);

/** The `crm.record.changed` entry for a stored receipt (ingest and the recovery sweep). */
export const recordChangedEntry = (tenantId: string, receipt: Receipt): BusEntry => ({
  source: crmRecordChanged.source,
  detailType: crmRecordChanged.detailType,
  detail: {
    version: 1,
    tenantId,
    provider: receipt.provider,
    deliveryId: receipt.deliveryId,
    object: receipt.object,
    action: receipt.action,
    recordId: receipt.recordId,
    correlationId: receipt.correlationId,
    receivedAt: receipt.receivedAt,
  } satisfies z.input<typeof crmRecordChanged.schema>,
});

export const ingest = async <Proof, D extends Delivery>(
  strategy: IngestStrategy<Proof, D>,
  req: IngestRequest,
  deps: IngestDeps,
): Promise<IngestResult<Proof, D>> => {
  const text: TextRequest = {
    headers: req.headers,
    query: req.query ?? {},
    rawBody: checkJsonEnvelope(req, strategy.maxBytes),
  };
  const proof = await strategy.authenticate(text);
  const delivery = strategy.read(proof, text);
  // An authenticated, valid delivery shows the CRM is alive, even one with nothing to store (a probe is ours).
  if (!delivery.probe) await deps.deliveries?.markDelivery(strategy.provider, deps.now);
  if (delivery.receipts.length === 0) return { status: 'ignored', proof, delivery, outcomes: [] };

  const kept = await Promise.all(delivery.receipts.map((r) => deps.receipts.storeOnce(r, deps.now)));
  const outcomes = await Promise.all(
    kept.map(async (k) => ({
      ...k,
      published: republishUntilApplied(k, await recordOfDuplicate(k, deps.records)),
    })),
  );
  const toPublish = outcomes.filter((o) => o.published);
  if (toPublish.length > 0)
    await deps.bus.publish(toPublish.map((o) => recordChangedEntry(deps.tenantId, o.receipt)));
  return {
    status: outcomes.some((o) => o.stored) ? 'accepted' : 'duplicate',
    proof,
    delivery,
    outcomes,
  };
};
