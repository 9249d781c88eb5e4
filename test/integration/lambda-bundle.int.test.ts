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
    expect(modules.filter((p) => /date-holidays|moment-timezone|astronomia/.test(p))).toEqual([]);
  }, 60_000);

  it('answer like the chinese-days package for every year it has, and the years around', async () => {
    type Lite = { default: Pick<typeof chineseDaysPackage, 'getHolidaysInRange' | 'getWorkdaysInRange'> };
    const lite = ((await import(pathToFileURL(chineseDaysModule()).href)) as Lite).default;
    const years = Object.keys(chineseDaysTable()).map(Number);
    const last = Math.max(...years);
    expect(Math.min(...years)).toBe(2004);
    expect(last).toBeGreaterThanOrEqual(2026);
    const ranges: [string, string][] = [];
    for (let y = 2003; y <= last + 1; y++) ranges.push([`${y}-01-01`, `${y}-12-31`]);
    // Ranges a caller may ask besides whole years: across a year end, across several, through a leap day, one day,
    // starting on a holiday and ending inside a month, and an empty one.
    ranges.push(
      ['2024-12-15', '2025-02-15'],
      ['2019-06-03', '2023-01-09'],
      ['2024-02-27', '2024-03-02'],
      ['2025-10-01', '2025-10-01'],
      ['2025-01-28', '2025-02-08'],
      ['2026-05-02', '2026-04-30'],
    );
    for (const [from, to] of ranges) {
      expect(lite.getHolidaysInRange(from, to, false), `holidays ${from}…${to}`).toEqual(
        chineseDaysPackage.getHolidaysInRange(from, to, false),
      );
      expect(lite.getWorkdaysInRange(from, to, true), `workdays ${from}…${to}`).toEqual(
        chineseDaysPackage.getWorkdaysInRange(from, to, true),
      );
    }
    // 2025's Spring Festival: named holidays, and the Sunday before it a make-up working day.
    expect(lite.getHolidaysInRange('2025-01-28', '2025-01-28', false)).toEqual(['2025-01-28']);
    expect(lite.getWorkdaysInRange('2025-01-26', '2025-01-26', true)).toEqual(['2025-01-26']);
    expect(() => lite.getHolidaysInRange('2025-01-01', '2025-12-31', true)).toThrow(
      /includeWeekends = false/,
    );
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
