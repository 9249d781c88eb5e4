/**
 * Fxiaoke as the product knows it without calling it: the tenant's `crm` section, the callback receiver, the
 * secrets, the watchdog facts. The connection is in ./provider.ts; the simulator in ./operator.ts.
 */
import * as z from '../../../events/zod';
import { httpsUrl, text } from '../../config/schema-parts';
import { fieldMapSchema, SOURCE_FIELD } from '../field-map';
import { defineCrmSettings } from '../provider';
import { defaultFxiaokeObjects } from './objects';

export const fxiaokeConnection = z.lazy(() =>
  z.strictObject({
    provider: z.literal('fxiaoke'),
    apiBaseUrl: z._default(httpsUrl, 'https://open.fxiaoke.com'),
    opportunityObject: z._default(z.enum(['NewOpportunityObj', 'OpportunityObj']), 'NewOpportunityObj'),
    /** The enterprise account (ea) callbacks are signed for; callbacks for another account are refused. */
    enterpriseAccount: z.optional(text(1, 100)),
    /** The open-platform user the API acts as (x-fs-userid / currentOpenUserId). */
    apiUserId: text(1, 100),
    authFlow: z._default(z.enum(['oauth2', 'legacy']), 'oauth2'),
    /** Which `sales_stage` option values mean won and lost. */
    wonStages: z._default(z.array(text(1, 200)).check(z.minLength(1)), ['5']),
    lostStages: z._default(z.array(text(1, 200)), ['6']),
    /** Source fields carried into record.fields, per canonical object: API name → canonical name. */
    fields: z._default(fieldMapSchema('fxiaoke'), {}),
    /** A custom text field on ActiveRecordObj (`field_xxx__c`) that holds each write-back's idempotency key. */
    activityKeyField: z.optional(
      z.string().check(z.regex(SOURCE_FIELD.fxiaoke, { error: 'must be a Fxiaoke field API name' })),
    ),
  }),
);

export type FxiaokeConfig = z.infer<typeof fxiaokeConnection>;

export const fxiaokeSettings = defineCrmSettings({
  id: 'fxiaoke',
  label: 'Fxiaoke',
  config: fxiaokeConnection,
  functions: [
    {
      id: 'ingest-fxiaoke',
      entry: 'functions/http/ingest-fxiaoke.ts',
      description:
        'Receives Fxiaoke data-change callbacks (signed, encrypted), acknowledges within the 3 s deadline',
      triggers: [{ kind: 'http', method: 'POST', path: '/webhooks/fxiaoke' }],
      access: ['table:put', 'table:get', 'bus', 'secrets'],
      memoryMb: 512,
      timeoutSeconds: 3,
    },
  ],
  readsRecords: true,
  writeBack: { objects: ['deal', 'lead', 'contact', 'account'] },
  secrets: {
    supplied: ['fxiaokeAppId', 'fxiaokeAppSecret', 'fxiaokePermanentCode', 'fxiaokeCallbackAesKey'],
  },
  watch: { reconcileModules: (crm) => defaultFxiaokeObjects(crm.opportunityObject), channelExpiry: false },
  withBaseUrl: (crm, url) => ({ ...crm, apiBaseUrl: url }),
  webhooks: () => [{ label: 'fxiaoke', path: '/webhooks/fxiaoke' }],
  nextSteps: (tenantId) => [`npm run quotaflow -- import --tenant ${tenantId}`],
  demoTenant: 'demo-fxiaoke',
  operator: () => import('./operator').then((m) => m.fxiaokeOperator),
});

/** The registry's name for this module's descriptor layer (infra/build/crm-providers.ts imports it by convention). */
export { fxiaokeSettings as settings };
