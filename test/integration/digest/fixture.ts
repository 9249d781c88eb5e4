import { join } from 'node:path';
import type { CanonicalRecord } from '../../../events';
import type { DigestWiring } from '../../../infra/cli/digest-wiring';
import { orgOf } from '../../../infra/cli/goals-wiring';
import { loadGoalsDocument } from '../../../infra/goals-document';
import { loadTenant } from '../../../infra/tenants';
import { mailingLedger } from '../../../shared/digest/wiring';
import type { AccrualSummary } from '../../../shared/incentives/accrual';
import { EnrolmentRepository } from '../../../shared/store/enrolments';
import { EventArchive } from '../../../shared/store/event-archive';
import { GoalTargetRepository } from '../../../shared/store/goal-targets';
import { IncentiveRepository } from '../../../shared/store/incentives';
import { RecordRepository } from '../../../shared/store/records';
import { UserRepository } from '../../../shared/store/users';
import { type LocalTable, type RecordingMailer, startLocalTable, TestClock } from '../../support/local-aws';
import { demoBook, ROOT } from '../incentives/support';

export const AS_OF = '2026-10-16T18:00:00+08:00';

const owners: Record<string, { id: string; name: string }> = {
  u1: { id: 'u1', name: '王芳' },
  u2: { id: 'u2', name: '陈静' },
  u3: { id: 'u3', name: 'Emily Carter' },
};
const deal = (id: string, owner: string, over: Partial<CanonicalRecord>): CanonicalRecord => ({
  id,
  modifiedAt: '2026-10-12T02:00:00Z',
  owner: owners[owner] ?? { id: owner },
  stage: 'Proposal',
  status: 'open',
  currency: 'CNY',
  fields: {},
  ...over,
});

/** Current records, and the snapshots the sync's domain events carried this week. */
const d5 = deal('d5', 'u2', {
  name: '宏达物流 年度合同',
  status: 'won',
  stage: 'Closed Won',
  amount: '30000.00',
  closeDate: '2026-10-12',
});
const d6 = deal('d6', 'u2', {
  name: '华东制造 <ERP> 升级',
  amount: '200000.00',
  closeDate: '2026-10-28',
  modifiedAt: '2026-10-13T03:00:00Z',
  fields: { probability: 50, url: 'https://crm.example.cn/deals/d6' },
});
const d8v1 = deal('d8', 'u1', {
  name: 'Northwind renewal',
  amount: '80000.00',
  closeDate: '2026-10-20',
  modifiedAt: '2026-10-12T01:00:00Z',
});
const d8v2 = { ...d8v1, closeDate: '2026-11-05', stage: 'Negotiation', modifiedAt: '2026-10-13T01:00:00Z' };
const d8 = { ...d8v1, closeDate: '2026-11-20', stage: 'Contract', modifiedAt: '2026-10-15T01:00:00Z' };
const d9 = deal('d9', 'u3', {
  name: 'Contoso pilot',
  amount: '15000.00',
  currency: 'USD',
  closeDate: '2026-10-10',
  modifiedAt: '2026-09-20T03:00:00Z',
});
const d10 = deal('d10', 'u3', {
  name: 'Fabrikam expansion',
  closeDate: '2026-10-30',
  modifiedAt: '2026-10-14T03:00:00Z',
});
const d11 = deal('d11', 'u1', {
  name: '远洋贸易',
  status: 'lost',
  stage: 'Closed Lost',
  amount: '50000.00',
  closeDate: '2026-10-14',
  modifiedAt: '2026-10-14T05:00:00Z',
});
const d12 = deal('d12', 'u2', { name: '星河零售', amount: '45000.00', modifiedAt: '2026-10-14T06:00:00Z' });
const stranger = deal('x1', 'z9', { name: 'Not our team', modifiedAt: '2026-10-13T06:00:00Z' });

const summary = (repId: string, earned: string, tier: number, rate: string): AccrualSummary => ({
  repId,
  periodKey: '2026-10',
  currency: 'CNY',
  credited: '0',
  earned,
  segments: [
    {
      planId: 'ae-2026',
      planVersion: 1,
      from: '2026-10-01',
      to: '2026-10-31',
      days: 31,
      quota: '300000.00',
      credited: '0',
      attainment: '0',
      tiers: [{ componentId: 'commission', mode: 'marginal', tier, rate, from: '0' }],
    },
  ],
  pending: [],
});

/** The demo tenant's table as the runtime leaves it on Friday 16 October 2026, and the `digest` wiring over it. */
export const startDigestFixture = async (
  mailer: RecordingMailer,
): Promise<{ table: LocalTable; w: DigestWiring }> => {
  const table = await startLocalTable('digest-cli');
  const users = [
    { id: 'm1', name: '李明', email: 'li.ming@demo.example', active: true },
    { id: 'u1', name: '王芳', active: true, managerId: 'm1' },
    { id: 'u2', name: '陈静', active: true, managerId: 'm1' },
    { id: 'u3', name: 'Emily Carter', active: true, managerId: 'm1' },
    { id: 'm2', name: '赵强', active: true },
    { id: 'u4', name: '孙丽', active: true, managerId: 'm2' },
  ];
  await new UserRepository(table.doc, table.tableName).putChanged(users, new Date('2026-10-01T00:00:00Z'));
  const records = new RecordRepository(table.doc, table.tableName);
  const won = deal('d1', 'u1', {
    name: '蓝海科技',
    status: 'won',
    stage: 'Closed Won',
    amount: '120000.00',
    closeDate: '2026-10-09',
  });
  for (const r of [won, d5, d6, d8, d9, d10, d11, d12, stranger])
    await records.upsert(
      { object: 'deal', record: r, version: Date.parse(r.modifiedAt), deleted: false },
      () => [],
    );
  const archive = new EventArchive(table.doc, table.tableName, {
    timeZone: 'Asia/Shanghai',
    now: () => new Date(AS_OF),
  });
  const put = (type: string, record: CanonicalRecord) =>
    archive.put({
      type,
      detail: {
        version: 1,
        eventId: `${type}:${record.id}:${record.modifiedAt}`,
        tenantId: 'demo',
        object: 'deal',
        recordId: record.id,
        record,
        occurredAt: record.modifiedAt,
        correlationId: 'test',
      },
    });
  await put('deal.won', d5);
  await put('deal.created', d6);
  await put('deal.created', d8v1);
  await put('deal.stage_changed', d8v2);
  await put('deal.stage_changed', d8);
  await put('deal.lost', d11);
  await put('deal.created', stranger);
  // Saturday 17 October, after the as-of instant: not in the digest.
  await put('deal.created', deal('late', 'u1', { name: 'Too late', modifiedAt: '2026-10-17T02:00:00Z' }));
  await new IncentiveRepository(table.doc, table.tableName).putAccruals(
    '2026-10-15',
    [summary('u1', '6400.00', 1, '0.04'), summary('u2', '1200.00', 1, '0.04')],
    new Date(AS_OF),
  );
  // Sequence enrolments as the workflow runner stores them: u1 has one still active and one a reply stopped on
  // Wednesday of the week; someone outside the team has one too.
  const enrolClock = new TestClock('2026-10-05T02:00:00Z');
  const enrolments = new EnrolmentRepository(table.doc, table.tableName, enrolClock.now);
  const enrol = (recordId: string, ownerId: string) =>
    enrolments.start({
      object: 'lead',
      recordId,
      sequence: 'nurture',
      version: 1,
      occurrence: 'once',
      workflow: 'lead-nurture',
      ownerId,
    });
  await enrol('L-a', 'u1');
  enrolClock.advance(new Date('2026-10-08T02:00:00Z'));
  await enrol('L-b', 'u1');
  await enrol('L-c', 'stranger-owner');
  enrolClock.advance(new Date('2026-10-14T02:00:00Z'));
  await enrolments.stop(
    { object: 'lead', recordId: 'L-b', sequence: 'nurture', occurrence: 'once' },
    'stop condition: replied',
  );
  const reader = new EnrolmentRepository(table.doc, table.tableName, () => new Date(AS_OF));
  const tenant = loadTenant(join(ROOT, 'tenants', 'demo.json'));
  const goals = loadGoalsDocument('demo', ROOT, 2026);
  if (!goals) throw new Error('the demo tenant has no goals');
  const book = demoBook();
  const incentives = new IncentiveRepository(table.doc, table.tableName);
  const w: DigestWiring = {
    tenant,
    goals,
    org: orgOf(tenant, goals, users, book),
    book,
    records,
    targets: new GoalTargetRepository(table.doc, table.tableName),
    tableName: table.tableName,
    now: () => new Date(AS_OF),
    by: 'admin@demo',
    archive,
    incentives,
    enrolments: reader,
    ledger: mailingLedger(table.doc, table.tableName, mailer, () => new Date(AS_OF)),
  };
  return { table, w };
};
