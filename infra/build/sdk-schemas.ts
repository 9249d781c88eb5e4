/**
 * Build-time only: AWS SDK clients whose schemas the bundler can tree-shake. Each client's dist-es/schemas/schemas_0.js
 * describes every operation of the service; esbuild drops the shapes an operation never reaches, except those that
 * hold a traits object keyed by a constant (`{ [_e]: _c }`): a computed key might run code, so esbuild keeps the
 * shape, and with it everything the shape refers to. For SESv2 that keeps about 45 KB of the account, dedicated-IP
 * and deliverability APIs in every function that sends one email.
 *
 * This copies a client's dist-es (and its package.json, which it imports) under node_modules/.cache, with each
 * computed key whose name is one of the file's own string constants written as that string: the same objects, only
 * spelled so that esbuild can see they are pure. Its runtime config imports the whole package.json for one field,
 * `version` (the user agent): the copy imports that field by name, so the bundle holds the version string instead of
 * the manifest (about 2 KB per client). The Lambda bundles alias the client to the copy
 * (bundle-aliases.ts); its own imports still resolve from the repository's node_modules. Keyed by the client's
 * version, written to a temporary directory then renamed, so concurrent builds never see half a copy.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The clients the functions use (functions/manifest.ts access rights); lib-dynamodb reaches client-dynamodb. */
export const SDK_CLIENTS = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-eventbridge',
  '@aws-sdk/client-scheduler',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-sesv2',
] as const;

/** `{ [_e]: _c }` → `{ "error": _c }` for each `const _e = "error";` of the file; any other computed key stays. */
export const literalSchemaKeys = (source: string): string => {
  const constants = new Map(
    [...source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  return source.replace(/\[(_\w+)\]:/g, (whole, name: string) => constants.get(name)?.concat(':') ?? whole);
};

/** `import packageInfo from "../package.json";` → the same binding holding only `version`, imported by name. */
export const versionOnlyPackageImport = (source: string): string =>
  source.replace(
    /^import packageInfo from "(\.\.\/package\.json)";$/m,
    (_whole, file: string) =>
      `import { version as packageVersion } from "${file}";\nconst packageInfo = { version: packageVersion };`,
  );

/** Bumped when the copy's rewrites change, so that a cached copy made by older rewrites is not reused. */
const REWRITES = 2;

const copies = new Map<string, string>();

/** The entry (dist-es/index.js) of the client's tree-shakable copy. */
export const shakableClient = (repoRoot: string, client: string): string => {
  const cached = copies.get(client);
  if (cached) return cached;
  const source = join(repoRoot, 'node_modules', client);
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string };
  const cacheDir = join(repoRoot, 'node_modules', '.cache', 'quotaflow-lambda');
  const target = join(cacheDir, `${client.replace('/', '+')}@${version}-r${REWRITES}`);
  if (!existsSync(target)) {
    mkdirSync(cacheDir, { recursive: true });
    const work = mkdtempSync(join(cacheDir, 'tmp-'));
    cpSync(join(source, 'dist-es'), join(work, 'dist-es'), { recursive: true });
    cpSync(join(source, 'package.json'), join(work, 'package.json'));
    const schemas = join(work, 'dist-es', 'schemas', 'schemas_0.js');
    if (existsSync(schemas)) writeFileSync(schemas, literalSchemaKeys(readFileSync(schemas, 'utf8')));
    const runtimeConfig = join(work, 'dist-es', 'runtimeConfig.js');
    if (existsSync(runtimeConfig))
      writeFileSync(runtimeConfig, versionOnlyPackageImport(readFileSync(runtimeConfig, 'utf8')));
    try {
      renameSync(work, target);
    } catch (err) {
      // Another build renamed its copy first: same version, same content.
      rmSync(work, { recursive: true, force: true });
      if (!existsSync(target)) throw err;
    }
  }
  const entry = join(target, 'dist-es', 'index.js');
  copies.set(client, entry);
  return entry;
};
