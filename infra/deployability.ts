/**
 * Whether a tenant can be deployed, checked before anything is synthesized for AWS (the CDK app) and by `validate`:
 * it must be meant for AWS (demos are not), name the account and region it goes to, and that region must offer
 * every service the stack uses. A tenant that fails here still runs locally (`npm start`).
 */
import type { TenantConfig } from '../shared/config/tenant';

/**
 * Regions that lack a service the tenant stack needs, and which one. The stack uses Lambda, DynamoDB, EventBridge
 * (bus and Scheduler), SQS, SNS, Secrets Manager, API Gateway HTTP APIs, CloudWatch, X-Ray and SES (API v2, a
 * configuration set with EventBridge destinations). All but SES and Scheduler are in every commercial region; the
 * list names the regions known to be without SES v2 or Scheduler. Check the SES endpoints page
 * (https://docs.aws.amazon.com/general/latest/gr/ses.html) before adding a region, and add it here if it lacks one.
 */
export const REGIONS_WITHOUT: Readonly<Record<string, string>> = {
  'ap-east-1': 'Amazon SES (API v2)',
  'cn-north-1': 'Amazon SES (API v2)',
  'cn-northwest-1': 'Amazon SES (API v2)',
};

export interface DeployProblem {
  path: string;
  message: string;
}

/** What stops `tenant` from being deployed; empty when it can be. */
export const deployProblems = (tenant: TenantConfig): DeployProblem[] => {
  if (!tenant.deployable)
    return [
      {
        path: 'deployable',
        message:
          'is false: this tenant runs locally only (a demo); remove "deployable": false to deploy it, or pass ' +
          '-c includeDemo=true to synthesize it anyway',
      },
    ];
  const problems: DeployProblem[] = [];
  if (!tenant.aws.account)
    problems.push({ path: 'aws.account', message: 'is required to deploy (the 12-digit account id)' });
  if (!tenant.aws.region)
    problems.push({ path: 'aws.region', message: 'is required to deploy (e.g. eu-central-1)' });
  const missing = tenant.aws.region ? REGIONS_WITHOUT[tenant.aws.region] : undefined;
  if (missing)
    problems.push({
      path: 'aws.region',
      message: `${tenant.aws.region} does not offer ${missing}, which the stack needs; choose another region`,
    });
  return problems;
};
