/**
 * CloudFormation's ListStackResources for the local stack (infra/local/stack.ts), over the query protocol the
 * installed @aws-sdk/client-cloudformation speaks (form-encoded request, XML answer): how the admin commands find a
 * tenant's dead-letter queues and functions, here as on AWS. Nothing else of CloudFormation is served; written by
 * hand because it is one read-only operation over a list the runtime already has.
 */
import type { LocalStack, LocalStackResource } from '../stack';
import { AwsError } from './protocol';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const queryError = (err: AwsError): string =>
  `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${xml(err.type)}</Code>` +
  `<Message>${xml(err.message)}</Message></Error><RequestId>local</RequestId></ErrorResponse>`;

/** `physicalId` maps a resource to its physical id as CloudFormation gives it (a queue's is its URL). */
export const listStackResources = (
  stack: LocalStack,
  form: URLSearchParams,
  createdAt: Date,
  physicalId: (r: LocalStackResource) => string,
): string => {
  const action = form.get('Action');
  if (action !== 'ListStackResources')
    throw new AwsError('UnsupportedOperation', 400, `${action} is not served by the local CloudFormation`);
  const name = form.get('StackName');
  if (name !== stack.name) throw new AwsError('ValidationError', 400, `Stack with id ${name} does not exist`);
  const members = stack.resources
    .map(
      (r) =>
        `<member><LogicalResourceId>${xml(r.logicalId)}</LogicalResourceId>` +
        `<PhysicalResourceId>${xml(physicalId(r))}</PhysicalResourceId><ResourceType>${r.type}</ResourceType>` +
        `<LastUpdatedTimestamp>${createdAt.toISOString()}</LastUpdatedTimestamp>` +
        '<ResourceStatus>CREATE_COMPLETE</ResourceStatus></member>',
    )
    .join('');
  return (
    `<ListStackResourcesResponse xmlns="${NS}"><ListStackResourcesResult><StackResourceSummaries>${members}` +
    '</StackResourceSummaries></ListStackResourcesResult><ResponseMetadata><RequestId>local</RequestId>' +
    '</ResponseMetadata></ListStackResourcesResponse>'
  );
};
