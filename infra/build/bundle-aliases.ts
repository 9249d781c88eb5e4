/**
 * Build-time only: module aliases for the Lambda bundles, shared by the CDK function construct and the bundle bench
 * so that what is measured is what ships. Nothing that runs the TypeScript directly (the local runtime, the CLI,
 * the tests, all through tsx) sees them.
 * - `form-data` (about 140 KB minified with mime-db) is pulled in by axios for multipart bodies, which the CRM
 *   connectors never send; form-data-stub.ts explains why the stub is safe.
 * - `@aws-sdk/credential-provider-node`, the SDK's default credential chain (about 85 KB: SSO, INI files with STS,
 *   credential_process, web identity, IMDS), becomes its first link only, the environment variables, which is where
 *   the Lambda runtime puts the execution role's credentials; lambda-credentials.ts says why.
 * - `debug` (about 10 KB with supports-color and ms) only prints when DEBUG names a namespace: off, see debug-stub.ts.
 * - `@smithy/core/event-streams` (about 13 KB) serves event-streaming operations, which none of the clients used
 *   here has: no-event-streams.ts.
 * - `#chinese-days-data`, China's holidays read from the `chinese-days` package (about 24 KB: a date library and
 *   lunar-calendar code around its holiday table, walked day by day at a first invocation), becomes a module holding
 *   the package's answer, generated at build time: chinese-days-data.ts.
 * - `mnemonist/lru-cache` (about 6 KB with obliterator) backs the DynamoDB client's endpoint-discovery cache, which
 *   no function turns on: a Map-based LRU with the methods that cache calls, endpoint-cache-lru.ts.
 * - `node:stream/web`, which @middy/core imports for streamed responses only (none here), and which costs about 3 ms
 *   of CPU at every cold start: web-streams-stub.ts.
 * - the AWS SDK clients become copies whose schemas the bundler can tree-shake (about 45 KB less with SESv2):
 *   sdk-schemas.ts.
 */
import { join } from 'node:path';
import { chineseDaysModule } from './chinese-days-data';
import { SDK_CLIENTS, shakableClient } from './sdk-schemas';

export const bundleAliases = (repoRoot: string): Record<string, string> => ({
  'form-data': join(repoRoot, 'infra', 'build', 'form-data-stub.ts'),
  '@aws-sdk/credential-provider-node': join(repoRoot, 'infra', 'build', 'lambda-credentials.ts'),
  debug: join(repoRoot, 'infra', 'build', 'debug-stub.ts'),
  '@smithy/core/event-streams': join(repoRoot, 'infra', 'build', 'no-event-streams.ts'),
  '#chinese-days-data': chineseDaysModule(),
  'mnemonist/lru-cache': join(repoRoot, 'infra', 'build', 'endpoint-cache-lru.ts'),
  'node:stream/web': join(repoRoot, 'infra', 'build', 'web-streams-stub.ts'),
  ...Object.fromEntries(SDK_CLIENTS.map((client) => [client, shakableClient(repoRoot, client)])),
});
