/**
 * The receiver for `POST /webhooks/zoho/workflow`: what a Zoho workflow rule's webhook action posts
 * (crm-protocols.md §1.5). Zoho does not sign these; the rule sends a per-tenant secret as a custom header or
 * query parameter (the tenant config names which), compared in constant time with the tenant's current and
 * previous secret. The body is the raw JSON the admin configures with merge fields (README, "Zoho workflow
 * webhooks"): the module, the record id(s), optionally the operation and the record's Modified_Time.
 * Each id takes the same path as a notification-channel change (the shared ingest pipeline): a receipt, stored
 * once, then `crm.record.changed`; the sync fetches the record.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CanonicalRecord, CrmObject } from '../../../events';
import * as z from '../../../events/zod';
import { AuthenticationError } from '../../errors';
import {
  type Delivery,
  type IngestDeps,
  type IngestRequest,
  type IngestStrategy,
  ingest,
  type TextRequest,
} from '../../ingest/pipeline';
import type { Receipt } from '../../store/receipts';
import { parseJsonInput, parseOrReject } from '../../webhooks/envelope';
import { objectForModule } from './modules';
import { MAX_NOTIFICATION_BYTES, tokenMatches } from './notifications';

const recordId = z.lazy(() =>
  z.string().check(z.regex(/^\d{1,30}$/, { error: 'must be a numeric Zoho record id' })),
);

export const zohoWorkflowBodySchema = z.lazy(() =>
  z
    .looseObject({
      module: z
        .string()
        .check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, { error: 'must be a Zoho module API name' })),
      /** One record (`${!Deals.Id}`)... */
      id: z.optional(recordId),
      /** ...or several. */
      ids: z.optional(z.array(recordId).check(z.minLength(1), z.maxLength(100))),
      /** `delete` makes tombstones; anything else (create, edit, field update) is an upsert. */
      operation: z.optional(z.string().check(z.maxLength(50))),
      /**
       * The record's Modified_Time, as the merge field renders it (ISO or the org's date format): identical deliveries
       * of one change are then stored once. An ISO time also orders a delete's tombstone.
       */
      modified_time: z.optional(z.string().check(z.minLength(1), z.maxLength(50))),
    })
    .check(
      z.refine((b) => (b.id === undefined) !== (b.ids === undefined), {
        error: 'name the record as id or ids (exactly one of them)',
      }),
    ),
);

export interface WorkflowWebhookAuth {
  /** Lower-case header name, or a query parameter name: exactly one is set (tenant config). */
  header?: string;
  queryParameter?: string;
}

export type ZohoWorkflowRequest = IngestRequest;

export interface ZohoWorkflowDeps extends IngestDeps {
  /** Where the secret travels; undefined when the tenant has not set workflow webhooks up (all are refused). */
  auth: WorkflowWebhookAuth | undefined;
  /** Accepted secrets: the current one, plus the previous one during a rotation. */
  secrets: () => Promise<readonly string[]>;
  moduleObjects?: Readonly<Record<string, CrmObject>> | undefined;
}

export type ZohoWorkflowResult =
  | {
      status: 'accepted' | 'duplicate';
      module: string;
      records: { recordId: string; stored: boolean; published: boolean }[];
    }
  | { status: 'ignored'; module: string; records: [] };

const authenticate = async (
  req: TextRequest,
  deps: Pick<ZohoWorkflowDeps, 'auth' | 'secrets'>,
): Promise<void> => {
  const auth = deps.auth;
  if (!auth)
    throw new AuthenticationError('invalid_signature', 'workflow webhooks are not set up for this tenant');
  const offered = auth.header ? req.headers[auth.header.toLowerCase()] : req.query[auth.queryParameter ?? ''];
  const where = auth.header ? `header ${auth.header}` : `query parameter ${auth.queryParameter}`;
  if (!offered)
    throw new AuthenticationError('missing_header', `the ${where} carrying the secret is missing`);
  if (!tokenMatches(offered, await deps.secrets())) {
    throw new AuthenticationError('invalid_signature', `the ${where} does not hold the tenant's secret`);
  }
};

interface WorkflowDelivery extends Delivery {
  module: string;
}

/** The secret does not depend on the body: nothing of it is parsed before the sender is known. */
export const zohoWorkflowStrategy = (
  deps: Pick<ZohoWorkflowDeps, 'auth' | 'secrets' | 'now' | 'moduleObjects'>,
): IngestStrategy<void, WorkflowDelivery> => ({
  provider: 'zoho',
  maxBytes: MAX_NOTIFICATION_BYTES,
  authenticate: (req) => authenticate(req, deps),
  read: (_proof, req) => {
    const body = parseOrReject(
      zohoWorkflowBodySchema,
      parseJsonInput(req.rawBody, 'the body'),
      'the workflow webhook body is malformed',
    );
    const object = objectForModule(
      body.module,
      deps.moduleObjects ? { moduleObjects: deps.moduleObjects } : {},
    );
    // A module we do not map: acknowledge, so the rule does not keep failing.
    if (!object) return { module: body.module, receipts: [] };

    const action = body.operation?.toLowerCase() === 'delete' ? 'delete' : 'upsert';
    const parsed = body.modified_time ? Date.parse(body.modified_time) : Number.NaN;
    const version = Number.isNaN(parsed) ? deps.now : new Date(parsed);
    // Without Modified_Time a delivery cannot be told from the next change of the same record: each one is kept.
    const edition = body.modified_time
      ? createHash('sha256').update(body.modified_time).digest('hex').slice(0, 16)
      : `r${deps.now.getTime()}-${randomUUID()}`;
    const ids = [...new Set(body.ids ?? (body.id ? [body.id] : []))];
    const receipts = ids.map((id): Receipt => {
      const tag = createHash('sha256').update(`${body.module}:${id}:${action}`).digest('hex').slice(0, 12);
      const tombstone: CanonicalRecord | undefined =
        action === 'delete' ? { id, modifiedAt: version.toISOString(), fields: {} } : undefined;
      return {
        provider: 'zoho',
        deliveryId: `wf-${tag}-${edition}`,
        object,
        action,
        recordId: id,
        ...(tombstone ? { record: tombstone } : {}),
        correlationId: randomUUID(),
        receivedAt: deps.now.toISOString(),
      };
    });
    return { module: body.module, receipts };
  },
});

export const receiveZohoWorkflowWebhook = async (
  req: ZohoWorkflowRequest,
  deps: ZohoWorkflowDeps,
): Promise<ZohoWorkflowResult> => {
  const result = await ingest(zohoWorkflowStrategy(deps), req, deps);
  const module = result.delivery.module;
  if (result.status === 'ignored') return { status: 'ignored', module, records: [] };
  return {
    status: result.status,
    module,
    records: result.outcomes.map((o) => ({
      recordId: o.receipt.recordId,
      stored: o.stored,
      published: o.published,
    })),
  };
};
