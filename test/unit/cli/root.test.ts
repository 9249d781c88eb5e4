/**
 * The CLI's composition root: names from the target (flags win), each client built once and only when asked for,
 * and every client built released by destroy(). No request is sent.
 */
import { describe, expect, it, vi } from 'vitest';
import type { TenantTarget } from '../../../infra/cli/tenant-target';
import { cliRoot } from '../../../infra/cli/wiring/root';

const local = (endpoint: string) => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

const target: TenantTarget = {
  tenant: 'acme',
  where: 'local',
  label: 'npm start at http://127.0.0.1:3999',
  tableName: 'quotaflow-acme',
  secretId: 'quotaflow/acme/app',
  eventBusName: 'quotaflow-acme',
  apiUrl: 'http://127.0.0.1:3999',
  dynamodb: local('http://127.0.0.1:4001'),
  secretsManager: local('http://127.0.0.1:4002'),
  eventBridge: local('http://127.0.0.1:4002'),
  sesv2: local('http://127.0.0.1:4003'),
};

describe('cliRoot', () => {
  it("names the target's table, bus and secret; --table and --bus win; another tenant gets npm start's name", () => {
    const root = cliRoot(target);
    expect([root.tableName, root.busName, root.secretId]).toEqual([
      'quotaflow-acme',
      'quotaflow-acme',
      'quotaflow/acme/app',
    ]);
    expect(root.tableOf('acme')).toBe('quotaflow-acme');
    expect(root.tableOf('other')).toBe('quotaflow-other');
    expect(root.chatRedirect).toBe('http://127.0.0.1:3999/_local/chat');
    const flagged = cliRoot(target, { table: 'mine', bus: 'my-bus' });
    expect([flagged.tableName, flagged.busName, flagged.tableOf('other')]).toEqual([
      'mine',
      'my-bus',
      'mine',
    ]);
    expect(cliRoot({ ...target, where: 'aws' }).chatRedirect).toBeUndefined();
  });

  it('builds each client once, on first use, at the endpoint the target names', async () => {
    const root = cliRoot(target);
    expect(root.doc()).toBe(root.doc());
    expect(root.bus()).toBe(root.bus());
    expect(root.mailer()).toBe(root.mailer());
    expect(root.secrets()).toBe(root.secrets());
    const endpoint = await root.sesv2().config.endpoint?.();
    expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe('http://127.0.0.1:4003');
    root.destroy();
  });

  it('releases every client it built, once, and none it did not build', () => {
    const root = cliRoot(target);
    const doc = root.doc();
    const secrets = root.secretsClient();
    const spies = [vi.spyOn(doc, 'destroy'), vi.spyOn(secrets, 'destroy')];
    root.destroy();
    root.destroy();
    for (const spy of spies) expect(spy).toHaveBeenCalledTimes(1);
    // Nothing built, nothing to release: a command that needed no table.
    expect(() => cliRoot(undefined).destroy()).not.toThrow();
  });

  it('acts at --now when given, else at this machine’s clock off npm start', async () => {
    const fixed = await cliRoot({ ...target, where: 'aws' }, { now: '2026-12-01T02:00:00+08:00' }).clock();
    expect(fixed().toISOString()).toBe('2026-11-30T18:00:00.000Z');
    const machine = await cliRoot({ ...target, where: 'aws' }).clock();
    expect(Math.abs(machine().getTime() - Date.now())).toBeLessThan(5_000);
  });
});
