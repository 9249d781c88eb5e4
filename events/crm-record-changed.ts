/**
 * Published by ingest once a webhook delivery is stored. It carries a reference to the stored receipt rather than
 * the record (EventBridge entries are capped at 256 KB, webhook bodies may be as large).
 */

import { defineEvent } from './define';
import { CRM_OBJECTS } from './records';
import * as z from './zod';

export const crmRecordChanged = defineEvent({
  source: 'quotaflow.ingest',
  detailType: 'crm.record.changed',
  version: 1,
  schema: () =>
    z.object({
      version: z.literal(1),
      tenantId: z.string(),
      /** The CRM provider's id as registered (shared/crm/registry.ts): generic, zoho, fxiaoke... */
      provider: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)),
      deliveryId: z.string(),
      object: z.enum(CRM_OBJECTS),
      action: z.enum(['upsert', 'delete']),
      recordId: z.string(),
      correlationId: z.string(),
      receivedAt: z.iso.datetime(),
    }),
});
