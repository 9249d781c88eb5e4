/**
 * A delivery forced into a DLQ against `npm start`, driven as an admin would: the Zoho simulator answers 500 to
 * every API call, so the rule delivering a deal change to sync-crm fails every retry and parks the event in the
 * rule's SQS dead-letter queue. `status` shows the DLQ and its CloudWatch alarm, `dlq list` the dead letter; it
 * survives a `kill -9` of the runtime; after the restart (the CRM answering again) `dlq redrive` invokes sync-crm
 * with it again, which succeeds, and the dead letter, the DLQ's depth and its alarm are gone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

const dataDir = mkdtempSync(join(tmpdir(), 'qf-dlq-redrive-'));
const TENANT = 'demo-zoho';
let rt: RuntimeProcess | undefined;

afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const quotaflow = (...args: string[]) =>
  spawnSync('npx', ['tsx', 'infra/cli/main.ts', ...args, '--tenant', TENANT, '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });

const call = async <T>(path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${rt?.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

const settle = async () => {
  for (let i = 0; i < 400; i++) {
    if ((await call<{ inFlight: number }>('/_local/status')).inFlight === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the runtime did not settle');
};

interface Status {
  healthy: boolean;
  dlq: { name: string; depth: number }[];
  alarms: { name: string; state: string }[];
}
const statusJson = () => JSON.parse(quotaflow('status', '--json').stdout) as Status;
const listed = () => JSON.parse(quotaflow('dlq', 'list', '--json').stdout) as { id: string; queue: string }[];

describe('a delivery forced into a DLQ', () => {
  let letterId = '';

  it('shows in status and dlq list', async () => {
    rt = await startRuntimeProcess(['--tenant', `tenants/${TENANT}.json`], { dataDir });
    await call('/_local/crm/faults', { serverErrors: 100 });
    const crm = await call<{ records: Record<string, { id: string; name: string }[]> }>('/_local/crm');
    const deal = crm.records.Deals?.[0];
    await call('/_local/crm/change', { target: 'Deals', id: deal?.id, values: { Stage: 'Closed Won' } });
    await settle();

    const letters = listed();
    expect(letters).toEqual([
      expect.objectContaining({
        queue: 'rule:sync-crm',
        error: expect.stringContaining('500 INTERNAL_ERROR'),
      }),
    ]);
    letterId = letters[0]?.id ?? '';
    const status = quotaflow('status', '--json');
    expect(status.status).toBe(1);
    const s = JSON.parse(status.stdout) as Status;
    expect(s.dlq).toContainEqual({ name: 'rule:sync-crm', depth: 1 });
    expect(s.alarms).toContainEqual(
      expect.objectContaining({ name: `Quotaflow-${TENANT}-EventsSyncCrmDlqMessages`, state: 'ALARM' }),
    );
    expect(quotaflow('status').stdout).toContain('1 dead letter(s) in rule:sync-crm');
  }, 180_000);

  it('survives a kill -9 of the runtime while in the DLQ', async () => {
    await rt?.kill9();
    rt = await startRuntimeProcess(['--tenant', `tenants/${TENANT}.json`], { dataDir, clock: null });
    expect(listed().map((d) => d.id)).toEqual([letterId]);
    expect(statusJson().dlq).toContainEqual({ name: 'rule:sync-crm', depth: 1 });
  }, 180_000);

  it('comes back with dlq redrive and is gone afterwards', async () => {
    // The restarted simulator answers again.
    const redrive = quotaflow('dlq', 'redrive', '--queue', 'rule:sync-crm');
    expect(redrive.status).toBe(0);
    expect(redrive.stdout).toContain(`redriven  ${letterId}  quotaflow-${TENANT}-sync-crm`);
    expect(redrive.stdout).toContain('1 redriven, 0 failed, 0 left in the DLQ');
    await settle();
    expect(listed()).toEqual([]);
    const s = statusJson();
    expect(s.dlq.every((q) => q.depth === 0)).toBe(true);
    expect(s.alarms.filter((a) => a.name.endsWith('DlqMessages') || a.name.endsWith('DeadLetters'))).toEqual(
      [],
    );
  }, 180_000);
});
