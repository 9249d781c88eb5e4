/**
 * CRM users with their managers: listed from both simulators, stored on dynalite (only what changed is written),
 * refreshed by reconcile, and used by the Zoho reader so a record's owner carries the manager's email.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCrmReader } from '../../../functions/wiring/crm';
import { buildCrmScanner } from '../../../functions/wiring/crm-scanner';
import { buildCrmUsers } from '../../../functions/wiring/crm-users';
import {
  DEMO_PEOPLE,
  type FxiaokeSimulator,
  startFxiaokeSimulator,
} from '../../../infra/local/simulators/fxiaoke';
import { startZohoSimulator, USERS, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { RecordRepository } from '../../../shared/store/records';
import { SyncStateRepository } from '../../../shared/store/sync-state';
import { UserRepository } from '../../../shared/store/users';
import { ownerDirectory } from '../../../shared/sync/crm-users';
import { reconcile } from '../../../shared/sync/reconcile';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { RecordingBus, secretsOf, tenantOn } from './support';

const now = new Date('2026-03-02T01:00:00Z');
let zoho: ZohoSimulator;
let fx: FxiaokeSimulator;
let zTable: LocalTable;
let fTable: LocalTable;

beforeAll(async () => {
  [zoho, fx, zTable, fTable] = await Promise.all([
    startZohoSimulator({ seed: { deals: 6, leads: 2, contacts: 2, accounts: 2 }, now: () => now.getTime() }),
    startFxiaokeSimulator({ now: () => now.getTime() }),
    startLocalTable(),
    startLocalTable(),
  ]);
});
afterAll(async () => {
  await Promise.all([zoho?.stop(), fx?.stop(), zTable?.stop(), fTable?.stop()]);
});

const zohoDeps = () => ({
  tenant: tenantOn('acme', {
    provider: 'zoho',
    dataCenter: 'com.cn',
    accountsUrl: zoho.url,
    modules: ['Deals'],
  }),
  secrets: secretsOf({
    zohoClientId: zoho.clientId,
    zohoClientSecret: zoho.clientSecret,
    zohoRefreshToken: zoho.issueRefreshToken(),
  }),
  tokenTable: { doc: zTable.doc, tableName: zTable.tableName },
  now: () => now,
});

const manager = USERS.find((u) => u.role === 'manager');

describe('Zoho users', () => {
  it('lists users with their manager, role and territory', async () => {
    const users = await buildCrmUsers(zohoDeps());
    const listed = await users?.source.listUsers();
    expect(listed).toHaveLength(USERS.length);
    const rep = listed?.find((u) => u.id === USERS[1]?.id);
    expect(rep).toEqual({
      id: USERS[1]?.id,
      name: USERS[1]?.name,
      email: USERS[1]?.email,
      active: true,
      managerId: manager?.id,
      role: 'Sales Rep',
      team: '华东区',
      territories: ['华东区'],
    });
    expect(listed?.find((u) => u.id === manager?.id)?.managerId).toBeUndefined();
    expect(zoho.requests.filter((r) => r.path === '/crm/v8/users').at(-1)?.query).toMatchObject({
      type: 'AllUsers',
    });
  });

  it('reconcile refreshes them, writing only what changed, and records read afterwards carry the manager email', async () => {
    const scanner = await buildCrmScanner(zohoDeps());
    const users = await buildCrmUsers(zohoDeps());
    if (!scanner || !users) throw new Error('a Zoho tenant has a scanner and users');
    const deps = {
      tenantId: 'acme',
      scanner,
      users,
      state: new SyncStateRepository(zTable.doc, zTable.tableName),
      records: new RecordRepository(zTable.doc, zTable.tableName),
      bus: new RecordingBus(),
      now: () => now,
    };
    const first = await reconcile(deps);
    expect(first.users).toEqual({ listed: USERS.length, written: USERS.length });
    // Not due again within the hour; when due, only what changed is written.
    expect((await reconcile(deps)).users).toBeUndefined();
    expect((await reconcile(deps, { usersEveryMs: 0 })).users).toEqual({ listed: USERS.length, written: 0 });

    const stored = await new UserRepository(zTable.doc, zTable.tableName).all();
    expect(ownerDirectory(stored)[USERS[2]?.id ?? '']).toEqual({
      name: USERS[2]?.name,
      email: USERS[2]?.email,
      managerEmail: manager?.email,
    });

    const deal = zoho.store.all('Deals')[0];
    const reader = await buildCrmReader(zohoDeps());
    const read = await reader?.read('deal', [deal?.id ?? '']);
    expect(read?.get(deal?.id ?? '')?.record.owner).toMatchObject({ managerEmail: manager?.email });
  });
});

describe('Fxiaoke users', () => {
  it('lists PersonnelObj with each employee’s leader and position, and stores them', async () => {
    const users = await buildCrmUsers({
      tenant: tenantOn('acme-fx', { provider: 'fxiaoke', apiBaseUrl: fx.url, apiUserId: fx.app.userId }),
      secrets: secretsOf({
        fxiaokeAppId: fx.app.appId,
        fxiaokeAppSecret: fx.app.appSecret,
        fxiaokePermanentCode: fx.app.permanentCode,
      }),
      tokenTable: { doc: fTable.doc, tableName: fTable.tableName },
      now: () => now,
    });
    const listed = (await users?.source.listUsers()) ?? [];
    const demo = listed.filter((u) => DEMO_PEOPLE.some((p) => p.id === u.id));
    expect(demo).toHaveLength(DEMO_PEOPLE.length);
    expect(demo.find((u) => u.id === '1001')).toMatchObject({
      name: '张伟',
      active: true,
      managerId: '1000',
      role: '客户经理',
    });
    expect(await users?.store.putChanged(listed, now)).toBe(listed.length);
    const directory = ownerDirectory(await new UserRepository(fTable.doc, fTable.tableName).all());
    expect(directory['1002']?.managerEmail).toBe('liu.yang@quotaflow-demo.example');
  });
});
