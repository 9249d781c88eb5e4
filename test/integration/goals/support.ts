/** A goal evaluation on a local table for the goals integration tests: progress, states and the effect ledger. */

import type { CanonicalRecord, CrmObject } from '../../../events';
import { EffectLedger } from '../../../shared/effects/ledger';
import { type EvaluationDeps, GoalEvaluation } from '../../../shared/goals/evaluation';
import { GoalProgress, type ProgressTenant } from '../../../shared/goals/progress';
import { streakOf } from '../../../shared/goals/streak';
import type { CompiledGoals } from '../../../shared/goals/validate';
import { Dec } from '../../../shared/incentives/money';
import type { Org } from '../../../shared/org/model';
import { GoalReminderRepository } from '../../../shared/store/goal-reminders';
import { GoalTargetRepository } from '../../../shared/store/goal-targets';
import { RecordRepository } from '../../../shared/store/records';
import {
  type LocalTable,
  performersFor,
  type RecordingMailer,
  RecordingScheduler,
} from '../../support/local-aws';

/** The tenant of these tests: Shanghai, yuan, mail from goals@acme.example. */
export const ACME = {
  id: 'acme',
  displayName: 'Acme',
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  locale: 'zh-CN',
  mail: { sender: 'goals@acme.example' },
};

export const evaluationOn = (
  table: LocalTable,
  setup: { goals: CompiledGoals; org: Org; tenant: EvaluationDeps['tenant'] & ProgressTenant },
  opts: {
    now: Date;
    mailer: RecordingMailer;
    posts?: { body: Record<string, unknown> }[];
    /** Decide and report without the effect ledger: nothing is sent or stored. */
    dryRun?: boolean;
  },
): GoalEvaluation => {
  const records = new RecordRepository(table.doc, table.tableName);
  const targets = new GoalTargetRepository(table.doc, table.tableName);
  const progress = new GoalProgress(setup.goals, setup.org, setup.tenant, {
    owned: (object, owner, lower, upper) => records.owned(object, owner, lower, upper),
    created: (object, owner, lower, upper) => records.created(object, owner, lower, upper),
    target: async (goal, period, owner) => (await targets.get(goal, period, owner))?.target,
    fxRate: (from, to) => (from === to ? new Dec(1) : undefined),
  });
  const posts = opts.posts;
  const effects = new EffectLedger(
    table.doc,
    table.tableName,
    {
      ...performersFor(opts.mailer, new RecordingScheduler()),
      chat: async (p) => {
        posts?.push(p);
        return 'posted';
      },
    },
    () => opts.now,
  );
  return new GoalEvaluation({
    ...setup,
    figures: (q) => progress.figures(q),
    streak: (goal, owner, asOf) => streakOf(progress, goal, owner, asOf),
    checkinDeals: (person, today) => progress.weekDeals(person, today),
    loggedActivity: (person, from, to, zone) => progress.loggedActivity(person, from, to, zone),
    states: new GoalReminderRepository(table.doc, table.tableName, () => opts.now),
    ...(opts.dryRun ? {} : { effects }),
    ...(posts ? { chat: { url: 'https://hooks.slack.com/services/T/B/x', format: 'slack' as const } } : {}),
    correlationId: 'test',
  });
};

/** What a goals test stores before it runs: records (version 1 unless they say otherwise) and targets. */
export interface GoalsSeed {
  records?: { object?: CrmObject; record: CanonicalRecord; version?: number }[];
  targets?: { goal: string; period: string; owner: string; target: string }[];
  /** When the targets were set (they are set by "admin"). */
  targetsSetAt?: Date;
}

export const seedGoals = async (table: LocalTable, seed: GoalsSeed): Promise<void> => {
  const records = new RecordRepository(table.doc, table.tableName);
  for (const r of seed.records ?? [])
    await records.upsert(
      { object: r.object ?? 'deal', record: r.record, version: r.version ?? 1, deleted: false },
      () => [],
    );
  if (seed.targets?.length)
    await new GoalTargetRepository(table.doc, table.tableName).set(
      seed.targets,
      'admin',
      seed.targetsSetAt ?? new Date('2026-01-01T00:00:00Z'),
    );
};

/** The deals of a seed, each stored at version 1. */
export const deals = (...records: CanonicalRecord[]): GoalsSeed['records'] =>
  records.map((record) => ({ record }));
