/**
 * The Node.js version check the entries (local/start.ts, cli/start.ts) run before importing anything else: on a Node
 * older than package.json's `engines.node`, the code fails while loading with a stack trace that does not say why.
 * This file must itself load on old Node: only node:fs and plain syntax, no newer APIs.
 */
import { readFileSync } from 'node:fs';

const parts = (v: string): number[] | undefined => {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
};

/**
 * What to tell the user when `found` does not satisfy `required` (a `>=X.Y[.Z]` range, as package.json states it),
 * or undefined when it does. Any other form of range is a mistake in package.json, and said so.
 */
export const nodeVersionProblem = (found: string, required: string): string | undefined => {
  const min = /^>=\s*(\S+)$/.exec(required.trim())?.[1];
  const want = min ? parts(min) : undefined;
  if (!want) return `package.json engines.node is ${JSON.stringify(required)}; expected a ">=X.Y" range`;
  const have = parts(found) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const h = have[i] ?? 0;
    const w = want[i] ?? 0;
    if (h > w) return undefined;
    if (h < w) {
      return (
        `Quotaflow needs Node.js ${required.trim()} (package.json "engines"); this is Node.js ${found.replace(/^v/, '')}.\n` +
        'Install a newer Node.js (22 recommended, e.g. `nvm install 22`) and run the command again.'
      );
    }
  }
  return undefined;
};

/**
 * Whether to silence the AWS SDK's notice that its releases after the first week of January 2027 need Node.js 22
 * (it prints ten lines at the first client of every `npm start` and CLI command on Node 20). The SDK version is
 * pinned in package-lock.json, so the notice concerns whoever upgrades it, and the README says so; an admin who set
 * the SDK's own variable keeps their choice.
 */
export const silenceSdkNodeNotice = (nodeVersion: string, env: NodeJS.ProcessEnv): boolean =>
  (parts(nodeVersion)?.[0] ?? 0) < 22 && env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined;

/**
 * Exits with status 1 and the reason on stderr when this Node.js is older than package.json requires; on a supported
 * Node older than 22, silences the SDK's Node notice (silenceSdkNodeNotice).
 */
export const exitIfUnsupportedNode = (): void => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const problem = nodeVersionProblem(process.versions.node, String(pkg.engines?.node ?? '>=0'));
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  if (silenceSdkNodeNotice(process.versions.node, process.env))
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
};
