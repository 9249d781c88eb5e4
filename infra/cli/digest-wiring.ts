/**
 * What the `digest` commands run on: the goals wiring (tenant, goals, org, records, targets) plus the event archive
 * and the incentive accrual snapshots of the same table; and how one manager's digest is made from them.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../../shared/adapters/aws/ses';
import { buildDigest, type DigestModel } from '../../shared/digest/model';
import type { DigestPeriod } from '../../shared/digest/period';
import { type RenderedDigest, renderDigest } from '../../shared/digest/render';
import type { DigestLedger } from '../../shared/digest/send';
import { collectDigestInput } from '../../shared/digest/sources';
import { EffectLedger } from '../../shared/effects/ledger';
import { GoalProgress } from '../../shared/goals/progress';
import { incentiveQuota } from '../../shared/goals/quota';
import type { AccrualSummary } from '../../shared/incentives/accrual';
import { Dec } from '../../shared/incentives/money';
import type { Locale } from '../../shared/org/config';
import { EventArchive, type EventArchiveReader } from '../../shared/store/event-archive';
import { IncentiveRepository } from '../../shared/store/incentives';
import { documentClientFromEnvironment } from './common';
import { type GoalsOptions, type GoalsWiring, wiringFromEnvironment } from './goals-wiring';

export interface DigestWiring extends GoalsWiring {
  events: EventArchiveReader;
  /** How `digest send` sends exactly once (the effect ledger over the tenant's table, mailing through SES). */
  ledger: DigestLedger;
  accruals(periodKey: string, date: string): Promise<(AccrualSummary & { date: string })[]>;
}

export const digestWiringFromEnvironment = async (
  opts: GoalsOptions,
): Promise<DigestWiring & { destroy(): void }> => {
  const goals = await wiringFromEnvironment(opts);
  const doc = documentClientFromEnvironment();
  const incentives = new IncentiveRepository(doc, goals.tableName);
  const mailer = new SesMailer(new SESv2Client({}));
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
    ledger,
    destroy: () => {
      goals.destroy();
      doc.destroy();
    },
  };
};

/** The teams a manager leads, by name, for the subject line; the manager's own name when they lead none. */
export const teamNameOf = (w: GoalsWiring, managerId: string, period: DigestPeriod): string => {
  const names = w.org
    .teams(period.end)
    .filter((t) => t.managerId === managerId)
    .map((t) => t.name);
  return names.length ? names.join(' · ') : (w.org.person(managerId)?.name ?? managerId);
};

export const makeDigest = async (
  w: DigestWiring,
  managerId: string,
  period: DigestPeriod,
  asOf: Date,
  locale?: Locale,
): Promise<{ model: DigestModel; rendered: RenderedDigest }> => {
  const book = w.book;
  const progress = new GoalProgress(w.goals, w.org, w.tenant, {
    owned: (object, owner, lower, upper) => w.records.owned(object, owner, lower, upper),
    target: async (goal, key, owner) => (await w.targets.get(goal, key, owner))?.target,
    ...(book ? { quota: incentiveQuota(book, w.tenant.currency) } : {}),
    fxRate: (from, to, date) => (from === to ? new Dec(1) : book?.fxRate(from, to, date)),
  });
  const input = await collectDigestInput(
    {
      tenant: w.tenant,
      org: w.org,
      goals: w.goals,
      sources: {
        owned: (object, owner, lower, upper) => w.records.owned(object, owner, lower, upper),
        eventsOfDay: (day, from, to) => w.events.eventsOfDay(day, from, to),
        accruals: (key, date) => w.accruals(key, date),
        figures: (q) => progress.figures(q),
      },
    },
    managerId,
    period,
    asOf,
  );
  const model = buildDigest(input);
  const brand = { name: w.tenant.displayName, branding: w.tenant.branding };
  const rendered = renderDigest(model, brand, {
    teamName: teamNameOf(w, managerId, period),
    ...(locale ? { locale } : {}),
  });
  return { model, rendered };
};
