/**
 * The AWS SDK clients as Lambda bundles get them (infra/build/sdk-schemas.ts: copies whose schema traits esbuild can
 * tree-shake): a SESv2 SendEmail built with the bench's settings (the CDK construct's) sends the same request and
 * reads the same answers, success and a modelled error, as the package run unbundled.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literalSchemaKeys, versionOnlyPackageImport } from '../../infra/build/sdk-schemas';
import { bundleProbe, runNodeJson } from '../support/lambda-probe';

const ROOT = resolve(import.meta.dirname, '..', '..');

const SCRIPT = `
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
const client = new SESv2Client({
  endpoint: process.env.QF_TEST_ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});
try {
  const out = await client.send(new SendEmailCommand({
    FromEmailAddress: 'sales@example.com',
    Destination: { ToAddresses: ['李雷 <li.lei@example.com>'] },
    ConfigurationSetName: 'quotaflow',
    EmailTags: [{ Name: 'kind', Value: 'digest' }],
    Content: { Simple: { Subject: { Data: '本周摘要', Charset: 'UTF-8' }, Body: { Html: { Data: '<p>¥1,234.50</p>' } } } },
  }));
  process.stdout.write(JSON.stringify({ messageId: out.MessageId }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err.name, fault: err.$fault, status: err.$metadata?.httpStatusCode, message: err.message }));
}
`;

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  userAgent: string | undefined;
  body: unknown;
}

let server: Server;
let endpoint: string;
let bundleFile: string;
let inputs: string[];
const seen: Seen[] = [];
let reply: { status: number; headers: Record<string, string>; body: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        userAgent: req.headers['user-agent'],
        body: JSON.parse(body),
      });
      res.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'qf-bundle-sdk-'));
  bundleFile = join(dir, 'ses-probe.mjs');
  inputs = await bundleProbe(SCRIPT, bundleFile);
}, 60_000);

afterAll(async () => {
  await new Promise((ok) => server?.close(ok));
});

const run = (args: string[]) =>
  runNodeJson<Record<string, unknown>>(args, {
    PATH: process.env.PATH ?? '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    QF_TEST_ENDPOINT: endpoint,
  });

/** The request each way, and what each made of the answer. */
const bothWays = async () => {
  seen.length = 0;
  const bundled = await run([bundleFile]);
  const unbundled = await run(['--input-type=module', '-e', SCRIPT]);
  expect(seen).toHaveLength(2);
  return { bundled, unbundled, requests: [...seen] };
};

describe('SDK clients in the Lambda bundle', () => {
  it('come from the tree-shakable copy, without the service operations nobody calls', () => {
    expect(inputs.some((p) => p.includes('.cache/quotaflow-lambda/@aws-sdk+client-sesv2@'))).toBe(true);
    expect(versionOnlyPackageImport('import packageInfo from "../package.json";\nexport const x = 1;')).toBe(
      'import { version as packageVersion } from "../package.json";\nconst packageInfo = { version: packageVersion };\nexport const x = 1;',
    );
    expect(inputs.filter((p) => p.includes('node_modules/@aws-sdk/client-sesv2/'))).toEqual([]);
  });

  it('send the same SendEmail request and read the same message id', async () => {
    reply = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"MessageId":"m-1"}' };
    const { bundled, unbundled, requests } = await bothWays();
    expect(bundled).toEqual({ messageId: 'm-1' });
    expect(unbundled).toEqual(bundled);
    const [bundledRequest, unbundledRequest] = requests.map(({ userAgent, ...rest }) => rest);
    expect(bundledRequest).toEqual(unbundledRequest);
    // The copy imports only `version` from the client's package.json, and its user agent names it as the package's
    // ES build does (the CommonJS build, which Node runs unbundled, carries a version baked in at its own build).
    const { version } = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', '@aws-sdk', 'client-sesv2', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(requests[0]?.userAgent).toContain(`aws-sdk-js/${version} `);
    expect(requests[0]?.userAgent).toContain(`api/sesv2#${version} `);
    expect(bundledRequest).toMatchObject({
      method: 'POST',
      url: '/v2/email/outbound-emails',
      body: {
        FromEmailAddress: 'sales@example.com',
        Destination: { ToAddresses: ['李雷 <li.lei@example.com>'] },
        Content: { Simple: { Subject: { Data: '本周摘要', Charset: 'UTF-8' } } },
      },
    });
  });

  it('read a modelled error (its traits are what the copy rewrites) the same way', async () => {
    reply = {
      status: 400,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' },
      body: '{"message":"Email address is not verified."}',
    };
    const { bundled, unbundled } = await bothWays();
    expect(bundled).toEqual({
      error: 'MessageRejected',
      fault: 'client',
      status: 400,
      message: 'Email address is not verified.',
    });
    expect(unbundled).toEqual(bundled);
  });
});

describe('literalSchemaKeys', () => {
  it("spells a computed key that names one of the file's string constants as that string, no other", () => {
    const source = [
      'const _c = "client";',
      'const _e = "error";',
      'let _x = "not a constant";',
      'export var A$ = [-3, n0, _A, { [_e]: _c, [_hE]: 400, [_x]: 1 }, [], []];',
    ].join('\n');
    const out = literalSchemaKeys(source);
    expect(out).toContain('{ "error": _c, [_hE]: 400, [_x]: 1 }');
    expect(out.split('\n').slice(0, 3)).toEqual(source.split('\n').slice(0, 3));
  });
});
