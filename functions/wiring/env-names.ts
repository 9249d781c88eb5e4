/**
 * The one table of a function's environment variables. functions/wiring/env.ts parses them, the CDK function construct
 * (infra/constructs/function.ts) sets them next to each grant, and the local runtime (infra/local/runtime.ts) gives
 * each function the same ones; none of the three spells a name itself.
 */

export const ENV = {
  /** The tenant's configuration as JSON: every function. */
  tenant: 'QUOTAFLOW_TENANT',
  /** The SHA-256 of QUOTAFLOW_TENANT as the stack validated it: every function (tenant-seal.ts). */
  tenantDigest: 'QUOTAFLOW_TENANT_DIGEST',
  tableName: 'TABLE_NAME',
  eventBusName: 'EVENT_BUS_NAME',
  secretId: 'SECRET_ID',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** Where the tenant API is reached from outside (unsubscribe links). */
  publicBaseUrl: 'PUBLIC_BASE_URL',
  scheduleGroupName: 'SCHEDULE_GROUP_NAME',
  scheduleTargetArn: 'SCHEDULE_TARGET_ARN',
  scheduleRoleArn: 'SCHEDULE_ROLE_ARN',
  scheduleDlqArn: 'SCHEDULE_DLQ_ARN',
  /** Local runtime only: chat webhook posts go to its stand-in instead of the provider. */
  chatEndpointOverride: 'CHAT_WEBHOOK_ENDPOINT_OVERRIDE',
  workflowsFile: 'QUOTAFLOW_WORKFLOWS_FILE',
  incentivesFile: 'QUOTAFLOW_INCENTIVES_FILE',
  goalsFile: 'QUOTAFLOW_GOALS_FILE',
  /** The SHA-256 of each shipped document as the stack validated it (documents.ts). */
  workflowsDigest: 'QUOTAFLOW_WORKFLOWS_DIGEST',
  incentivesDigest: 'QUOTAFLOW_INCENTIVES_DIGEST',
  goalsDigest: 'QUOTAFLOW_GOALS_DIGEST',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/**
 * What a function may touch, and the variables that tell it where: the stack turns each right into a grant next to
 * these variables, and the local runtime gives a function only the variables of its rights, so a function missing a
 * right fails on `npm start` as it would on AWS. The table comes in four sizes: `table` reads and writes anything;
 * `table:put` only puts items (every put in the code is conditional: a receipt stored once); `table:get` only reads
 * items by key; `table:query` only queries the table itself (no index).
 */
export const ACCESS_ENV = {
  table: [ENV.tableName],
  'table:put': [ENV.tableName],
  'table:get': [ENV.tableName],
  'table:query': [ENV.tableName],
  bus: [ENV.eventBusName],
  secrets: [ENV.secretId],
  mail: [ENV.sesConfigurationSet, ENV.publicBaseUrl],
  scheduler: [ENV.scheduleGroupName, ENV.scheduleTargetArn, ENV.scheduleRoleArn, ENV.scheduleDlqArn],
} as const satisfies Record<string, readonly EnvName[]>;

export type Access = keyof typeof ACCESS_ENV;

/** The variable naming a tenant document's file (functions/wiring/documents.ts), by document kind. */
export const DOCUMENT_ENV = {
  workflows: ENV.workflowsFile,
  incentives: ENV.incentivesFile,
  goals: ENV.goalsFile,
} as const;

export const DOCUMENT_DIGEST_ENV = {
  workflows: ENV.workflowsDigest,
  incentives: ENV.incentivesDigest,
  goals: ENV.goalsDigest,
} as const;

/**
 * The environment a function gets from `values` (what the tenant's resources are called): the tenant always, the
 * variables of each of its access rights, and the files of the documents it ships with. Values not given are left
 * out (the local runtime has no schedule DLQ, for one).
 */
export const environmentFor = (
  fn: { access: readonly Access[]; documents?: readonly (keyof typeof DOCUMENT_ENV)[] },
  values: Partial<Record<EnvName, string>>,
): Partial<Record<EnvName, string>> => {
  const names: EnvName[] = [
    ENV.tenant,
    ENV.tenantDigest,
    ENV.chatEndpointOverride,
    ...fn.access.flatMap((a) => ACCESS_ENV[a]),
    ...(fn.documents ?? []).flatMap((kind) => [DOCUMENT_ENV[kind], DOCUMENT_DIGEST_ENV[kind]]),
  ];
  return Object.fromEntries(names.flatMap((n) => (values[n] === undefined ? [] : [[n, values[n]]])));
};
