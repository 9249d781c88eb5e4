/**
 * A script bundled as the Lambda functions are (the bench's settings, the CDK construct's), and scripts run in a
 * fresh Node process with only the environment given: what the lambda-bundle tests compare, bundled and not.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../bench/bundles';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Bundles `script` (TypeScript, resolved from the repository) to `outfile`; the modules it took in. */
export const bundleProbe = async (script: string, outfile: string): Promise<string[]> => {
  const result = await build({
    ...lambdaBuildOptions(),
    stdin: { contents: script, resolveDir: ROOT, sourcefile: 'probe.ts', loader: 'ts' },
    outfile,
    metafile: true,
  });
  return Object.keys(result.metafile.inputs);
};

/** Runs Node with `args` from the repository and parses what it printed as JSON. Asynchronous, so a server in this
 * process can answer it. */
export const runNodeJson = async <T>(args: string[], env: Record<string, string>): Promise<T> =>
  JSON.parse(
    (await promisify(execFile)(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env })).stdout,
  ) as T;
