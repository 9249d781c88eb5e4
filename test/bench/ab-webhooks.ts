/**
 * An A/B of the webhook slice: this checkout against another (its path is given),
 * alternated in one run so both see the same machine load. Prints each run with the load average and the cores
 * other processes took beside it, and
 * CPU ms per email (runtime, dynalite): rates follow the machine's load, CPU per email much less, so on a busy
 * machine compare that.
 *   npx tsx test/bench/ab-webhooks.ts <other checkout> [rounds=2] [seconds=10] [connections=16] [memory|folder]
 * (`folder`: both runtimes on a data folder, as `npm start` runs by default; `memory`, the default: --in-memory).
 * QF_AB_ARGS_THIS / QF_AB_ARGS_OTHER: more `npm start` options for one side, e.g. QF_AB_ARGS_THIS='--workers 2'
 * against the same checkout without them (a checkout whose bench takes no options ignores them).
 */
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { watchCpu } from './machine-load';
import type { WebhookFigures } from './webhooks';

type Measure = (
  seconds: number,
  connections: number,
  persist?: boolean,
  runtimeArgs?: string[],
) => Promise<WebhookFigures>;

const [other, rounds = '2', seconds = '10', connections = '16', mode = 'memory'] = process.argv.slice(2);
if (!other || (mode !== 'memory' && mode !== 'folder'))
  throw new Error('usage: ab-webhooks.ts <other checkout> [rounds] [seconds] [connections] [memory|folder]');
const load = async (root: string): Promise<Measure> =>
  (
    (await import(pathToFileURL(join(resolve(root), 'test', 'bench', 'webhooks.ts')).href)) as {
      measureWebhooks: Measure;
    }
  ).measureWebhooks;
const argsOf = (name: string) => (process.env[name] ?? '').split(' ').filter(Boolean);
const sides: [string, Measure, string[]][] = [
  ['this', await load(resolve(import.meta.dirname, '..', '..')), argsOf('QF_AB_ARGS_THIS')],
  ['other', await load(other), argsOf('QF_AB_ARGS_OTHER')],
];
for (let r = 0; r < Number(rounds); r++) {
  for (const [name, measure, args] of r % 2 ? [...sides].reverse() : sides) {
    const before = loadavg()[0] ?? 0;
    const cpu = watchCpu(cpus().length);
    const f = await measure(Number(seconds), Number(connections), mode === 'folder', args);
    console.log(
      JSON.stringify({
        side: name,
        args: args.join(' '),
        round: r + 1,
        load: [Math.round(before * 100) / 100, Math.round((loadavg()[0] ?? 0) * 100) / 100],
        // Cores other processes took meanwhile (machine-load.ts): what makes the two sides' rates incomparable.
        otherCores: cpu.end()?.others,
        acksPerSec: Math.round(f.throughputPerSec),
        ackP99Ms: f.latencyP99Ms,
        emails: f.emails,
        drainSeconds: Math.round(f.drainSeconds * 10) / 10,
        endToEndPerSec: Math.round((f.emails / (f.seconds + f.drainSeconds)) * 10) / 10,
        lost: f.lostEmails,
        duplicated: f.duplicateEmails,
        rssMb: [f.rssMbBefore, f.rssMbAfter],
        // Absent from checkouts that do not measure it.
        cpuMsPerEmail: f.cpuMsPerEmail,
      }),
    );
  }
}
process.exit(0);
