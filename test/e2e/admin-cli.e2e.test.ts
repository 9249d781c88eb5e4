/**
 * The admin commands against a running `npm start` (a separate process with its own data folder), found through
 * the runtime.json it keeps there: `quotaflow dlq` lists, shows and redrives dead letters, and a redrive takes out
 * of the DLQ exactly what succeeded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

const dataDir = mkdtempSync(join(tmpdir(), 'qf-admin-'));
let rt: RuntimeProcess;

const deadLetter = (id: string, target: string, payload: unknown) => ({
  id,
  origin: `rule:${target}-rule`,
  target,
  payload,
  error: 'Error: failed every retry',
  attempts: 3,
  failedAt: '2026-11-27T02:00:00.000Z',
});

beforeAll(async () => {
  // Two dead letters from an earlier run: one whose target now succeeds (the health function takes any input),
  // one that fails again (mail feedback refuses what is not SES feedback).
  writeFileSync(
    join(dataDir, 'dlq.json'),
    JSON.stringify([deadLetter('ok-1', 'health', {}), deadLetter('bad-1', 'mail-feedback', { detail: {} })]),
  );
  rt = await startRuntimeProcess(['--tenant', 'demo'], { dataDir });
}, 90_000);

afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const quotaflow = (...args: string[]) =>
  spawnSync('npx', ['tsx', 'infra/cli/main.ts', ...args, '--tenant', 'demo', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });

describe('quotaflow dlq', () => {
  it('finds the runtime by its state file and lists the dead letters', () => {
    const state = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8'));
    expect(state).toMatchObject({ tenant: 'demo', url: rt.url });
    const list = quotaflow('dlq', 'list', '--json');
    expect(list.status).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((d) => d.id)).toEqual(['ok-1', 'bad-1']);
    const one = quotaflow('dlq', 'show', 'bad-1');
    expect(JSON.parse(one.stdout)).toMatchObject({
      id: 'bad-1',
      target: 'mail-feedback',
      payload: { detail: {} },
    });
  }, 60_000);

  it('redrives: what succeeds leaves the DLQ, what fails stays, and the exit code says so', () => {
    const redrive = quotaflow('dlq', 'redrive');
    expect(redrive.status).toBe(1);
    expect(redrive.stdout).toContain('redriven  ok-1  health');
    expect(redrive.stdout).toMatch(/FAILED {4}bad-1 {2}mail-feedback/);
    expect(redrive.stdout).toContain('1 redriven, 1 failed, 1 left in the DLQ');
    const left = JSON.parse(quotaflow('dlq', 'list', '--json').stdout) as { id: string }[];
    expect(left.map((d) => d.id)).toEqual(['bad-1']);
    expect((JSON.parse(readFileSync(join(dataDir, 'dlq.json'), 'utf8')) as unknown[]).length).toBe(1);
  }, 60_000);

  it('status reports the tenant unhealthy while a dead letter waits, with every part in JSON', () => {
    const status = quotaflow('status', '--json');
    expect(status.status).toBe(1);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({
      tenant: 'demo',
      healthy: false,
      dlq: [{ name: 'mail-feedback', depth: 1 }],
      alarms: [{ name: 'mail-feedback dead letters', state: 'ALARM' }],
      deliveries: [],
      missingSecrets: [],
      // No delivery yet is not silence: a tenant is not alarmed before its CRM first posts.
      absence: [],
    });
    expect(s.schedules).toContainEqual({ name: 'effectRecovery', next: expect.any(String), lastRun: null });
    expect(s.calendars.length).toBeGreaterThan(0);
    for (const c of s.calendars)
      expect(c).toEqual({
        name: expect.any(String),
        coversUntil: expect.anything(),
        short: expect.any(Boolean),
      });
    const text = quotaflow('status');
    expect(text.stdout).toContain('tenant demo  UNHEALTHY');
    expect(text.stdout).toContain('absence       nothing missing (deliveries, channels, reconcile)');
    expect(text.stdout).toContain('1 dead letter(s) in mail-feedback');
  }, 60_000);

  it('says how to start a runtime when none is running', () => {
    const none = spawnSync('npx', ['tsx', 'infra/cli/main.ts', 'dlq', 'list', '--tenant', 'nobody-here'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('npm start -- --tenant nobody-here');
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(true);
  }, 60_000);
});
