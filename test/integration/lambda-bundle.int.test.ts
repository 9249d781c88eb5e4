/**
 * The Lambda bundle's module aliases (infra/build/bundle-aliases.ts), checked on a real bundle built with the bench's
 * settings (the CDK construct's) and run in a fresh Node process against dynalite: the SDK signs with the
 * environment's credentials; a profile file, which only the full default chain reads, is not looked at in the
 * bundle, while the same code run unbundled (as the local runtime and the CLI run it) still finds it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import chineseDaysPackage from 'chinese-days';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseDaysModule, chineseDaysTable } from '../../infra/build/chinese-days-data';
import { type LocalDynamo, startDynamo } from '../../infra/local/dynamodb';
import { chineseDaysData } from '../../shared/workflows/chinese-days-source';
import { lambdaBuildOptions } from '../bench/bundles';
import { bundleProbe, runNodeJson } from '../support/lambda-probe';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Lists the tables with a client given no credentials, so the client's default provider decides. */
const SCRIPT = `
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ endpoint: process.env.QF_TEST_ENDPOINT, region: 'us-east-1', maxAttempts: 1 });
try {
  const out = await client.send(new ListTablesCommand({}));
  process.stdout.write(JSON.stringify({ tables: out.TableNames }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err.message }));
}
`;

let dynamo: LocalDynamo;
let dir: string;
let bundleFile: string;
let inputs: string[];
let profileEnv: Record<string, string>;

beforeAll(async () => {
  dynamo = await startDynamo({ tableName: 'quotaflow-bundle-test' });
  dir = mkdtempSync(join(tmpdir(), 'qf-bundle-test-'));
  bundleFile = join(dir, 'probe.mjs');
  inputs = await bundleProbe(SCRIPT, bundleFile);
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(
    credentialsFile,
    '[default]\naws_access_key_id = fromfile\naws_secret_access_key = fromfile\n',
  );
  profileEnv = { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: join(dir, 'config') };
});

afterAll(async () => {
  await dynamo?.stop();
});

/**
 * In a clean environment: no AWS variables from the test process, no home directory with a profile, no IMDS.
 * Asynchronous: dynalite answers from this process's event loop.
 */
const run = (args: string[], env: Record<string, string>) =>
  runNodeJson<{ tables?: string[]; error?: string }>(args, {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    QF_TEST_ENDPOINT: dynamo.endpoint,
    ...env,
  });

const runBundle = (env: Record<string, string>) => run([bundleFile], env);
const runUnbundled = (env: Record<string, string>) => run(['--input-type=module', '-e', SCRIPT], env);

describe('Lambda bundle aliases', () => {
  it('leave the credential chain past the environment, event streams, debug and mnemonist out of the bundle', () => {
    const unwanted = inputs.filter((p) =>
      /credential-provider-(node|ini|sso|process|web-identity|http)|nested-clients|event-streams\/|node_modules\/(debug|mnemonist)\//.test(
        p,
      ),
    );
    expect(unwanted).toEqual([]);
    expect(inputs.some((p) => p.includes('credential-provider-env'))).toBe(true);
  });

  it('sign with the credentials the Lambda runtime puts in the environment', async () => {
    expect(
      await runBundle({
        AWS_ACCESS_KEY_ID: 'AKIDLAMBDA',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
      }),
    ).toEqual({ tables: ['quotaflow-bundle-test'] });
  });

  it('refuse clearly when the environment has none, without reading profile files', async () => {
    expect((await runBundle(profileEnv)).error).toMatch(/^no AWS credentials in the environment/);
  });

  it('leave code run without bundling (local runtime, CLI) on the full default chain', async () => {
    expect(await runUnbundled(profileEnv)).toEqual({ tables: ['quotaflow-bundle-test'] });
  });
});

describe('holiday data in the workflow functions', () => {
  it('bundle chinese-days as its generated dates, never date-holidays (its calendars reach functions as dates)', async () => {
    const result = await build({
      ...lambdaBuildOptions(),
      entryPoints: [join(ROOT, 'functions/events/workflow-runner.ts')],
      outfile: join(dir, 'workflow-runner.mjs'),
      metafile: true,
    });
    const modules = Object.keys(result.metafile.inputs);
    expect(modules.some((p) => p.endsWith('chinese-days.mjs'))).toBe(true);
    expect(modules.filter((p) => p.includes('node_modules/chinese-days/'))).toEqual([]);
    expect(modules.filter((p) => p.includes('chinese-days-source'))).toEqual([]);
    expect(modules.filter((p) => /date-holidays|moment-timezone|astronomia/.test(p))).toEqual([]);
  }, 60_000);

  it('hold exactly what the chinese-days package gives, every year it has', async () => {
    type Generated = { chineseDaysData: typeof chineseDaysData; CHINESE_DAYS_FROM: number };
    const generated = (await import(pathToFileURL(chineseDaysModule()).href)) as Generated;
    const fromPackage = chineseDaysData();
    expect(generated.chineseDaysData()).toStrictEqual(fromPackage);
    expect(generated.CHINESE_DAYS_FROM).toBe(2004);
    expect(fromPackage.lastYear).toBeGreaterThanOrEqual(2026);
    expect(chineseDaysTable().years).toHaveLength((fromPackage.lastYear ?? 0) - 2004 + 1);
    // 2025's Spring Festival in the package's own words: 28 January named, the Sunday before it a make-up working day.
    expect(chineseDaysPackage.getHolidaysInRange('2025-01-28', '2025-01-28', false)).toEqual(['2025-01-28']);
    expect(fromPackage.holidays).toContain('2025-01-28');
    expect(chineseDaysPackage.isWorkday('2025-01-26')).toBe(true);
    expect(fromPackage.makeUpWorkdays).toContain('2025-01-26');
    expect(fromPackage.holidays).not.toContain('2025-01-26');
  });
});

describe('A Lambda bundle with middy', () => {
  // A handler as the functions build theirs; what it prints: the web-streams modules Node loaded, and what
  // `instanceof ReadableStream` (middy's one use of node:stream/web) answers through the bundle's stand-in.
  const MIDDY_SCRIPT = `
import middy from '@middy/core';
import { ReadableStream } from 'node:stream/web';
const handler = middy().handler(async () => ({ statusCode: 200, body: 'ok' }));
// Node's boot loads webstreams/util itself; node:stream/web would add the streams, adapters and compression.
const streams = ['stream/web', 'webstreams/readablestream', 'webstreams/writablestream', 'webstreams/adapters'];
const loaded = process.moduleLoadList.filter((m) => streams.some((s) => m.endsWith(s)));
const result = await handler({}, {});
process.stdout.write(JSON.stringify({
  loaded,
  result,
  stream: new globalThis.ReadableStream() instanceof ReadableStream,
  plain: ({}) instanceof ReadableStream,
}));
`;

  it('loads no web-streams module at import, and still tells a ReadableStream from a plain body', async () => {
    const file = join(dir, 'middy-probe.mjs');
    const taken = await bundleProbe(MIDDY_SCRIPT, file);
    expect(taken.some((i) => i.endsWith('infra/build/web-streams-stub.ts'))).toBe(true);
    const out = await runNodeJson<{ loaded: string[]; result: unknown; stream: boolean; plain: boolean }>(
      [file],
      { PATH: process.env.PATH ?? '' },
    );
    expect(out).toEqual({ loaded: [], result: { statusCode: 200, body: 'ok' }, stream: true, plain: false });
  });
});
