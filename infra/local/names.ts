/**
 * What the local runtime calls the tenant's resources, and the region and keys its stand-ins take. The runtime
 * (runtime.ts) names them from here, and so does the CLI when it reaches a running `npm start`
 * (infra/cli/tenant-target.ts), without loading the stand-ins.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const localResources = (tenantId: string) => ({
  tableName: `quotaflow-${tenantId}`,
  eventBusName: `quotaflow-${tenantId}`,
  secretId: `quotaflow/${tenantId}/app`,
  scheduleGroupName: `quotaflow-${tenantId}`,
});
