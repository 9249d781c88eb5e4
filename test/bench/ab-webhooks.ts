/**
 * An A/B of the webhook slice: this checkout against another (its path is given),
 * alternated in one run so both see the same machine load. Prints each run and the load average beside it.
 *   npx tsx test/bench/ab-webhooks.ts <other checkout> [rounds=2] [seconds=10] [connections=16] [memory|folder]
 * (`folder`: both runtimes on a data folder, as `npm start` runs by default; `memory`, the default: --in-memory).
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WebhookFigures } from './webhooks';

type Measure = (seconds: number, connections: number, persist?: boolean) => Promise<WebhookFigures>;

const [other, rounds = '2', seconds = '10', connections = '16', mode = 'memory'] = process.argv.slice(2);
if (!other || (mode !== 'memory' && mode !== 'folder'))
  throw new Error('usage: ab-webhooks.ts <other checkout> [rounds] [seconds] [connections] [memory|folder]');
const load = async (root: string): Promise<Measure> =>
  (
    (await import(pathToFileURL(join(resolve(root), 'test', 'bench', 'webhooks.ts')).href)) as {
      measureWebhooks: Measure;
    }
  ).measureWebhooks;
const sides: [string, Measure][] = [
  ['this', await load(resolve(import.meta.dirname, '..', '..'))],
  ['other', await load(other)],
];
for (let r = 0; r < Number(rounds); r++) {
  for (const [name, measure] of r % 2 ? [...sides].reverse() : sides) {
    const before = loadavg()[0] ?? 0;
    const f = await measure(Number(seconds), Number(connections), mode === 'folder');
    console.log(
      JSON.stringify({
        side: name,
        round: r + 1,
        load: [Math.round(before * 100) / 100, Math.round((loadavg()[0] ?? 0) * 100) / 100],
        acksPerSec: Math.round(f.throughputPerSec),
        ackP99Ms: f.latencyP99Ms,
        emails: f.emails,
        drainSeconds: Math.round(f.drainSeconds * 10) / 10,
        endToEndPerSec: Math.round((f.emails / (f.seconds + f.drainSeconds)) * 10) / 10,
        lost: f.lostEmails,
        duplicated: f.duplicateEmails,
        rssMb: [f.rssMbBefore, f.rssMbAfter],
      }),
    );
  }
}
process.exit(0);
