/**
 * What the local runtime calls the tenant's resources, and the region and keys its stand-ins take. The runtime
 * (runtime.ts) names them from here, and so does the CLI when it reaches a running `npm start`
 * (infra/cli/tenant-target.ts), without loading the stand-ins.
 */
import { ENV } from '../../functions/wiring/env-names';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const localResources = (tenantId: string) => ({
  tableName: `quotaflow-${tenantId}`,
  eventBusName: `quotaflow-${tenantId}`,
  secretId: `quotaflow/${tenantId}/app`,
  scheduleGroupName: `quotaflow-${tenantId}`,
});

/**
 * What the runtime tells tools run beside it (runtime.json, GET /_local/status), such as the CLI: each stand-in's
 * endpoint under the SDK's own AWS_ENDPOINT_URL_<SERVICE> name, the stack's name, and the table and bus under the
 * names of the env-name table.
 */
export const localEndpoints = (
  at: { dynamodb: string; sesv2: string; standIns: string },
  names: { stackName: string; tableName: string; eventBusName: string },
): Record<string, string> => ({
  AWS_ENDPOINT_URL_DYNAMODB: at.dynamodb,
  AWS_ENDPOINT_URL_SESV2: at.sesv2,
  AWS_ENDPOINT_URL_EVENTBRIDGE: at.standIns,
  AWS_ENDPOINT_URL_SCHEDULER: at.standIns,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: at.standIns,
  AWS_ENDPOINT_URL_SQS: at.standIns,
  AWS_ENDPOINT_URL_CLOUDWATCH: at.standIns,
  AWS_ENDPOINT_URL_LAMBDA: at.standIns,
  AWS_ENDPOINT_URL_CLOUDFORMATION: at.standIns,
  STACK_NAME: names.stackName,
  [ENV.tableName]: names.tableName,
  [ENV.eventBusName]: names.eventBusName,
});
