/**
 * Mailing a closed period: each rep's statement, in the rep's locale, and each team manager's summary, through the
 * effect ledger under keys that carry the content hashes.
 */
import { createHash } from 'node:crypto';
import { senderOf } from '../mail/sender';
import type { OutgoingEmail } from '../ports';
import type { PlanBook } from './book';
import { componentLabel, usesAttainment } from './labels';
import { type StatementNames, statementMail, teamSummaryMail } from './mail';
import { managerSummary } from './render';
import type { IncentiveTenant } from './runs';
import type { Statement } from './statement';

/** Runs one effect exactly once (the effect ledger's `run`). */
export interface EffectRunner {
  run(effect: {
    key: string;
    payload: { kind: 'email'; email: OutgoingEmail };
    correlationId: string;
  }): Promise<{ outcome: 'performed' | 'duplicate' }>;
}

export interface MailResult {
  sent: number;
  duplicates: number;
  /** Reps or teams that were not mailed, with the reason. */
  skipped: { id: string; reason: string }[];
}

/** Names, component labels and whether attainment means anything, from the plan book. */
export const statementNames = (book: PlanBook, deals?: ReadonlyMap<string, string>): StatementNames => {
  const planOf = (repId: string) => book.basis(repId);
  return {
    person: (id) => book.person(id).name,
    deal: (id) => deals?.get(id),
    component: (id, locale, planIds) => {
      for (const plan of book.config.plans) {
        if (planIds.length && !planIds.includes(plan.id)) continue;
        const c = plan.components.find((x) => x.id === id);
        if (c) return componentLabel(c, locale);
      }
      return undefined;
    },
    attainment: (repId) => {
      const plan = planOf(repId);
      return plan ? book.config.plans.filter((p) => p.id === plan.id).some(usesAttainment) : true;
    },
  };
};

/**
 * Mails each rep their statement (in the rep's locale) and each team's manager the team summary. Keys carry the
 * statement's content hash, so a re-run of the same close never sends twice.
 */
export const mailStatements = async (input: {
  book: PlanBook;
  tenant: IncentiveTenant;
  statements: readonly Statement[];
  effects: EffectRunner;
  correlationId: string;
  /** Deal id → name (closeRun's dealNames); a deal not in it is shown by its id. */
  dealNames?: ReadonlyMap<string, string>;
}): Promise<MailResult> => {
  const { book, tenant, effects, correlationId } = input;
  const result: MailResult = { sent: 0, duplicates: 0, skipped: [] };
  const names = statementNames(book, input.dealNames);
  const envelope = (
    kind: 'statement' | 'team-summary',
    to: string,
    mail: { subject: string; html: string; text: string },
  ): OutgoingEmail => ({
    kind,
    from: senderOf(tenant.mail),
    to: [to],
    ...(tenant.mail.replyTo ? { replyTo: [tenant.mail.replyTo] } : {}),
    ...mail,
    headers: { 'X-Quotaflow-Tenant': tenant.id, 'X-Quotaflow-Correlation-Id': correlationId },
  });
  const send = async (key: string, email: OutgoingEmail) => {
    const out = await effects.run({ key, payload: { kind: 'email', email }, correlationId });
    if (out.outcome === 'performed') result.sent++;
    else result.duplicates++;
  };
  const byRep = new Map(input.statements.map((s) => [s.repId, s]));
  for (const s of [...input.statements].sort((a, b) => a.repId.localeCompare(b.repId))) {
    const who = book.person(s.repId);
    if (!who.email) {
      result.skipped.push({ id: s.repId, reason: 'no email in the incentive config' });
      continue;
    }
    const mail = statementMail(s, {
      repName: who.name,
      tenantName: tenant.displayName,
      locale: who.locale,
      branding: tenant.branding,
      names,
    });
    await send(
      `${tenant.id}/incentives/statement/${s.periodKey}/${s.repId}/${s.hash}`,
      envelope('statement', who.email, mail),
    );
  }
  for (const team of [...book.teams.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const members = team.members.flatMap((m) => byRep.get(m) ?? []);
    const first = members[0];
    if (!first) continue;
    const manager = book.person(team.managerId);
    if (!manager.email) {
      result.skipped.push({ id: `team ${team.id}`, reason: `manager ${team.managerId} has no email` });
      continue;
    }
    const summary = managerSummary(members);
    const teamNames = new Map(members.map((m) => [m.repId, book.person(m.repId).name]));
    const mail = teamSummaryMail(summary, {
      managerName: manager.name,
      tenantName: tenant.displayName,
      locale: manager.locale,
      names: teamNames,
      branding: tenant.branding,
      attainment: names.attainment,
    });
    const id = createHash('sha256')
      .update(summary.reps.map((r) => `${r.repId} ${r.hash}`).join('\n'))
      .digest('hex')
      .slice(0, 32);
    await send(
      `${tenant.id}/incentives/team/${first.periodKey}/${team.id}/${id}`,
      envelope('team-summary', manager.email, mail),
    );
  }
  return result;
};
