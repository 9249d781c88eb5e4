/**
 * deploy with its real AWS adapters (deploy-aws.ts): the real SDK clients against local servers speaking each
 * protocol: CloudFormation (query: CDKToolkit and the tenant stack), SES v2 (REST JSON: identity and account),
 * Secrets Manager (the local runtime's stand-in) and the API's /health. Only the cdk CLI is a recording fake, and
 * STS, which has no stand-in, is answered at the SDK boundary (aws-sdk-client-mock) with the credentials' account.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeploy } from '../../../infra/cli/deploy';
import { awsDeployPorts } from '../../../infra/cli/deploy-aws';
import type { LocalEventBus } from '../../../infra/local/aws/event-bus';
import { startAwsStandIns } from '../../../infra/local/aws/router';
import type { LocalScheduler } from '../../../infra/local/aws/scheduler';
import { LocalSecretsManager } from '../../../infra/local/aws/secrets-manager';
import { TENANTS_DIR } from '../../../infra/tenants';
import { parseTenantConfig } from '../../../shared/config/tenant';
import { PING_BODY } from '../../../shared/ingest/generic-webhook';
import { verify } from '../../../shared/webhooks/standard-webhooks';
import { startCloudFormationStandIn } from '../../support/cloudformation-stand-in';
import { localClientConfig } from '../../support/local-aws';
import { terminal } from '../../support/terminal';

const demoJson = JSON.parse(readFileSync(join(TENANTS_DIR, 'demo.json'), 'utf8')) as Record<string, unknown>;
const acme = parseTenantConfig(
  {
    ...demoJson,
    id: 'acme',
    deployable: true,
    aws: { account: '123456789012', region: 'eu-central-1' },
    mail: { sender: 'sales@acme.example' },
  },
  'acme (test)',
);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:quotaflow/acme/app-1a2b3c4d-x';

const listen = async (server: Server) => {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

let cfn: Awaited<ReturnType<typeof startCloudFormationStandIn>>;
let ses: Server;
let sesEndpoint: string;
let api: Server;
let apiUrl: string;
let standIns: { server: Server; endpoint: string };
const secrets = new LocalSecretsManager();
const sesState = {
  identities: new Map<string, object>(),
  account: { ProductionAccessEnabled: true, SendingEnabled: true },
};
let dir: string;

// GetCallerIdentity names the account of the credentials the client was given (the test's, or its default).
const sts = mockClient(STSClient);
sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => ({
  Account: (await getClient().config.credentials()).accountId ?? '123456789012',
}));

beforeAll(async () => {
  cfn = await startCloudFormationStandIn();
  ses = createServer((req, res) => {
    const id = decodeURIComponent(/^\/v2\/email\/identities\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
    const found = id ? sesState.identities.get(id) : undefined;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v2/email/account') return res.end(JSON.stringify(sesState.account));
    if (found) return res.end(JSON.stringify(found));
    res.statusCode = 404;
    res.setHeader('x-amzn-errortype', 'NotFoundException');
    res.end(JSON.stringify({ message: `Email identity ${id} does not exist.` }));
  });
  sesEndpoint = await listen(ses);
  api = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/webhooks/generic') {
      // The stack's generic receiver, as far as the smoke test's ping goes: signed with the tenant secret's key.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const key = JSON.parse(secrets.get(SECRET_ARN) ?? '{}').genericWebhookSigningSecret as string;
        const h = (n: string) => req.headers[n] as string | undefined;
        try {
          verify(
            [key],
            { id: h('webhook-id'), timestamp: h('webhook-timestamp'), signature: h('webhook-signature') },
            body,
            new Date(),
          );
          res.statusCode = body === PING_BODY ? 200 : 400;
          res.end('{"status":"pong"}');
        } catch {
          res.statusCode = 401;
          res.end('{}');
        }
      });
      return;
    }
    res.statusCode = req.url === '/health' ? 200 : 404;
    res.end('{"ok":true}');
  });
  apiUrl = await listen(api);
  standIns = await startAwsStandIns({ bus: {} as LocalEventBus, scheduler: {} as LocalScheduler, secrets });
  dir = mkdtempSync(join(tmpdir(), 'qf-deploy-'));
});
afterAll(async () => {
  sts.restore();
  await cfn.stop();
  for (const s of [ses, api, standIns.server]) {
    s.closeAllConnections();
    await new Promise<void>((ok) => s.close(() => ok()));
  }
  rmSync(dir, { recursive: true, force: true });
});

const portsWith = (cdk: string[][], credentials?: { accountId: string }) =>
  awsDeployPorts({
    clientSettings: (service) => {
      const endpoint =
        service === 'cloudformation' ? cfn.endpoint : service === 'sesv2' ? sesEndpoint : standIns.endpoint;
      const local = localClientConfig(endpoint);
      return { ...local, credentials: { ...local.credentials, ...credentials } };
    },
    outputsDir: dir,
    cdk: async (args) => {
      cdk.push(args);
      // What `cdk deploy` leaves behind: the stack with its outputs, the secret CloudFormation generated.
      if (args[0] === 'deploy') {
        cfn.put({
          name: 'Quotaflow-acme',
          account: '123456789012',
          region: 'eu-central-1',
          outputs: {
            ApiUrl: apiUrl,
            TableName: 't',
            SecretArn: SECRET_ARN,
            EventBusName: 'b',
            DashboardName: 'd',
          },
        });
        secrets.put(SECRET_ARN, JSON.stringify({ genericWebhookSigningSecret: 'g'.repeat(40) }));
      }
      return 0;
    },
    confirm: async () => true,
  });

describe('deploy against AWS stand-ins', () => {
  it('refuses before any cdk run: no bootstrap, an unverified sender, the SES sandbox, the wrong account', async () => {
    sesState.identities.set('acme.example', {
      VerifiedForSendingStatus: false,
      DkimAttributes: { Status: 'PENDING' },
    });
    sesState.account = { ProductionAccessEnabled: false, SendingEnabled: true };
    const cdk: string[][] = [];
    const { t, term } = terminal();
    expect(await runDeploy(acme, { yes: true }, portsWith(cdk, { accountId: '999999999999' }), term)).toBe(2);
    expect(t.err).toContain('they are for account 999999999999, the tenant is in 123456789012');
    expect(t.err).toContain('no CDKToolkit stack in eu-central-1');
    expect(t.err).toContain('acme.example: not verified, DKIM PENDING');
    expect(t.err).toContain('in the SES sandbox in eu-central-1');
    expect(cdk).toEqual([]);
  });

  it('deploys: the account from CDKToolkit, outputs cached, the unsubscribe key added, /health checked', async () => {
    cfn.put({
      name: 'CDKToolkit',
      account: '123456789012',
      region: 'eu-central-1',
      status: 'UPDATE_COMPLETE',
    });
    sesState.identities.set('acme.example', {
      VerifiedForSendingStatus: true,
      DkimAttributes: { Status: 'SUCCESS' },
    });
    sesState.account = { ProductionAccessEnabled: true, SendingEnabled: true };
    const cdk: string[][] = [];
    const { t, term } = terminal();
    expect(await runDeploy(acme, { yes: true }, portsWith(cdk), term)).toBe(0);
    expect(t.err).toContain('ok   credentials    account 123456789012');
    expect(cdk.map((a) => a[0])).toEqual(['synth', 'diff', 'deploy']);
    const stored = JSON.parse(secrets.get(SECRET_ARN) ?? '{}') as Record<string, string>;
    expect(stored.genericWebhookSigningSecret).toBe('g'.repeat(40));
    expect(stored.unsubscribeSigningSecret?.length).toBeGreaterThanOrEqual(32);
    const cached = JSON.parse(readFileSync(join(dir, 'acme.json'), 'utf8'));
    expect(cached.outputs.SecretArn).toBe(SECRET_ARN);
    expect(t.err).toContain(`smoke test: GET ${apiUrl}/health 200`);
    expect(t.err).toContain(
      `smoke test: a signed test delivery to ${apiUrl}/webhooks/generic answered 200 (nothing stored)`,
    );
    expect(t.out).toContain(`  generic   ${apiUrl}/webhooks/generic`);
  });
});
