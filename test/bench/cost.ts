/**
 * The cost model: what one webhook of each kind costs on AWS, counted on the clients (cost-counter.ts) while the
 * local runtime (the production handlers on the stand-ins) processes it, then priced at AWS list prices.
 *
 * Each kind is sent `n` times (fresh records, so nothing is a duplicate), after a warm-up that fills the caches a
 * warm Lambda holds (the tenant secret, compiled workflows). "At arrival" is everything the webhook sets off until
 * the runtime is idle; "later steps" moves the clock 30 days on and counts the delayed steps (one-time schedules
 * firing scheduled-step) the same webhooks set up. Fixed schedules (recovery sweep, reconcile, digests) are not a
 * cost of a webhook and are left out.
 */
import { join } from 'node:path';
import { functions as manifest } from '../../functions/manifest';
import { REPO_ROOT, startLocalRuntime } from '../../infra/local/runtime';
import { TEST_CLOCK } from '../support/runtime-process';
import { demoSigningSecret, signedHeaders } from '../support/signer';
import { countAwsCalls, emptyTally, type Tally } from './cost-counter';

/**
 * us-east-1 on-demand list prices (USD) as published on the AWS pricing pages in mid-2025, free tiers ignored.
 * List prices to check before quoting: AWS changes them (DynamoDB on-demand halved on 2024-11-01).
 */
export const PRICES = {
  date: '2025-06 (us-east-1 list prices; check aws.amazon.com/pricing before quoting)',
  httpApiPerMillion: 1.0,
  lambdaRequestPerMillion: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  eventBridgeEventPerMillion: 1.0,
  dynamoWriteUnitPerMillion: 0.625,
  dynamoReadUnitPerMillion: 0.125,
  schedulerInvocationPerMillion: 1.0,
  sesEmailPerThousand: 0.1,
  secretsCallPer10k: 0.05,
} as const;

/** One kind and phase, per webhook (the tally's counts divided by the webhooks sent). */
export interface CostRow extends Tally {
  /** `<kind id>/<phase id>`, e.g. `won-deal/arrival`: how bench-results and the report find the row. */
  id: string;
  kind: string;
  phase: 'at arrival' | 'later steps' | 'total';
  webhooks: number;
  /** One-time schedules that fired (scheduled-step invocations), billed by Scheduler. */
  scheduledRuns: number;
  /** USD per million webhooks of this kind. */
  usdPerMillion: number;
}

const per = (t: Tally, n: number, scheduledRuns: number, httpRequests: number) => {
  const p = PRICES;
  const usd =
    httpRequests * p.httpApiPerMillion +
    t.invocations * p.lambdaRequestPerMillion +
    t.gbSeconds * p.lambdaArmPerGbSecond * 1e6 +
    t.events * p.eventBridgeEventPerMillion +
    t.writeUnits * p.dynamoWriteUnitPerMillion +
    t.readUnits * p.dynamoReadUnitPerMillion +
    scheduledRuns * p.schedulerInvocationPerMillion +
    t.sesSends * p.sesEmailPerThousand * 1000 +
    t.secretsCalls * p.secretsCallPer10k * 100;
  const r = (x: number) => Math.round((x / n) * 100) / 100;
  return {
    invocations: r(t.invocations),
    events: r(t.events),
    reads: r(t.reads),
    readUnits: r(t.readUnits),
    writes: r(t.writes),
    writeUnits: r(t.writeUnits),
    indexWriteUnits: r(t.indexWriteUnits),
    schedulerCalls: r(t.schedulerCalls),
    scheduledRuns: r(scheduledRuns),
    sesSends: r(t.sesSends),
    secretsCalls: r(t.secretsCalls),
    gbSeconds: t.gbSeconds / n,
    usdPerMillion: Math.round((usd / n) * 100) / 100,
    byFunction: Object.fromEntries(Object.entries(t.byFunction).map(([k, v]) => [k, r(v)])),
    commands: Object.fromEntries(Object.entries(t.commands).map(([k, v]) => [k, r(v)])),
    byFunctionCommand: Object.fromEntries(Object.entries(t.byFunctionCommand).map(([k, v]) => [k, r(v)])),
    writeUnitsBy: Object.fromEntries(Object.entries(t.writeUnitsBy).map(([k, v]) => [k, r(v)])),
  };
};

const add = (a: Tally, b: Tally): Tally => {
  const sum = emptyTally();
  for (const k of Object.keys(sum) as (keyof Tally)[]) {
    if (k === 'commands' || k === 'byFunction' || k === 'byFunctionCommand' || k === 'writeUnitsBy') {
      for (const src of [a[k], b[k]])
        for (const [n, v] of Object.entries(src)) sum[k][n] = (sum[k][n] ?? 0) + v;
    } else sum[k] = a[k] + b[k];
  }
  return sum;
};

interface Kind {
  id: string;
  kind: string;
  /** Records set up first (not counted), then the counted change for record i. */
  setup?: (i: number) => Body;
  change: (i: number) => Body;
}
interface Body {
  object: string;
  action: 'created' | 'updated';
  record: Record<string, unknown>;
}

const owner = { id: 'u-1001', name: '王小明', email: 'wang.xiaoming@demo.quotaflow.dev' };
/** Records carry no modifiedAt here: each is stamped with the runtime clock's time as it is sent. */
const deal = (id: string, extra: Record<string, unknown>): Body => ({
  object: 'deal',
  action: 'updated',
  record: { id, name: `Cost deal ${id}`, owner, currency: 'CNY', fields: {}, ...extra },
});

export const KINDS: Kind[] = [
  {
    id: 'update',
    kind: 'record update, no automation',
    // An open deal whose amount changes: deal.amount_changed, which no demo workflow listens to.
    setup: (i) => deal(`COST-U-${i}`, { stage: 'Qualification', amount: '1000.00' }),
    change: (i) => deal(`COST-U-${i}`, { stage: 'Qualification', amount: '2000.00' }),
  },
  {
    id: 'won-deal',
    kind: 'won deal (demo workflow)',
    // As the webhook bench sends: a new deal, won, over the won-deal workflow's 100,000 threshold.
    change: (i) =>
      deal(`COST-W-${i}`, {
        status: 'won',
        stage: 'Closed Won',
        amount: '128000.00',
      }),
  },
  {
    id: 'new-lead',
    kind: 'new lead → sequence',
    change: (i) => ({
      object: 'lead',
      action: 'created',
      record: {
        id: `COST-L-${i}`,
        name: `Lead ${i}`,
        email: `lead${i}@example.cn`,
        owner,
        fields: { language: 'zh-CN' },
      },
    }),
  },
];

export const measureCost = async (n = 20): Promise<CostRow[]> => {
  const counter = countAwsCalls();
  const rt = await startLocalRuntime({
    tenantFile: join(REPO_ROOT, 'tenants', 'demo.json'),
    inMemory: true,
    port: 0,
    logLevel: 'SILENT',
    metrics: false,
    clock: new Date(TEST_CLOCK),
  });
  const fixedSchedules = new Set(
    manifest.filter((f) => f.triggers.some((t) => t.kind === 'schedule')).map((f) => f.id),
  );
  const memory = new Map(manifest.map((f) => [f.id, f.memoryMb ?? 256]));
  let counting = false;
  let scheduledRuns = 0;
  const invoke = rt.functions.invoke.bind(rt.functions);
  rt.functions.invoke = (id, event) => {
    if (!counting || fixedSchedules.has(id)) return invoke(id, event);
    if (id === 'scheduled-step') scheduledRuns++;
    return counter.invocation(id, memory.get(id) ?? 256, () => invoke(id, event));
  };
  const secret = demoSigningSecret(REPO_ROOT);
  let seq = 0;
  const post = async (body: Body) => {
    const now = rt.clock.now();
    const raw = JSON.stringify({ ...body, record: { ...body.record, modifiedAt: now.toISOString() } });
    const id = `cost_${++seq}`;
    const res = await fetch(`${rt.url}/webhooks/generic`, {
      method: 'POST',
      headers: signedHeaders(secret, id, raw, Math.floor(now.getTime() / 1000)),
      body: raw,
    });
    if (res.status !== 202) throw new Error(`webhook ${id} answered ${res.status}: ${await res.text()}`);
    await rt.idle();
  };
  const rows: CostRow[] = [];
  try {
    // Warm-up: the first invocation of each function loads its secret and caches; a warm Lambda has them.
    for (const k of KINDS) {
      if (k.setup) await post(k.setup(-1 - KINDS.indexOf(k)));
      await post(k.change(-1 - KINDS.indexOf(k)));
    }
    // The warm-up's own later steps fire now, uncounted.
    await rt.advanceClock(new Date(rt.clock.now().getTime() + 30 * 86_400_000));
    await rt.idle();
    for (const [ki, k] of KINDS.entries()) {
      for (let i = 0; i < n; i++) if (k.setup) await post(k.setup(ki * 1000 + i));
      counter.reset();
      scheduledRuns = 0;
      counting = true;
      for (let i = 0; i < n; i++) await post(k.change(ki * 1000 + i));
      const arrival = counter.tally;
      counter.reset();
      const arrivalRuns = scheduledRuns;
      scheduledRuns = 0;
      await rt.advanceClock(new Date(rt.clock.now().getTime() + 30 * 86_400_000));
      await rt.idle();
      counting = false;
      const later = counter.tally;
      const laterRuns = scheduledRuns;
      const total = add(arrival, later);
      rows.push(
        {
          id: `${k.id}/arrival`,
          kind: k.kind,
          phase: 'at arrival',
          webhooks: n,
          ...per(arrival, n, arrivalRuns, n),
        },
        {
          id: `${k.id}/later`,
          kind: k.kind,
          phase: 'later steps',
          webhooks: n,
          ...per(later, n, laterRuns, 0),
        },
        {
          id: `${k.id}/total`,
          kind: k.kind,
          phase: 'total',
          webhooks: n,
          ...per(total, n, arrivalRuns + laterRuns, n),
        },
      );
    }
  } finally {
    counter.stop();
    await rt.stop();
  }
  return rows;
};
