/**
 * The local runtime keeps AWS's promises across `kill -9`: a burst of signed "deal won" webhooks, the runtime's
 * process group killed mid-burst, a restart on the same data folder, the unacknowledged deliveries sent again (as a
 * CRM does), the clock moved past the recovery sweeps: every acknowledged delivery produced exactly one email.
 * Then the same for a kill while a clock move is firing the week-later check-ins.
 *
 * One window no ledger closes (shared/effects/ledger.ts): a kill after SES accepted a message and before the ledger
 * wrote "done". The recovery sweep then performs that effect again, so its one email goes out twice. The test tells
 * it apart from a real repeat: a deal mailed twice must have exactly one effect in the ledger, performed again
 * after the kill (attempts > 1), and there can be no more of them than emails were in flight at the kill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../support/local-aws';
import { REPO_ROOT, type RuntimeProcess, settle, startRuntimeProcess } from '../support/runtime-process';
import { demoSigningSecret, signedHeaders } from '../support/signer';

/** The burst; QF_CRASH_DEALS makes it larger for a run by hand (e.g. 1500), CI keeps it small. */
const DEALS = Number(process.env.QF_CRASH_DEALS ?? 300);
const CONCURRENCY = 8;
/** Acknowledgements to wait for before the kill: mid-burst, with work queued behind them. */
const KILL_AFTER_ACKS = Math.round(DEALS * 0.4);

const dataDir = mkdtempSync(join(tmpdir(), 'qf-crash-'));
const secret = demoSigningSecret(REPO_ROOT);
let rt: RuntimeProcess | undefined;
afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Email {
  subject: string;
  to: string[];
}

const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${rt?.url}${path}`)).json()) as T;
const clockNow = async () => new Date((await getJson<{ now: string }>('/_local/clock')).now);
/** The recovery after a kill works through the whole burst: a minute, not the usual 10 s. */
const settled = () => settle(rt?.url ?? '', { timeoutMs: 60_000 });

const dealName = (i: number) => `Crash deal ${String(i).padStart(4, '0')}`;
const bodyOf = (i: number) =>
  JSON.stringify({
    object: 'deal',
    action: 'updated',
    record: {
      id: `D-CRASH-${i}`,
      modifiedAt: '2026-11-27T10:00:00+08:00',
      name: dealName(i),
      stage: 'Closed Won',
      status: 'won',
      amount: '120000.00',
      currency: 'CNY',
      closeDate: '2026-11-27',
      owner: { id: 'u1', name: '王芳', email: 'wang.fang@demo.example' },
    },
  });

/** One delivery; its status, or 0 when the connection failed (the runtime was killed under it). */
const deliver = async (i: number, ts: number): Promise<number> => {
  const body = bodyOf(i);
  try {
    const res = await fetch(`${rt?.url}/webhooks/generic`, {
      method: 'POST',
      headers: signedHeaders(secret, `msg_crash_${i}`, body, ts),
      body,
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
};

/** Sends the given deliveries CONCURRENCY at a time; calls onAck after each 2xx. */
const burst = async (ids: number[], onAck: () => void = () => undefined) => {
  const acked = new Set<number>();
  const ts = Math.floor((await clockNow()).getTime() / 1000);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) {
        const i = ids[next++] as number;
        const status = await deliver(i, ts);
        if (status === 0) return; // killed: a real CRM would stop here too, and retry later
        if (status >= 200 && status < 300) {
          acked.add(i);
          onAck();
        }
      }
    }),
  );
  return acked;
};

const countBy = (subjects: string[], prefix: string) => {
  const counts = new Map<number, number>();
  for (const s of subjects) {
    const m = new RegExp(`^${prefix}Crash deal (\\d{4})`).exec(s);
    if (m) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
  }
  return counts;
};

/** The ledger's email effects whose subject names the deal: how often each was performed. */
const emailEffects = async (subjectPrefix: string) => {
  const { endpoints } = await getJson<{ endpoints: Record<string, string> }>('/_local/status');
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient(localClientConfig(endpoints.AWS_ENDPOINT_URL_DYNAMODB ?? '')),
  );
  const byDeal = new Map<number, number[]>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({ TableName: endpoints.TABLE_NAME, ExclusiveStartKey: start }),
    );
    for (const item of out.Items ?? []) {
      const subject = String(item.payload?.email?.subject ?? '');
      const m = new RegExp(`^${subjectPrefix}Crash deal (\\d{4})`).exec(subject);
      if (String(item.pk).startsWith('EFFECT#') && m)
        byDeal.set(Number(m[1]), [...(byDeal.get(Number(m[1])) ?? []), Number(item.attempts)]);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  doc.destroy();
  return byDeal;
};

/**
 * Deals mailed more than once must be the SES window: one effect, performed again after the kill. At most
 * `inFlight` of them (the emails that can be between SES and the ledger at one instant).
 */
const expectOnlyTheSesWindow = async (twice: number[], subjectPrefix: string, inFlight: number) => {
  if (twice.length === 0) return;
  expect(twice.length).toBeLessThanOrEqual(inFlight);
  const effects = await emailEffects(subjectPrefix);
  for (const deal of twice) {
    const attempts = effects.get(deal) ?? [];
    expect({ deal, effects: attempts.length }).toEqual({ deal, effects: 1 });
    expect(attempts[0]).toBeGreaterThan(1);
  }
};

const restart = async () => {
  rt = await startRuntimeProcess(['--no-metrics', '--log-level', 'WARN'], { dataDir, clock: null });
};

describe('kill -9 of the local runtime', () => {
  it('loses no acknowledged delivery and repeats none', async () => {
    rt = await startRuntimeProcess(['--no-metrics', '--log-level', 'WARN'], { dataDir });
    const all = Array.from({ length: DEALS }, (_, i) => i);
    let acks = 0;
    let killing: Promise<void> | undefined;
    const first = await burst(all, () => {
      if (++acks === KILL_AFTER_ACKS) killing = rt?.kill9();
    });
    await killing;
    expect(first.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(first.size).toBeLessThan(DEALS);

    // Restart without touching a file; resend what was not acknowledged, as the CRM would.
    await restart();
    const { eventsRedelivered } = await getJson<{ eventsRedelivered: number }>('/_local/status');
    const second = await burst(all.filter((i) => !first.has(i)));
    expect(first.size + second.size).toBe(DEALS);
    // Past the effect leases and the recovery sweeps, not yet at the week-later check-in.
    const res = await fetch(`${rt?.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: new Date((await clockNow()).getTime() + 20 * 60_000).toISOString() }),
    });
    expect(res.status).toBe(200);
    await settled();

    const mail = await getJson<Email[]>('/_local/emails');
    const congratulated = countBy(
      mail.map((m) => m.subject),
      '恭喜赢单：',
    );
    const missing = all.filter((i) => !congratulated.has(i));
    const twice = [...congratulated].filter(([, n]) => n > 1).map(([i]) => i);
    console.info(
      `crash test: ${first.size} of ${DEALS} deliveries acknowledged before kill -9, ${eventsRedelivered} bus ` +
        `deliveries redelivered from the outbox at restart, ${second.size} resent and acknowledged after it; ` +
        `${congratulated.size} deals congratulated, ${missing.length} missing, ${twice.length} twice ` +
        '(a kill between SES and the ledger)',
    );
    expect(missing).toEqual([]);
    await expectOnlyTheSesWindow(twice, '恭喜赢单：', CONCURRENCY);
    expect(await getJson<unknown[]>('/_local/dlq')).toEqual([]);
  }, 150_000);

  it('fires every check-in once when killed while a clock move is firing them', async () => {
    const target = new Date((await clockNow()).getTime() + 10 * 86_400_000).toISOString();
    const moving = fetch(`${rt?.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: target }),
    }).catch(() => undefined);
    // Kill once some check-ins have gone out and others are still to fire.
    for (let i = 0; i < 2400; i++) {
      const sent = (await getJson<Email[]>('/_local/emails')).filter((m) =>
        m.subject.startsWith('客户回访提醒：'),
      ).length;
      if (sent >= DEALS / 10) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await rt?.kill9();
    await moving;

    await restart();
    // The restart resumes the clock where the move had got to; finish the move (the schedules left still fire).
    const resumed = (await clockNow()).getTime();
    const res = await fetch(`${rt?.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: new Date(Math.max(resumed, Date.parse(target))).toISOString() }),
    });
    expect(res.status).toBe(200);
    await settled();
    const checkIns = countBy(
      (await getJson<Email[]>('/_local/emails')).map((m) => m.subject),
      '客户回访提醒：',
    );
    const all = Array.from({ length: DEALS }, (_, i) => i);
    const twice = [...checkIns].filter(([, n]) => n > 1).map(([i]) => i);
    console.info(
      `crash test, clock move: ${checkIns.size} of ${DEALS} check-ins, ${twice.length} twice (a kill between SES ` +
        'and the ledger)',
    );
    expect(all.filter((i) => !checkIns.has(i))).toEqual([]);
    // One-time schedules fire one at a time: one email at most between SES and the ledger.
    await expectOnlyTheSesWindow(twice, '客户回访提醒：', 1);
  }, 150_000);
});
