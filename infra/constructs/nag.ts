/**
 * cdk-nag v3 acknowledgements. v3 has no bulk suppression: a granular finding (IAM4/IAM5) must be acknowledged by
 * its exact id, which embeds the flattened CloudFormation reference (e.g. `Resource::<Table1234.Arn>/index/*`).
 * Those ids are computed here from the same tokens the grants use, so a renamed construct cannot silently turn an
 * acknowledgement into a dead one (the finding would reappear and fail the nag test instead).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/** Acknowledge a rule on a construct and everything below it; the reason is the audit record. */
export const acknowledge = (scope: IConstruct, id: string, reason: string): void =>
  Validations.of(scope).acknowledge({ id, reason });

/** Acknowledge an AwsSolutions-IAM5 wildcard-resource finding for an ARN token of this stack. */
export const acknowledgeWildcardResource = (scope: IConstruct, arn: string, reason: string): void =>
  acknowledge(
    scope,
    `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`,
    reason,
  );

/** Acknowledge an AwsSolutions-IAM4 finding for an AWS-managed policy (its ARN's partition may be a token). */
export const acknowledgeManagedPolicy = (scope: IConstruct, policyName: string, reason: string): void => {
  const arn = iam.ManagedPolicy.fromAwsManagedPolicyName(policyName).managedPolicyArn;
  acknowledge(
    scope,
    `AwsSolutions-IAM4[Policy::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`,
    reason,
  );
};

/** Every queue in a tenant stack is a dead-letter queue; cdk-nag only recognises one through a redrive policy. */
export const acknowledgeDeadLetterQueue = (queue: IConstruct): void => {
  const reason =
    'This queue is itself a dead-letter queue (Lambda async DLQ or EventBridge/Scheduler target DLQ); it is ' +
    'alarmed and redriven by hand, so a DLQ behind it would only hide messages.';
  acknowledge(queue, 'AwsSolutions-SQS3', reason);
  acknowledge(queue, 'Serverless-SQSRedrivePolicy', reason);
};
