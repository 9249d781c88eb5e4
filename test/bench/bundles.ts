/**
 * Per-function bundle size and module init time: each manifest entry bundled as the CDK function construct does
 * (esbuild, ESM, minified, AWS SDK bundled), then imported in fresh Node processes; median of N runs, compared with a
 * bundle that holds only the DynamoDB client (the floor for any function that touches the table).
 * QF_BENCH_KEEP_BUNDLES=<folder> keeps each bundle there with the environment it was timed with (`<id>.env.json`),
 * for counting instructions: `env $(jq -r 'to_entries[]|"\(.key)=\(.value)"' <id>.env.json) valgrind
 * --tool=callgrind node --random-seed=42 <id>.mjs` (the README's Benchmarks section).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { functions } from '../../functions/manifest';
import { localDocumentEnv } from '../../functions/wiring/documents';
import { type EnvName, environmentFor } from '../../functions/wiring/env-names';
import { sealedTenantEnv } from '../../functions/wiring/tenant-seal';
import { bundleAliases } from '../../infra/build/bundle-aliases';
import { crmProviderAliases, OPERATOR_EXTERNAL } from '../../infra/build/crm-providers';
import { shippedDocument } from '../../infra/documents';
import { parseTenantConfig } from '../../shared/config/tenant';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface BundleFigure {
  function: string;
  bytes: number;
  initMedianMs: number;
  initRatioToSdkOnly?: number;
}

/**
 * The CDK function construct's bundling settings (node20 here so the bundles run on this machine's Node), for a
 * tenant on `provider`: its bundles compile in only that CRM (infra/build/crm-providers.ts).
 */
export const lambdaBuildOptions = (provider = 'generic'): BuildOptions => ({
  bundle: true,
  minify: true,
  charset: 'utf8',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  alias: { ...bundleAliases(ROOT), ...crmProviderAliases(ROOT, provider) },
  external: [OPERATOR_EXTERNAL],
  nodePaths: [join(ROOT, 'node_modules')],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  logLevel: 'silent',
});

const bundle = async (entry: string, outfile: string, provider?: string): Promise<number> => {
  await build({ ...lambdaBuildOptions(provider), entryPoints: [entry], outfile });
  return statSync(outfile).size;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Import time of a module in a fresh process, measured inside that process (excludes Node's own boot). */
const initMs = (file: string, env: Record<string, string>, runs: number): number => {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    times.push(Number(out));
  }
  return median(times);
};

export const measureBundles = async (runs = 11): Promise<BundleFigure[]> => {
  const keep = process.env.QF_BENCH_KEEP_BUNDLES;
  const dir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'qf-bundles-'));
  mkdirSync(dir, { recursive: true });
  const tenant = JSON.parse(readFileSync(join(ROOT, 'tenants', 'demo.json'), 'utf8')) as unknown;
  const env = {
    QUOTAFLOW_TENANT: JSON.stringify(tenant),
    TABLE_NAME: 'bench-table',
    EVENT_BUS_NAME: 'bench-bus',
    SECRET_ID: 'bench-secret',
    SCHEDULE_GROUP_NAME: 'bench',
    SCHEDULE_TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
    SCHEDULE_ROLE_ARN: 'arn:aws:iam::000000000000:role/bench',
    SES_CONFIGURATION_SET: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const baselineEntry = join(dir, 'sdk-only.ts');
  writeFileSync(
    baselineEntry,
    "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';\n" +
      'const client = new DynamoDBClient({});\n' +
      "export const handler = () => client.send(new PutItemCommand({ TableName: 't', Item: {} }));\n",
  );
  const baselineOut = join(dir, 'sdk-only.mjs');
  const figures: BundleFigure[] = [];
  // Provider-specific functions refuse to start for a tenant on another CRM: give each the tenant it serves.
  const tenantFor = (providers?: readonly string[]) => {
    const crm =
      providers?.[0] === 'zoho'
        ? { provider: 'zoho', dataCenter: 'com' }
        : providers?.[0] === 'fxiaoke'
          ? { provider: 'fxiaoke', apiUserId: 'FSUID_BENCH' }
          : (tenant as { crm: unknown }).crm;
    return JSON.stringify({ ...(tenant as object), crm });
  };
  // Functions every tenant gets are measured for a tenant on Zoho CRM, the CRM whose code weighs most.
  const benchProvider = 'zoho';
  const baselineBytes = await bundle(baselineEntry, baselineOut);
  const baselineMs = initMs(baselineOut, env, runs);
  if (keep) writeFileSync(join(dir, 'sdk-only.env.json'), JSON.stringify(env, null, 2));
  figures.push({ function: '(DynamoDB client only)', bytes: baselineBytes, initMedianMs: baselineMs });
  // alarm-chat is deployed only for a tenant with an alarm chat group, and refuses to start without one.
  const alarmChat = {
    alarms: { chat: { format: 'slack', url: 'https://hooks.slack.com/services/T0/B0/bench' } },
  };
  // The demo's documents, shipped as the stack ships them (validated, with their digests); each function gets those it
  // declares: a function that reads one as it loads (the runner, manager-digest) pays for it here, as on Lambda.
  const documents = localDocumentEnv('demo', (kind, file) =>
    shippedDocument(kind, file, new Date().getUTCFullYear(), 'demo'),
  );
  for (const fn of functions) {
    const out = join(dir, `${fn.id}.mjs`);
    const bytes = await bundle(join(ROOT, fn.entry), out, fn.providers?.[0] ?? benchProvider);
    const tenantJson =
      fn.id === 'alarm-chat'
        ? JSON.stringify({ ...JSON.parse(tenantFor(fn.providers ?? [benchProvider])), ...alarmChat })
        : tenantFor(fn.providers ?? [benchProvider]);
    // As the stack hands it over: the validated config and its digest (functions/wiring/tenant-seal.ts).
    const sealed = sealedTenantEnv(parseTenantConfig(JSON.parse(tenantJson), `${fn.id} bench tenant`));
    const declared = environmentFor(
      { access: [], documents: fn.documents ?? [] },
      documents as Partial<Record<EnvName, string>>,
    );
    const fnEnv = { ...env, ...sealed, ...declared };
    if (keep) writeFileSync(join(dir, `${fn.id}.env.json`), JSON.stringify(fnEnv, null, 2));
    const ms = initMs(out, fnEnv, runs);
    figures.push({ function: fn.id, bytes, initMedianMs: ms, initRatioToSdkOnly: ms / baselineMs });
  }
  return figures;
};
