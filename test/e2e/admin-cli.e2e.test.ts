/**
 * The admin commands against a running `npm start` (a separate process with its own data folder), found through
 * the runtime.json it keeps there: `quotaflow dlq` lists, shows and redrives dead letters through the SQS stand-in
 * (a dead letter that fails again stays), dead letters an earlier runtime kept in dlq.json are moved into their
 * queues, and `status` reports the DLQ and its alarm from the CloudWatch stand-in.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli-process';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

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
  // A dead letter an earlier runtime version kept in dlq.json, whose target fails again (mail feedback refuses what
  // is not SES feedback).
  writeFileSync(
    join(dataDir, 'dlq.json'),
    JSON.stringify([deadLetter('bad-1', 'mail-feedback', { detail: {} })]),
  );
  rt = await startRuntimeProcess(['--tenant', 'demo'], { dataDir });
}, 90_000);

afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const quotaflow = (...args: string[]) => cli([...args, '--tenant', 'demo', '--data-dir', dataDir]);

describe('quotaflow dlq', () => {
  let id = '';
  it('finds the runtime by its state file and lists the dead letters, moved from dlq.json into their queue', () => {
    const state = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8'));
    expect(state).toMatchObject({ tenant: 'demo', url: rt.url });
    expect(existsSync(join(dataDir, 'dlq.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'dlq.json.moved'))).toBe(true);
    const list = quotaflow('dlq', 'list', '--json');
    expect(list.status).toBe(0);
    const letters = JSON.parse(list.stdout) as {
      id: string;
      queue: string;
      error: string;
      payload: unknown;
    }[];
    expect(letters).toEqual([
      expect.objectContaining({
        queue: 'rule:mail-feedback',
        error: 'Error: failed every retry',
        payload: { detail: {} },
      }),
    ]);
    id = letters[0]?.id ?? '';
    const one = quotaflow('dlq', 'show', id);
    expect(JSON.parse(one.stdout)).toMatchObject({
      id,
      queue: 'rule:mail-feedback',
      payload: { detail: {} },
    });
    expect(quotaflow('dlq', 'list', '--queue', 'workflow-runner').stdout.trim()).toBe('no dead letters');
  }, 60_000);

  it('redrives: what fails again stays in the DLQ, and the exit code says so', () => {
    const redrive = quotaflow('dlq', 'redrive');
    expect(redrive.status).toBe(1);
    expect(redrive.stdout).toMatch(
      new RegExp(`FAILED {4}${id} {2}quotaflow-demo-mail-feedback {2}.*failed again`),
    );
    expect(redrive.stdout).toContain('0 redriven, 1 failed, 1 left in the DLQ');
    const left = JSON.parse(quotaflow('dlq', 'list', '--json').stdout) as { id: string; receives: number }[];
    expect(left.map((d) => d.id)).toEqual([id]);
  }, 60_000);

  it('status reports the tenant unhealthy while a dead letter waits, with every part in JSON', () => {
    const status = quotaflow('status', '--json');
    expect(status.status).toBe(1);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({
      tenant: 'demo',
      healthy: false,
      alarms: [{ name: 'Quotaflow-demo-EventsMailFeedbackDlqMessages', state: 'ALARM' }],
      deliveries: [],
      missingSecrets: [],
      // No delivery yet is not silence: a tenant is not alarmed before its CRM first posts. At TEST_CLOCK the
      // demo's China calendar has holiday data for 34 more days only.
      absence: ['calendar cn runs out of holiday data on 2026-12-31'],
    });
    // Every DLQ (one per function invoked asynchronously), with its depth.
    expect(s.dlq).toContainEqual({ name: 'rule:mail-feedback', depth: 1 });
    expect(s.dlq).toContainEqual({ name: 'mail-feedback', depth: 0 });
    expect(s.dlq).toContainEqual({ name: 'workflow-runner', depth: 0 });
    expect(s.dlq.filter((q: { depth: number }) => q.depth > 0)).toHaveLength(1);
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
    expect(text.stdout).toContain('absence       calendar cn runs out of holiday data on 2026-12-31');
    expect(text.stdout).toContain('1 dead letter(s) in rule:mail-feedback');
  }, 60_000);

  it('says how to start a runtime when none is running, and names a tenant that does not exist', () => {
    const empty = mkdtempSync(join(tmpdir(), 'qf-admin-none-'));
    const run = (...args: string[]) => cli(args);
    // The demo is local only: with no runtime in that folder there is nothing else to find.
    const none = run('dlq', 'list', '--tenant', 'demo', '--data-dir', empty);
    rmSync(empty, { recursive: true, force: true });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('npm start -- --tenant demo');
    const unknown = run('dlq', 'list', '--tenant', 'nobody-here');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('tenants/nobody-here.json');
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(true);
  }, 60_000);
});
