/**
 * Zoho CRM as the product knows it without calling it: the tenant's `crm` section, the receivers (notification
 * channels, workflow-rule webhooks) and the channel renewal, the secrets, the watchdog facts. The connection
 * (reader, writer, scanner, users) is in ./provider.ts; the CLI connect step and the simulator in ./operator.ts.
 */
import { randomBytes } from 'node:crypto';
import * as z from '../../../events/zod';
import { httpsUrl, text } from '../../config/schema-parts';
import { fieldMapSchema, SOURCE_FIELD } from '../field-map';
import { defineCrmSettings } from '../provider';
import { generateChannelToken } from './channel-token';

/** Zoho data centres and their accounts/API hosts (crm-protocols.md §1.1); both are overridable. */
export const ZOHO_DATA_CENTRES = [
  'com',
  'eu',
  'in',
  'com.au',
  'jp',
  'com.cn',
  'zohocloud.ca',
  'sa',
  'uk',
] as const;

export const zohoConnection = z.lazy(() =>
  z.strictObject({
    provider: z.literal('zoho'),
    dataCenter: z.enum(ZOHO_DATA_CENTRES),
    /** Overrides https://accounts.zoho.<dc>. */
    accountsUrl: z.optional(httpsUrl),
    /** Overrides the api_domain returned with the token. */
    apiBaseUrl: z.optional(httpsUrl),
    modules: z._default(z.array(text(1, 100)).check(z.minLength(1)), [
      'Deals',
      'Leads',
      'Contacts',
      'Accounts',
      'Tasks',
    ]),
    /** Which `Stage` picklist values mean won and lost (tenants rename them). */
    wonStages: z._default(z.array(text(1, 200)).check(z.minLength(1)), ['Closed Won']),
    lostStages: z._default(z.array(text(1, 200)), ['Closed Lost', 'Closed-Lost to Competition']),
    /** Source fields carried into record.fields, per canonical object: API name → canonical name. */
    fields: z._default(fieldMapSchema('zoho'), {}),
    /**
     * A unique single-line custom field on Tasks and Calls that holds each write-back's idempotency key; with it a
     * repeated write updates the first task instead of making a second.
     */
    activityKeyField: z.optional(
      z.string().check(z.regex(SOURCE_FIELD.zoho, { error: 'must be a Zoho field API name' })),
    ),
    /**
     * Workflow-rule webhooks (POST /webhooks/zoho/workflow): where the rule's webhook sends the shared secret
     * (tenant secret zohoWorkflowWebhookSecret), as a header or a query parameter. Unset: the route refuses all.
     */
    workflowWebhook: z.optional(
      z
        .strictObject({
          header: z.optional(
            z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'must be an HTTP header name' })),
          ),
          queryParameter: z.optional(
            z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be a query parameter name' })),
          ),
        })
        .check(
          z.refine((w) => (w.header === undefined) !== (w.queryParameter === undefined), {
            error: 'name exactly one of header and queryParameter',
          }),
        ),
    ),
  }),
);

export type ZohoConfig = z.infer<typeof zohoConnection>;

const ingest = {
  access: ['table:put', 'table:get', 'bus', 'secrets'] as const,
  memoryMb: 512,
  timeoutSeconds: 10,
};

export const zohoSettings = defineCrmSettings({
  id: 'zoho',
  label: 'Zoho CRM',
  config: zohoConnection,
  functions: [
    {
      id: 'ingest-zoho',
      entry: 'functions/http/ingest-zoho.ts',
      description:
        'Receives Zoho CRM notification-channel posts, stores a receipt per record, publishes crm.record.changed',
      triggers: [{ kind: 'http', method: 'POST', path: '/webhooks/zoho' }],
      ...ingest,
      access: [...ingest.access],
    },
    {
      id: 'zoho-channel-renewal',
      entry: 'functions/schedules/zoho-channels.ts',
      description:
        'Renews Zoho notification channels before they expire (at most a week); alarms if one cannot be',
      triggers: [
        {
          kind: 'schedule',
          name: 'zohoChannelRenewal',
          defaultExpression: 'rate(12 hours)',
          description: 'Check Zoho notification channels and renew those close to expiry',
        },
      ],
      access: ['table', 'secrets'],
      timeoutSeconds: 60,
    },
    {
      id: 'ingest-zoho-workflow',
      entry: 'functions/http/ingest-zoho-workflow.ts',
      description:
        'Receives Zoho workflow-rule webhooks (per-tenant secret), stores a receipt per record, publishes crm.record.changed',
      triggers: [{ kind: 'http', method: 'POST', path: '/webhooks/zoho/workflow' }],
      ...ingest,
      access: [...ingest.access],
    },
  ],
  readsRecords: true,
  writeBack: { objects: ['deal', 'lead', 'contact', 'account'] },
  secrets: {
    supplied: ['zohoClientId', 'zohoClientSecret'],
    generated: (crm) => ({
      zohoChannelToken: generateChannelToken,
      ...(crm.workflowWebhook
        ? { zohoWorkflowWebhookSecret: () => randomBytes(32).toString('base64url') }
        : {}),
    }),
  },
  watch: { reconcileModules: (crm) => [...crm.modules], channelExpiry: true },
  withBaseUrl: (crm, url) => ({ ...crm, accountsUrl: url, apiBaseUrl: url }),
  webhooks: (crm) => [
    { label: 'zoho', path: '/webhooks/zoho' },
    ...(crm.workflowWebhook ? [{ label: 'zoho rule', path: '/webhooks/zoho/workflow' }] : []),
  ],
  nextSteps: (tenantId) => [
    `npm run quotaflow -- connect zoho --tenant ${tenantId} --code <grant code> --redirect-uri <uri>`,
    `npm run quotaflow -- import --tenant ${tenantId}`,
  ],
  demoTenant: 'demo-zoho',
  operator: () => import('./operator').then((m) => m.zohoOperator),
});

/** The registry's name for this module's descriptor layer (infra/build/crm-providers.ts imports it by convention). */
export { zohoSettings as settings };
