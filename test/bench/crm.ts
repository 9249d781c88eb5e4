/**
 * CRM change to canonical record, on the local runtime with the built-in simulators: a record is changed in the
 * simulated CRM as a user would; the simulator delivers its notification (Zoho channel post, Fxiaoke signed and
 * encrypted callback) to the receiver, which acknowledges; sync reads the record back from the CRM, stores it and
 * publishes the domain event. Measured one change at a time, from the change until the runtime is idle again.
 */
import { startRuntimeProcess } from '../support/runtime-process';

export interface CrmLatency {
  provider: string;
  changes: number;
  ackP50Ms: number;
  ackP99Ms: number;
  storedP50Ms: number;
  storedP99Ms: number;
  deadLetters: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

const measure = async (
  tenant: string,
  target: string,
  values: (i: number) => Record<string, unknown>,
  n: number,
) => {
  const rt = await startRuntimeProcess([
    '--tenant',
    `tenants/${tenant}.json`,
    '--log-level',
    'SILENT',
    '--no-metrics',
  ]);
  try {
    const crm = await getJson<{ provider: string; records: Record<string, { id: string }[]> }>(
      `${rt.url}/_local/crm`,
    );
    const ids = (crm.records[target] ?? []).map((r) => r.id);
    if (ids.length === 0) throw new Error(`no ${target} records in the ${crm.provider} simulator`);
    const ack: number[] = [];
    const stored: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await fetch(`${rt.url}/_local/crm/change`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ target, id: ids[i % ids.length], values: values(i) }),
      });
      if (res.status !== 200) throw new Error(`change failed: ${res.status} ${await res.text()}`);
      ack.push(performance.now() - t0);
      for (;;) {
        const s = await getJson<{ inFlight: number }>(`${rt.url}/_local/status`);
        if (s.inFlight === 0) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      stored.push(performance.now() - t0);
    }
    const status = await getJson<{ deadLetters: number }>(`${rt.url}/_local/status`);
    return {
      provider: crm.provider,
      changes: n,
      ackP50Ms: pct(ack, 50),
      ackP99Ms: pct(ack, 99),
      storedP50Ms: pct(stored, 50),
      storedP99Ms: pct(stored, 99),
      deadLetters: status.deadLetters,
    };
  } finally {
    await rt.stop();
  }
};

export const measureCrmLatency = async (n = 100): Promise<CrmLatency[]> => [
  await measure('demo-zoho', 'Deals', (i) => ({ Amount: 10_000 + i }), n),
  await measure('demo-fxiaoke', 'NewOpportunityObj', (i) => ({ amount: String(20_000 + i) }), n),
];
