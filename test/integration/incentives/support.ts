/**
 * The demo tenant's plans over a fresh dynalite table, with deals stored as the sync stores them
 * (RecordRepository.upsert), and a way to make one DynamoDB write fail for "nothing half-written" tests.
 */
import { join, resolve } from 'node:path';
import type { CanonicalRecord } from '../../../events';
import { type IncentiveTenant, planBookFromFile } from '../../../shared/incentives';
import { RecordRepository } from '../../../shared/store/records';
import type { LocalTable } from '../../support/local-aws';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const demoBook = () => planBookFromFile(join(ROOT, 'tenants', 'incentives', 'demo.json'));

export const TENANT: IncentiveTenant = {
  id: 'demo',
  displayName: 'Demo Trading Co. (演示贸易公司)',
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  mail: { sender: 'quotaflow@demo.quotaflow.dev', senderName: 'Quotaflow Demo' },
};

const OWNERS: Record<string, { id: string; name: string; email: string }> = {
  u1: { id: 'u1', name: '王芳', email: 'wang.fang@demo.example' },
  u2: { id: 'u2', name: '陈静', email: 'chen.jing@demo.example' },
  u3: { id: 'u3', name: 'Emily Carter', email: 'emily.carter@demo.example' },
};

export const wonDeal = (
  id: string,
  owner: string,
  amount: string,
  closeDate: string,
  over: Partial<CanonicalRecord> = {},
): CanonicalRecord => ({
  id,
  modifiedAt: `${closeDate}T04:00:00Z`,
  owner: OWNERS[owner] ?? { id: owner },
  name: `Deal ${id}`,
  stage: 'Closed Won',
  status: 'won',
  amount,
  currency: 'CNY',
  closeDate,
  fields: {},
  ...over,
});

/** Stores the record as the sync does (a newer version replaces the older one). */
export const storeDeal = async (
  table: LocalTable,
  record: CanonicalRecord,
  deleted = false,
): Promise<void> => {
  const out = await new RecordRepository(table.doc, table.tableName).upsert(
    { object: 'deal', record, version: Date.parse(record.modifiedAt), deleted },
    () => [],
  );
  if (!out.applied) throw new Error(`deal ${record.id} not stored: ${out.reason}`);
};

/** January 2026 for the demo team (hand-computed in the tests that use it). */
export const januaryDeals = (): CanonicalRecord[] => [
  wonDeal('J1', 'u1', '200000.00', '2026-01-05'),
  wonDeal('J2', 'u1', '100000.00', '2026-01-20', { fields: { newAccount: true } }),
  wonDeal('J3', 'u2', '80000.00', '2026-01-12', { fields: { creditSplit: 'u2:50;u3:50' } }),
  wonDeal('J4', 'u3', '10000.00', '2026-01-25', { currency: 'USD' }),
];

/** Makes the `nth` (1-based) write request of the given command fail, once. */
export const failNthWrite = (table: LocalTable, command: string, nth: number) => {
  let seen = 0;
  const name = `failNth${command}${Math.random()}`;
  table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command && ++seen === nth)
        throw new Error(`injected failure of ${command} #${nth}`);
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => table.doc.middlewareStack.remove(name);
};
