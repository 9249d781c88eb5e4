/**
 * The cost model in a process of its own (it starts the local runtime in-process and wraps the AWS SDK client, so
 * it keeps both away from the other measurements): prints the rows as one JSON line on stdout.
 * Alone: `npx tsx test/bench/cost-main.ts` (QF_BENCH_COST_WEBHOOKS webhooks per kind, default 20).
 */
import { measureCost } from './cost';

const n = Number(process.env.QF_BENCH_COST_WEBHOOKS ?? 20);
if (!Number.isInteger(n) || n <= 0) throw new Error('QF_BENCH_COST_WEBHOOKS must be a positive whole number');
const rows = await measureCost(n);
process.stdout.write(`${JSON.stringify(rows)}\n`);
process.exit(0);
