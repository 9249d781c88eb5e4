/**
 * The generic signed webhook as a CRM: any system pushes whole canonical records, signed per Standard Webhooks.
 * Its receiver (POST /webhooks/generic, shared/ingest/generic-webhook.ts) serves every tenant, whatever its CRM, so it
 * is declared in the manifest rather than here; a tenant on `generic` has nothing to connect, read or write back.
 */
import * as z from '../../../events/zod';
import { defineCrmProvider } from '../provider';

export const genericConnection = z.lazy(() =>
  z.strictObject({
    provider: z.literal('generic'),
  }),
);

export const genericProvider = defineCrmProvider({
  id: 'generic',
  label: 'generic webhook',
  config: genericConnection,
  functions: [],
  readsRecords: false,
  secrets: { supplied: [] },
  watch: { reconcileModules: () => [], channelExpiry: false },
  webhooks: () => [],
  nextSteps: () => [],
  demoTenant: 'demo',
});

/** The registry's names for the descriptor (infra/build/crm-providers.ts imports them by convention). */
export { genericProvider as settings, genericProvider as provider };
