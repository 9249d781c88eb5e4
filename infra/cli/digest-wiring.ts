/**
 * What the `digest` commands run on: the goals wiring (tenant, goals, org, records, targets) plus the event archive,
 * the incentive accrual snapshots and the effect ledger of the same table.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../../shared/adapters/aws/ses';
import type { DigestModel } from '../../shared/digest/model';
import type { DigestPeriod } from '../../shared/digest/period';
import type { RenderedDigest } from '../../shared/digest/render';
import { type DigestDeps, makeDigest as makeDigestOver } from '../../shared/digest/run';
import type { DigestLedger } from '../../shared/digest/send';
import { EffectLedger } from '../../shared/effects/ledger';
import type { AccrualSummary } from '../../shared/incentives/accrual';
import type { Locale } from '../../shared/org/config';
import { type Enrolment, EnrolmentRepository } from '../../shared/store/enrolments';
import { EventArchive, type EventArchiveReader } from '../../shared/store/event-archive';
import { IncentiveRepository } from '../../shared/store/incentives';
import { type GoalsOptions, type GoalsWiring, wiringFromEnvironment } from './goals-wiring';

export interface DigestWiring extends GoalsWiring {
  events: EventArchiveReader;
  /** How `digest send` sends exactly once (the effect ledger over the tenant's table, mailing through SES). */
  ledger: DigestLedger;
  accruals(periodKey: string, date: string): Promise<(AccrualSummary & { date: string })[]>;
  /** The sequence enrolments of records an owner had (the follow-up section's sequence figures). */
  enrolmentsOf?(ownerId: string, from: Date): Promise<Enrolment[]>;
}

export const digestWiringFromEnvironment = async (
  opts: GoalsOptions,
): Promise<DigestWiring & { destroy(): void }> => {
  const goals = await wiringFromEnvironment(opts);
  // The table of the tenant the goals wiring found (a running npm start or the deployed stack).
  const doc = goals.doc;
  if (!doc) throw new Error('the goals wiring has no table client');
  const incentives = new IncentiveRepository(doc, goals.tableName);
  const enrolments = new EnrolmentRepository(doc, goals.tableName, goals.now);
  const mailer = new SesMailer(new SESv2Client(goals.ses ?? {}));
  const ledger = new EffectLedger(
    doc,
    goals.tableName,
    {
      email: async ({ email }) => (await mailer.send(email)).messageId,
      schedule: async () => {
        throw new Error('digest send schedules nothing');
      },
    },
    goals.now,
  );
  return {
    ...goals,
    events: new EventArchive(doc, goals.tableName, { timeZone: goals.tenant.timeZone, now: goals.now }),
    accruals: (key, date) => incentives.accruals(key, date),
    enrolmentsOf: (owner, from) => enrolments.ofOwner(owner, from),
    ledger,
    destroy: () => goals.destroy(),
  };
};

/** The digest ports over the wiring's repositories. */
export const digestDeps = (w: DigestWiring): DigestDeps => ({
  tenant: w.tenant,
  goals: w.goals,
  org: w.org,
  book: w.book,
  owned: (object, owner, lower, upper) => w.records.owned(object, owner, lower, upper),
  ownedDeals: (owner, lower, upper) => w.records.ownedStored('deal', owner, lower, upper),
  target: async (goal, key, owner) => (await w.targets.get(goal, key, owner))?.target,
  eventsOfDay: (day, from, to) => w.events.eventsOfDay(day, from, to),
  accruals: (key, date) => w.accruals(key, date),
  ...(w.enrolmentsOf ? { enrolmentsOf: w.enrolmentsOf } : {}),
});

export const makeDigest = (
  w: DigestWiring,
  managerId: string,
  period: DigestPeriod,
  asOf: Date,
  locale?: Locale,
): Promise<{ model: DigestModel; rendered: RenderedDigest }> =>
  makeDigestOver(digestDeps(w), managerId, period, asOf, locale);
