/**
 * An A/B of the manager digest run: this checkout's digest code against another's (its path is given), over one
 * seed (digests.ts `seedDigests`), the sides alternated for `rounds` rounds so both see the same data and the same
 * machine load. Prints each run's figures with the load average before and after.
 *   npx tsx test/bench/ab-digests.ts <other checkout> [managers=100] [deals=200000] [activities=500000] [rounds=2]
 */
import { resolve } from 'node:path';
import { dropSeeded, runDigests, seedDigests } from './digests';

const [other, managers = '100', deals = '200000', activities = '500000', rounds = '2'] =
  process.argv.slice(2);
if (!other) throw new Error('usage: ab-digests.ts <other checkout> [managers] [deals] [activities] [rounds]');
const seeded = await seedDigests(Number(managers), 10, Number(deals), Number(activities));
console.log(
  JSON.stringify({
    seeded: { managers: seeded.managers, reps: seeded.reps, deals: seeded.deals },
    activities: seeded.activities,
    archivedEvents: seeded.archivedEvents,
    seedSeconds: seeded.seedSeconds,
  }),
);
try {
  for (let round = 1; round <= Number(rounds); round++)
    for (const [side, root] of [
      ['this', resolve(import.meta.dirname, '..', '..')],
      ['other', resolve(other)],
    ] as const) {
      const f = await runDigests(seeded, root);
      console.log(
        JSON.stringify({
          round,
          side,
          runSeconds: f.runSeconds,
          sent: f.sent,
          queriesPerDigest: Number(f.queriesPerDigest.toFixed(1)),
          itemsReadPerDigest: Math.round(f.itemsReadPerDigest),
          load: f.load,
        }),
      );
    }
} finally {
  dropSeeded(seeded);
}
