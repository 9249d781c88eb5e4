/**
 * A CloudFormation stand-in on loopback that speaks the query protocol the real SDK client uses (form-encoded POST,
 * XML answers): DescribeStacks for the stacks a test puts in `stacks`, and CloudFormation's ValidationError for
 * any other name. `calls` counts requests, so a test can tell a cached answer from a fresh one.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInStack {
  name: string;
  account: string;
  region: string;
  status?: string;
  outputs?: Record<string, string>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const stackXml = (s: StandInStack) =>
  `<member><StackName>${xml(s.name)}</StackName>` +
  `<StackId>arn:aws:cloudformation:${s.region}:${s.account}:stack/${xml(s.name)}/0a1b2c3d</StackId>` +
  `<CreationTime>2026-11-30T08:00:00.000Z</CreationTime><StackStatus>${s.status ?? 'CREATE_COMPLETE'}</StackStatus>` +
  `<Outputs>${Object.entries(s.outputs ?? {})
    .map(([k, v]) => `<member><OutputKey>${xml(k)}</OutputKey><OutputValue>${xml(v)}</OutputValue></member>`)
    .join('')}</Outputs></member>`;

export const startCloudFormationStandIn = async () => {
  const stacks = new Map<string, StandInStack>();
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      calls.push(action);
      const name = form.get('StackName') ?? '';
      const stack = stacks.get(name);
      res.setHeader('content-type', 'text/xml');
      if (action !== 'DescribeStacks' || !stack) {
        res.statusCode = 400;
        const message =
          action === 'DescribeStacks' ? `Stack with id ${name} does not exist` : `${action} is not supported`;
        res.end(
          `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>` +
            `<Code>ValidationError</Code><Message>${xml(message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
        );
        return;
      }
      res.end(
        `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>` +
          `<Stacks>${stackXml(stack)}</Stacks></DescribeStacksResult>` +
          '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>',
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    stacks,
    calls,
    put: (s: StandInStack) => stacks.set(s.name, s),
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
};
