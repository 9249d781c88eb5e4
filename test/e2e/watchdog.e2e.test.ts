/**
 * Absence alarms end to end against `npm start` (a separate process, a fixed clock): `status` is readable and
 * exits 0 on a healthy tenant; a delivery is marked; when the clock moves past the configured 4 business hours
 * without another delivery, the watchdog (its fixed schedule on the local scheduler) emits the silence metric, the
 * stack's alarm on it goes to ALARM in the CloudWatch stand-in, and `status` shows it and exits 1. Each fixed schedule's completed runs show as its last run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli-process';
import { runtimeDriver } from '../support/runtime-driver';
import { REPO_ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { demoSigningSecret, signedHeaders } from '../support/signer';

/** A Monday morning in Shanghai, months before the demo's China calendar runs out of holiday data. */
const START = '2026-03-02T10:05:00+08:00';
const dataDir = mkdtempSync(join(tmpdir(), 'qf-watchdog-'));
let rt: RuntimeProcess;

beforeAll(async () => {
  rt = await startRuntimeProcess(['--tenant', 'demo'], { dataDir, clock: START });
}, 90_000);
afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const status = (...args: string[]) => cli(['status', '--tenant', 'demo', '--data-dir', dataDir, ...args]);

// The driver's requests are tried again when the runtime closed a kept-alive connection while `status` ran.
const driver = runtimeDriver({
  url: () => rt.url,
  dataDir,
  tenant: 'demo',
  secret: demoSigningSecret(REPO_ROOT),
  idPrefix: 'msg_watchdog',
});
const moveClock = driver.moveClock;

describe('absence alarms against npm start', () => {
  it('status is readable and exits 0 on a healthy tenant', () => {
    const text = status();
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('tenant demo  HEALTHY  (npm start at http://127.0.0.1:');
    expect(text.stdout).toContain('dead letters  none');
    // The clock runs on from START in real time: the first check is 15 minutes after the runtime started.
    expect(text.stdout).toMatch(/ {2}watchdog +next 2026-03-02T02:20:\d\d\.\d{3}Z {2}last run never/);
  }, 60_000);

  it('a CRM silent for 4 business hours raises the alarm, and status shows it and exits 1', async () => {
    const body = JSON.stringify({
      object: 'deal',
      action: 'updated',
      record: { id: 'D-7', modifiedAt: '2026-03-02T10:04:00+08:00', stage: 'Qualification', fields: {} },
    });
    const ts = Math.floor(Date.parse(START) / 1000);
    const res = await fetch(`${rt.url}/webhooks/generic`, {
      method: 'POST',
      headers: signedHeaders(demoSigningSecret(REPO_ROOT), 'msg_watchdog_1', body, ts),
      body,
    });
    expect(res.status).toBe(202);

    // 13:00: three business hours later (lunch is working time on the demo calendar): not silent yet.
    await moveClock('2026-03-02T13:00:00+08:00');
    const quiet = JSON.parse(status('--json').stdout);
    expect(quiet).toMatchObject({
      healthy: true,
      deliveries: [{ provider: 'generic', last: expect.stringMatching(/^2026-03-02T02:05:/) }],
      absence: [],
      alarms: [],
    });
    expect(quiet.schedules).toContainEqual({
      name: 'watchdog',
      next: expect.stringMatching(/^2026-03-02T05:05:/),
      lastRun: expect.stringMatching(/^2026-03-02T04:50:/),
    });

    // 14:30: four hours and 25 minutes without a delivery; the watchdog ran at 14:20 and found it.
    await moveClock('2026-03-02T14:30:00+08:00');
    const silent = status('--json');
    expect(silent.status).toBe(1);
    const s = JSON.parse(silent.stdout);
    expect(s.healthy).toBe(false);
    // From the CloudWatch stand-in: the stack's alarm on the metric the watchdog emitted.
    expect(s.alarms).toEqual([
      {
        name: 'Quotaflow-demo-CrmDeliveriesSilentGeneric',
        state: 'ALARM',
        reason: 'Threshold Crossed: 1 datapoint [1] was greater than or equal to the threshold (1).',
      },
    ]);
    expect(s.absence).toEqual([
      expect.stringMatching(
        /^no generic delivery for 4\.\d business hours \(last 2026-03-02T02:05:.*; alarm at 4\)$/,
      ),
    ]);
    expect(s.watchdog).toEqual({
      lastCheck: expect.stringMatching(/^2026-03-02T06:20:/),
      findings: [expect.stringMatching(/^no generic delivery for 4\.\d business hours/)],
    });
    const text = status();
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('tenant demo  UNHEALTHY');
    expect(text.stdout).toContain(
      '  ! alarm Quotaflow-demo-CrmDeliveriesSilentGeneric is in ALARM: Threshold Crossed',
    );
    expect(text.stdout).toContain('alarms        Quotaflow-demo-CrmDeliveriesSilentGeneric: ALARM');
  }, 120_000);
});
