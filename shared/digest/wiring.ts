/**
 * The digest's ports over the tenant table's repositories, in one place for the scheduled run
 * (functions/schedules/manager-digest.ts) and the `digest` commands (infra/cli/digest-wiring.ts): what each port
 * reads is documented in digest/sources.ts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EffectLedger } from '../effects/ledger';
import type { PlanBook } from '../incentives/book';
import { accrualRun, type IncentiveStorePort, type IncentiveTenant } from '../incentives/runs';
import type { MailerPort } from '../ports';
import { EnrolmentRepository } from '../store/enrolments';
import { EventArchive } from '../store/event-archive';
import { GoalTargetRepository } from '../store/goal-targets';
import { IncentiveRepository } from '../store/incentives';
import { RecordRepository } from '../store/records';
import type { DigestDeps } from './run';

/** The repositories a digest reads (tests may hand in narrower ones). */
export interface DigestStores {
  records: Pick<RecordRepository, 'owned' | 'ownedStored'>;
  targets: Pick<GoalTargetRepository, 'get'>;
  archive: Pick<EventArchive, 'eventsOfDay' | 'stageEvents'>;
  incentives: Pick<IncentiveRepository, 'accruals'> & Partial<IncentiveStorePort>;
  enrolments?: Pick<EnrolmentRepository, 'ofOwner'>;
}

export const digestStores = (
  doc: DynamoDBDocumentClient,
  table: string,
  timeZone: string,
  now: () => Date,
): Required<DigestStores> => ({
  records: new RecordRepository(doc, table),
  targets: new GoalTargetRepository(doc, table),
  archive: new EventArchive(doc, table, { timeZone, now }),
  incentives: new IncentiveRepository(doc, table),
  enrolments: new EnrolmentRepository(doc, table, now),
});

/**
 * The digest's ports. `accrualBook` is the plan book the daily accrual runs with (the plans completed by the org):
 * with it, a digest whose day has no accrual snapshot yet computes the accrual as `incentives accrual` would.
 */
export const digestDepsOf = (
  base: Pick<DigestDeps, 'tenant' | 'goals' | 'org' | 'book'>,
  s: DigestStores,
  accrual?: { book: PlanBook; tenant: IncentiveTenant },
): DigestDeps => {
  const store = s.incentives;
  const enrolments = s.enrolments;
  const computable = accrual && store.deals && store.closes;
  return {
    ...base,
    owned: (object, owner, lower, upper) => s.records.owned(object, owner, lower, upper),
    ownedDeals: (owner, lower, upper) => s.records.ownedStored('deal', owner, lower, upper),
    target: async (goal, period, owner) => (await s.targets.get(goal, period, owner))?.target,
    eventsOfDay: (day, from, to) => s.archive.eventsOfDay(day, from, to),
    stageEvents: (from, to) => s.archive.stageEvents(from, to),
    accruals: (key, date) => store.accruals(key, date),
    ...(enrolments ? { enrolmentsOf: (owner: string, from: Date) => enrolments.ofOwner(owner, from) } : {}),
    ...(computable
      ? {
          accrualAt: async (at: Date) =>
            (
              await accrualRun({
                book: accrual.book,
                store: store as IncentiveStorePort,
                tenant: accrual.tenant,
                now: at,
                // As the daily accrual saves its snapshot: a deal the plans cannot credit is left out, not fatal.
                hold: true,
              })
            ).accruals,
        }
      : {}),
  };
};

/** The effect ledger of a digest sender: it only mails. */
export const mailingLedger = (
  doc: DynamoDBDocumentClient,
  table: string,
  mailer: MailerPort,
  now: () => Date,
): EffectLedger =>
  new EffectLedger(
    doc,
    table,
    {
      email: async ({ email }) => (await mailer.send(email)).messageId,
      schedule: async () => {
        throw new Error('manager digests schedule nothing');
      },
    },
    now,
  );
