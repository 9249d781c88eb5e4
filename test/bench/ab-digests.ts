/**
 * An A/B of the manager digest run: this checkout against another (its path is given), alternated in one run so
 * both see the same machine load. Prints each side's figures with the load average before and after.
 *   npx tsx test/bench/ab-digests.ts <other checkout> [managers=20] [deals=40000] [activities=100000]
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DigestFigures } from './digests';

type Measure = (
  managers: number,
  repsPer: number,
  deals: number,
  activities: number,
) => Promise<DigestFigures>;

const [other, managers = '20', deals = '40000', activities = '100000'] = process.argv.slice(2);
if (!other) throw new Error('usage: ab-digests.ts <other checkout> [managers] [deals] [activities]');
const load = async (root: string): Promise<Measure> =>
  (
    (await import(pathToFileURL(join(resolve(root), 'test', 'bench', 'digests.ts')).href)) as {
      measureDigests: Measure;
    }
  ).measureDigests;
for (const [side, root] of [
  ['this', resolve(import.meta.dirname, '..', '..')],
  ['other', other],
] as const) {
  const before = loadavg()[0] ?? 0;
  const f = await (await load(root))(Number(managers), 10, Number(deals), Number(activities));
  const { runSeconds, queriesPerDigest, itemsReadPerDigest, seedSeconds } = f;
  console.log(
    JSON.stringify({
      side,
      runSeconds,
      queriesPerDigest: Number(queriesPerDigest.toFixed(1)),
      itemsReadPerDigest: Math.round(itemsReadPerDigest),
      seedSeconds,
      load: [before, loadavg()[0] ?? 0].map((l) => Number(l.toFixed(2))),
    }),
  );
}
