/**
 * A delivery forced into a DLQ against `npm start`, driven as an admin would: the Zoho simulator answers 500 to
 * every API call, so the rule delivering a deal change to sync-crm fails every retry and parks the event in the
 * rule's SQS dead-letter queue. `status` shows the DLQ and its CloudWatch alarm, `dlq list` the dead letter; it
 * survives a `kill -9` of the runtime; after the restart (the CRM answering again) `dlq redrive` invokes sync-crm
 * with it again, which succeeds, and the dead letter, the DLQ's depth and its alarm are gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runtimeDriver } from '../support/runtime-driver';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

const dataDir = mkdtempSync(join(tmpdir(), 'qf-dlq-redrive-'));
const TENANT = 'demo-zoho';
let rt: RuntimeProcess | undefined;

afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// Reads go through the driver, which tries again when the runtime closed a kept-alive connection while the CLI
// (spawnSync) blocked this process.
const driver = runtimeDriver({
  url: () => rt?.url ?? '',
  dataDir,
  tenant: TENANT,
  secret: '',
  idPrefix: 'msg_dlq',
});
const quotaflow = driver.quotaflow;
const post = async <T>(path: string, body: unknown): Promise<T> => {
  const res = await fetch(`${rt?.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
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
    await post('/_local/crm/faults', { serverErrors: 100 });
    const crm = await driver.getJson<{ records: Record<string, { id: string; name: string }[]> }>(
      '/_local/crm',
    );
    const deal = crm.records.Deals?.[0];
    await post('/_local/crm/change', { target: 'Deals', id: deal?.id, values: { Stage: 'Closed Won' } });
    await driver.settle();

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
    await driver.settle();
    expect(listed()).toEqual([]);
    const s = statusJson();
    expect(s.dlq.every((q) => q.depth === 0)).toBe(true);
    expect(s.alarms.filter((a) => a.name.endsWith('DlqMessages') || a.name.endsWith('DeadLetters'))).toEqual(
      [],
    );
  }, 180_000);
});
