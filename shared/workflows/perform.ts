/**
 * Performing one planned effect that is due: the checks dry-run shares (effect-checks.ts: suppression, what the CRM
 * takes), then render it from the record as it is now, apply consent and send limits
 * to mail for contacts, and hand it to the effect ledger under its deterministic key (claim -> perform -> done), so a
 * repeated event, a schedule that fires twice or a retried Lambda never performs it a second time.
 *
 * Every outcome is also in the ledger: a skipped step is settled with its reason and a step that cannot be
 * performed for good (a template that does not render) is settled as failed, so explain shows what happened.
 */
import type { CanonicalRecord } from '../../events';
import type { TenantConfig } from '../config/tenant';
import { repSenderOf, senderOf } from '../mail/sender';
import type { OutgoingEmail, SchedulerPort } from '../ports';
import type { CrmActivityWriter } from '../sync/crm-writer';
import { addDays, instantAt, localTime, nextSendInstant } from './calendar';
import { chatPayload } from './chat';
import type { CompiledWorkflows } from './compiled';
import type { Locale } from './definition';
import { type EffectCheckPorts, refusalOf } from './effect-checks';
import { workflowMail } from './mail';
import { type PlannedEffect, scheduleName, sendCalendar } from './plan';
import type { EffectsPort, EnrolmentsPort, SendCountersPort } from './ports';
import { type MergeContext, renderTemplate, renderText } from './templates';

/** Unsubscribe and suppression (shared/mail/unsubscribe.ts, shared/store/suppression.ts) as the runner uses them. */
export interface ConsentPort {
  isSuppressed(address: string): Promise<{ reason: string; at?: string } | undefined>;
  /** List-Unsubscribe (+ One-Click) headers for mail to this address; `lang` is the page's language. */
  unsubscribeHeaders(address: string, lang?: Locale): Promise<Record<string, string>>;
}

export interface PerformDeps {
  tenant: TenantConfig;
  workflows: CompiledWorkflows;
  effects: EffectsPort;
  enrolments: EnrolmentsPort;
  counters: SendCountersPort;
  /** Deferrals (a send limit reached) become one-time schedules of the same step. */
  scheduler: SchedulerPort;
  consent?: ConsentPort;
  /** Undefined for tenants whose CRM takes no writes (generic webhook); what it takes: sync/crm-writer.ts. */
  crm?: () => Promise<CrmActivityWriter | undefined>;
  now: () => Date;
}

/** Where the step came from, carried by its schedule so it can be planned again when it falls due. */
export type StepOrigin =
  | { kind: 'workflow'; id: string; version: number }
  | { kind: 'sequence'; id: string; version: number; occurrence: string; startAt: string; workflow: string };

export type StepOutcome =
  | 'performed'
  | 'duplicate'
  | 'scheduled'
  | 'deferred'
  | 'rescheduled'
  | 'skipped'
  | 'failed'
  | 'enrolled'
  | 'stopped';

export interface StepResult {
  key: string;
  step: string;
  kind: PlannedEffect['kind'];
  outcome: StepOutcome;
  detail?: string;
}

export interface PerformContext {
  effect: PlannedEffect;
  origin: StepOrigin;
  object: string;
  record: CanonicalRecord;
  change?: { from: string | null; to: string | null } | undefined;
  correlationId: string;
  /** Schedules the step again for a later instant (a send limit reached). */
  reschedule: (at: Date) => Promise<void>;
}

/** What a step result says about the step itself. */
export const stepLabel = (effect: PlannedEffect): Pick<StepResult, 'key' | 'step' | 'kind'> => ({
  key: effect.key,
  step: effect.step,
  kind: effect.kind,
});

const result = (c: PerformContext, outcome: StepOutcome, detail?: string): StepResult => ({
  key: c.effect.key,
  step: c.effect.step,
  kind: c.effect.kind,
  outcome,
  ...(detail ? { detail } : {}),
});

const linkOf = (headers: Record<string, string>): string | undefined =>
  /<(https?:[^>]+)>/.exec(headers['List-Unsubscribe'] ?? '')?.[1];

/** The runner's side of effect-checks.ts: the tenant's CRM and the live suppression list. */
export const checkPortsOf = (deps: Pick<PerformDeps, 'tenant' | 'consent'>): EffectCheckPorts => ({
  crmProvider: deps.tenant.crm.provider,
  isSuppressed: async (address) => deps.consent?.isSuppressed(address),
});

export class EffectPerformer {
  private readonly checks: EffectCheckPorts;

  constructor(private readonly deps: PerformDeps) {
    this.checks = checkPortsOf(deps);
  }

  private merge(c: PerformContext): MergeContext {
    const t = this.deps.tenant;
    return {
      object: c.object,
      record: c.record,
      change: c.change,
      tenant: { name: t.displayName, locale: t.locale, currency: t.currency },
    };
  }

  private async skip(c: PerformContext, reason: string): Promise<StepResult> {
    await this.deps.effects.settle(c.effect.key, `skipped: ${reason}`, c.correlationId);
    return result(c, 'skipped', reason);
  }

  private async fail(c: PerformContext, reason: string): Promise<StepResult> {
    await this.deps.effects.settle(c.effect.key, `failed: ${reason}`, c.correlationId);
    return result(c, 'failed', reason);
  }

  /** Performs the effect now (the caller has decided it is due and still applies). */
  async perform(c: PerformContext): Promise<StepResult> {
    const e = c.effect;
    const refused = await refusalOf(e, { object: c.object, email: c.record.email }, this.checks);
    if (refused) return this.skip(c, refused.reason);
    switch (e.kind) {
      case 'email':
        return this.email(c, e);
      case 'crm_activity':
        return this.crmActivity(c, e);
      case 'chat':
        return this.chat(c, e);
      case 'stop_sequence': {
        const stopped = [];
        for (const en of await this.deps.enrolments.ofRecord(c.object, c.record.id)) {
          if (en.sequence !== e.sequence || en.status !== 'active') continue;
          if (await this.deps.enrolments.stop(en, `stopped by workflow ${c.origin.id}`)) stopped.push(en);
        }
        await this.deps.effects.settle(e.key, `stopped ${stopped.length} enrolment(s)`, c.correlationId);
        return result(c, 'stopped', `${stopped.length} enrolment(s) of ${e.sequence}`);
      }
      case 'start_sequence':
        throw new Error('start_sequence is performed by the runner (it plans the enrolment)');
    }
  }

  private async email(c: PerformContext, e: Extract<PlannedEffect, { kind: 'email' }>): Promise<StepResult> {
    const { tenant, workflows, consent, counters, now } = this.deps;
    const template = workflows.template(e.template);
    if (!template) return this.fail(c, `template ${e.template} is not in the config`);
    let rendered: ReturnType<typeof renderTemplate>;
    try {
      rendered = renderTemplate(template, e.locale, this.merge(c));
    } catch (err) {
      return this.fail(c, `template ${e.template} did not render: ${(err as Error).message}`);
    }
    const external = e.recipient === 'contact';
    const headers: Record<string, string> = {
      'X-Quotaflow-Tenant': tenant.id,
      'X-Quotaflow-Correlation-Id': c.correlationId,
    };
    let link: string | undefined;
    let reserved: Date | undefined;
    if (external) {
      Object.assign(headers, (await consent?.unsubscribeHeaders(e.address, rendered.locale)) ?? {});
      link = linkOf(headers);
      const at = now();
      const reservation = await counters.reserve(at, c.record.owner?.id);
      if (!reservation.ok) {
        const when = await this.deferral(e, reservation.limit, at);
        await c.reschedule(when);
        return result(
          c,
          'deferred',
          `${reservation.limit === 'rate' ? 'tenant rate limit' : "rep's daily cap"} reached; now due ${when.toISOString()}`,
        );
      }
      reserved = at;
    }
    const mail = workflowMail({
      rendered,
      merge: this.merge(c),
      external,
      unsubscribeLink: link,
      branding: tenant.branding,
    });
    // Mail to a contact comes from the rep (at the tenant's address) and replies go to the rep.
    const email = this.outgoing(
      e.address,
      mail,
      headers,
      external ? c.record.owner : undefined,
      rendered.locale,
    );
    const out = await this.deps.effects.run({
      key: e.key,
      correlationId: c.correlationId,
      payload: { kind: 'email', email },
    });
    // A duplicate sent nothing: the reservation goes back.
    if (reserved && out.outcome === 'duplicate') await counters.release(reserved, c.record.owner?.id);
    return result(c, out.outcome, out.result);
  }

  private outgoing(
    to: string,
    mail: { subject: string; text: string; html: string },
    headers: Record<string, string>,
    rep: { name?: string | undefined; email?: string | undefined } | undefined,
    locale: Locale,
  ): OutgoingEmail {
    const t = this.deps.tenant;
    const replyTo = rep?.email ?? t.mail.replyTo;
    return {
      kind: 'workflow',
      from: rep ? repSenderOf(t.mail, rep, t.displayName, locale) : senderOf(t.mail),
      to: [to],
      ...(replyTo ? { replyTo: [replyTo] } : {}),
      ...mail,
      headers,
    };
  }

  /**
   * When a deferred email is due again. Each deferral takes a numbered ticket, so the n-th email held back in a
   * minute goes n/perMinute minutes later (spread through each minute), never all at the same instant.
   */
  private async deferral(
    e: Extract<PlannedEffect, { kind: 'email' }>,
    limit: 'rate' | 'rep',
    at: Date,
  ): Promise<Date> {
    const { counters, workflows, tenant } = this.deps;
    const perMinute = counters.perMinute;
    const spread = (base: Date, ticket: number) =>
      new Date(
        base.getTime() +
          Math.floor((ticket - 1) / perMinute) * 60_000 +
          Math.floor((((ticket - 1) % perMinute) * 60_000) / perMinute),
      );
    if (limit === 'rate') {
      const minuteStart = Math.floor(at.getTime() / 60_000) * 60_000;
      const ticket = await counters.ticket(at, `rate@${new Date(minuteStart).toISOString().slice(11, 16)}`);
      return spread(new Date(minuteStart + 60_000), ticket);
    }
    // The rep's cap for today is spent: the next business day's window opening in the recipient's zone.
    const zone = e.windowTimeZone ?? tenant.timeZone;
    const tomorrow = instantAt(addDays(localTime(at, zone).date, 1), 0, zone);
    const opening = nextSendInstant(sendCalendar(workflows.config, zone), zone, tomorrow);
    const ticket = await counters.ticket(at, `cap@${opening.toISOString()}`);
    return spread(opening, ticket);
  }

  private async crmActivity(
    c: PerformContext,
    e: Extract<PlannedEffect, { kind: 'crm_activity' }>,
  ): Promise<StepResult> {
    const writer = await this.deps.crm?.();
    // The CRM takes this write-back (checked in perform), so no writer means the connection is not set up.
    if (!writer) return this.skip(c, "the tenant's CRM writer is not available");
    const ctx = this.merge(c);
    const subject = renderText(this.deps.workflows.text(e.subject), ctx).replace(/\s+/g, ' ').trim();
    const description = e.description ? renderText(this.deps.workflows.text(e.description), ctx) : undefined;
    const out = await this.deps.effects.run({
      key: e.key,
      correlationId: c.correlationId,
      payload: {
        kind: 'crm_activity',
        activity: {
          object: c.object as never,
          recordId: c.record.id,
          activity: e.activity,
          subject,
          ...(description ? { description } : {}),
          ownerId: e.ownerId,
          ...(e.dueDate ? { dueDate: e.dueDate } : {}),
          idempotencyKey: e.key,
        },
      },
    });
    return result(c, out.outcome, out.result);
  }

  private async chat(c: PerformContext, e: Extract<PlannedEffect, { kind: 'chat' }>): Promise<StepResult> {
    const hook = this.deps.workflows.config.chatWebhooks[e.webhook];
    if (!hook) return this.fail(c, `chat webhook ${e.webhook} is not in the config`);
    const template = this.deps.workflows.template(e.template);
    if (!template) return this.fail(c, `template ${e.template} is not in the config`);
    let text: string;
    try {
      text = renderTemplate(template, this.deps.tenant.locale, this.merge(c)).text.trim();
    } catch (err) {
      return this.fail(c, `template ${e.template} did not render: ${(err as Error).message}`);
    }
    const out = await this.deps.effects.run({
      key: e.key,
      correlationId: c.correlationId,
      payload: { kind: 'chat', url: hook.url, body: chatPayload(hook.format, text) },
    });
    return result(c, out.outcome, out.result);
  }
}

/** One-time schedule names for a step: its key, plus the instant when it is moved (deferral, moved date). */
export const stepScheduleName = (key: string, movedTo?: Date): string =>
  scheduleName(movedTo ? `${key}#${movedTo.toISOString()}` : key);
