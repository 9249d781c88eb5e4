/**
 * The bench sections that run in a process of their own: `cdk synth` (timed with its peak RSS) and the cost model
 * (it starts the runtime in-process and wraps the AWS SDK client, which must not leak into the other sections).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { CostRow } from './cost';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** GNU time reports the peak RSS of the whole synth (CLI, app and bundling); it writes to stderr. */
export const synthSeconds = (): { seconds: number; peakRssMb: number | null } => {
  const start = Date.now();
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-v',
      'npx',
      'cdk',
      'synth',
      '--quiet',
      '-c',
      'tenant=demo',
      '-c',
      'includeDemo=true',
      '-o',
      join(ROOT, 'cdk.out', 'bench'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`cdk synth failed:\n${run.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1];
  return { seconds: (Date.now() - start) / 1000, peakRssMb: rss ? Number(rss) / 1024 : null };
};

/** The cost model runs in its own process: it starts the runtime in-process and wraps the AWS SDK client. */
export const costModel = (): CostRow[] => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'bench', 'cost-main.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`the cost model failed:\n${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]') as CostRow[];
};
