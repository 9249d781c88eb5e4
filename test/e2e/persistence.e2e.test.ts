/**
 * `npm start` keeps its data by default: receipts, records, effects, pending one-time schedules, the clock and the
 * mailbox survive a restart, so a replayed delivery is still a duplicate, a scheduled reminder still fires once and
 * a person still sees the mail sent before it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, settle, startRuntimeProcess } from '../support/runtime-process';
import { demoSigningSecret, signedHeaders } from '../support/signer';

const dataDir = mkdtempSync(join(tmpdir(), 'qf-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const body = JSON.stringify({
  object: 'deal',
  action: 'updated',
  record: {
    id: 'D-P1',
    modifiedAt: '2026-11-27T10:00:00+08:00',
    name: 'Persistent deal',
    status: 'won',
    amount: '150000.00',
    currency: 'CNY',
    owner: { id: 'u1', name: 'Ana', email: 'ana@demo.example' },
  },
});

const send = async (url: string) => {
  const now = new Date(((await (await fetch(`${url}/_local/clock`)).json()) as { now: string }).now);
  const headers = signedHeaders(
    demoSigningSecret(REPO_ROOT),
    'msg_persist_1',
    body,
    Math.floor(now.getTime() / 1000),
  );
  const res = await fetch(`${url}/webhooks/generic`, { method: 'POST', headers, body });
  return (await res.json()) as { status: string };
};

describe('local runtime data folder', () => {
  it('keeps receipts and pending schedules across a restart', async () => {
    const first = await startRuntimeProcess([], { dataDir });
    try {
      expect((await send(first.url)).status).toBe('accepted');
      await settle(first.url);
      const pending = (await (await fetch(`${first.url}/_local/schedules`)).json()) as { oneTime: unknown[] };
      expect(pending.oneTime).toHaveLength(1);
    } finally {
      await first.stop();
    }

    // No --clock: the restart resumes the data folder's clock.
    const second = await startRuntimeProcess([], { dataDir, clock: null });
    try {
      const resumed = ((await (await fetch(`${second.url}/_local/clock`)).json()) as { now: string }).now;
      expect(resumed >= '2026-11-27T02:05:00.000Z' && resumed < '2026-11-28T00:00:00.000Z').toBe(true);
      expect((await send(second.url)).status).toBe('duplicate');
      const pending = (await (await fetch(`${second.url}/_local/schedules`)).json()) as {
        oneTime: { at: string }[];
      };
      expect(pending.oneTime).toHaveLength(1);
      const at = new Date(pending.oneTime[0]?.at ?? 0);
      const moved = await fetch(`${second.url}/_local/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ now: new Date(at.getTime() + 60_000).toISOString() }),
      });
      expect(moved.status).toBe(200);
      await settle(second.url);
      const emails = (await (await fetch(`${second.url}/_local/emails`)).json()) as { subject: string }[];
      // The congratulation went out before the restart and is still in the mailbox; the reminder now, once.
      // (Other mail may share the week: a month-end incentive close when the week crosses the 1st.)
      const subjects = emails.map((e) => e.subject);
      expect(subjects.filter((t) => t.includes('Persistent deal'))).toEqual([
        '恭喜赢单：Persistent deal（¥150,000.00）',
        '客户回访提醒：Persistent deal',
      ]);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
