/**
 * The workflow runner on a real tenant table (dynalite): real ledger, enrolments and send counters; recording fakes
 * only at the ports (mail, scheduler, chat, CRM writer, consent), where the provider is not what is under test.
 */
import { EffectLedger } from '../../../shared/effects/ledger';
import { EnrolmentRepository } from '../../../shared/store/enrolments';
import { SendCounters } from '../../../shared/store/send-counters';
import { countWrites, type LocalTable } from '../../support/local-aws';
import { type HarnessOptions, runnerHarness } from '../../support/workflow-harness';

export { MemoryRecords } from '../../support/memory-ports';
export { TENANT } from '../../support/workflow-harness';

/** One write counter per client (the SDK refuses a second middleware of the same name). */
const counters = new WeakMap<object, ReturnType<typeof countWrites>>();

/** The DynamoDB implementations of the runner's stores on one table. */
export const dynamoStores = (table: LocalTable) => ({
  ledger: (performers: ConstructorParameters<typeof EffectLedger>[2], now: () => Date) =>
    new EffectLedger(table.doc, table.tableName, performers, now),
  enrolments: (now: () => Date) => new EnrolmentRepository(table.doc, table.tableName, now),
  counters: (limits: ConstructorParameters<typeof SendCounters>[2], timeZone: string) =>
    new SendCounters(table.doc, table.tableName, limits, timeZone),
});

export const harness = (table: LocalTable, configInput: unknown, opts: HarnessOptions = {}) => {
  const writes = counters.get(table.doc) ?? countWrites(table.doc);
  counters.set(table.doc, writes);
  return { ...runnerHarness(dynamoStores(table), configInput, opts), writes };
};
