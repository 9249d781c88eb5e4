/**
 * From a matched workflow and its event to the effects it will have: an ordered list of descriptions, each with a
 * deterministic key for the effect ledger and the instant it is due. Nothing is performed or rendered here; the
 * handler performs what is due now through the ledger and turns later ones into one-time schedules
 * (`scheduleName(key)`), re-checking conditions on fresh data when they fire (`recheck`).
 *
 * Keys are (tenant, workflow id@version, step, record, occurrence), where the occurrence is the domain event's
 * deterministic id: a redelivered event yields the same keys, so the ledger turns a repeat into a no-op, while a
 * new version of a workflow never collides with its predecessor's effects.
 *
 * Time runs forward through the steps from the event's occurredAt (never "now", which differs between retries): a
 * wait moves the cursor, and so does holding a contact email to the recipient's send window, so a follow-up never
 * overtakes the email it follows.
 */
import { createHash } from 'node:crypto';
import type { CanonicalRecord } from '../../events';
import {
  addBusinessDays,
  addDays,
  type BusinessCalendar,
  businessDueDate,
  compileCalendar,
  DEFAULT_CALENDAR,
  instantAt,
  isTimeZone,
  localTime,
  nextSendInstant,
  relativeToDate,
} from './calendar';
import type { Action, Locale, Recipient, Sequence, Workflow, WorkflowConfig } from './definition';
import type { WorkflowEvent } from './match';
import { enc, enrolmentKey, enrolmentOccurrence } from './sequences';
import { compileText, renderText } from './templates';

export interface PlanTenant {
  id: string;
  timeZone: string;
  locale: Locale;
  /** For previews of merged text (explain, dry-run); the runner renders again when it performs. */
  name?: string;
  currency?: string;
}

export type EffectDescription =
  | {
      kind: 'email';
      template: string;
      recipient: Recipient['to'];
      address: string;
      locale: Locale;
      /** The zone the send window was applied in (the recipient's for contacts), if one was. */
      windowTimeZone?: string;
    }
  | {
      kind: 'crm_activity';
      activity: 'task' | 'note' | 'call';
      subject: string;
      /** The subject merged with the event's record, for people reading a plan (explain, dry-run). */
      subjectPreview?: string;
      description?: string;
      ownerId: string;
      /** Local date in the tenant's zone, business days counted on the tenant's calendar. */
      dueDate?: string;
    }
  | { kind: 'chat'; webhook: string; format: string; template: string }
  | { kind: 'start_sequence'; sequence: string; version: number; occurrence: string; enrolmentKey: string }
  | { kind: 'stop_sequence'; sequence: string };

export type PlannedEffect = EffectDescription & {
  key: string;
  /** Where the step is in the config ("actions[2]", "steps[0]"). */
  step: string;
  /** ISO-8601 UTC. */
  dueAt: string;
  /** Re-evaluate conditions (workflow) or stop conditions (sequence) on fresh data before performing. */
  recheck: boolean;
};

export interface SkippedStep {
  step: string;
  reason: string;
}

export interface Plan {
  effects: PlannedEffect[];
  skipped: SkippedStep[];
  /** Debounced workflows act only if the record is still at this version when the gate opens. */
  gate?: { until: string; recordModifiedAt: string };
}

/** EventBridge Scheduler names are ≤64 of [0-9a-zA-Z-_.]: a hash of the key, deterministic like the key. */
export const scheduleName = (key: string): string =>
  `qf-wf-${createHash('sha256').update(key).digest('hex').slice(0, 48)}`;

interface StepEnv {
  config: WorkflowConfig;
  tenant: PlanTenant;
  event: WorkflowEvent;
  keyOf: (k: number) => string;
  stepName: (k: number) => string;
  start: Date;
  /** Effects due at `start` itself still need a recheck (debounce gates, sequence stop conditions). */
  alwaysRecheck: boolean;
}

/** Compiled once per definition: a source's holidays are read once per container, not per plan. */
const compiled = new WeakMap<object, BusinessCalendar>();
export const calendarOf = (config: WorkflowConfig, id: string): BusinessCalendar => {
  const def = Object.hasOwn(config.calendars, id) ? config.calendars[id] : undefined;
  if (!def) return DEFAULT_CALENDAR;
  let cal = compiled.get(def);
  if (!cal) {
    cal = compileCalendar(def, id);
    compiled.set(def, cal);
  }
  return cal;
};

/** The calendar mail to a recipient in this zone follows (a zone's own calendar, else the tenant's). */
export const sendCalendar = (config: WorkflowConfig, timeZone: string): BusinessCalendar => {
  const byZone = config.sendWindow.calendarByTimeZone[timeZone];
  return calendarOf(config, byZone ?? config.sendWindow.calendar);
};

/** The zone a contact's mail is timed in: the mapped field's IANA zone, else the tenant's. */
export const recipientZone = (config: WorkflowConfig, record: CanonicalRecord, fallback: string): string => {
  const name = config.sendWindow.recipientTimeZoneField?.replace(/^fields\./, '');
  const tz = name === undefined ? undefined : record.fields[name];
  return typeof tz === 'string' && isTimeZone(tz) ? tz : fallback;
};

/** The contact's language from the mapped field, as one of ours ("en-GB" → en, "zh-Hans-CN" → zh-CN). */
const recipientLocale = (config: WorkflowConfig, record: CanonicalRecord, fallback: Locale): Locale => {
  const name = config.sendWindow.recipientLocaleField?.replace(/^fields\./, '');
  const v = name === undefined ? undefined : record.fields[name];
  if (typeof v !== 'string') return fallback;
  const lang = v.trim().toLowerCase().split(/[-_]/)[0];
  return lang === 'en' ? 'en' : lang === 'zh' ? 'zh-CN' : fallback;
};

const address = (r: Recipient, record: CanonicalRecord): string | { missing: string } => {
  switch (r.to) {
    case 'contact':
      return record.email ?? { missing: 'the record has no email' };
    case 'owner':
      return record.owner?.email ?? { missing: 'the record has no owner email' };
    case 'manager':
      return record.owner?.managerEmail ?? { missing: "the owner's manager email is not known" };
    case 'address':
      return r.address;
  }
};

const recordDate = (record: CanonicalRecord, field: string): string | undefined => {
  const v = field.startsWith('fields.')
    ? record.fields[field.slice(7)]
    : record[field as keyof CanonicalRecord];
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined;
};

const compiledTexts = new Map<string, ReturnType<typeof compileText>>();
/** Merged text as the record stands in the event; undefined without the tenant's name and currency to merge. */
const previewText = (source: string, env: StepEnv): string | undefined => {
  const { tenant, event } = env;
  if (tenant.name === undefined || tenant.currency === undefined) return undefined;
  let compiled = compiledTexts.get(source);
  if (!compiled) {
    compiled = compileText(source);
    compiledTexts.set(source, compiled);
  }
  if ('error' in compiled) return undefined;
  const d = event.detail;
  return renderText(compiled, {
    object: d.object,
    record: d.record,
    change: 'change' in d ? d.change : undefined,
    tenant: { name: tenant.name, locale: tenant.locale, currency: tenant.currency },
  })
    .replace(/\s+/g, ' ')
    .trim();
};

/**
 * Where a wait is counted: a wait belongs to the step after it. Before mail to the contact it runs in the contact's
 * zone on their calendar (Friday 11:02 + 1 business day is Monday 11:02 for them, whatever DST or another country's
 * holidays do); before anything else (internal mail, a CRM task) in the tenant's zone on the tenant's calendar.
 */
const waitClock = (
  steps: readonly Action[],
  k: number,
  env: StepEnv,
): { timeZone: string; calendar: BusinessCalendar } => {
  const { config, tenant } = env;
  const next = steps.slice(k + 1).find((a) => a.type !== 'wait');
  if (next?.type === 'send_email' && next.recipient.to === 'contact') {
    const timeZone = recipientZone(config, env.event.detail.record, tenant.timeZone);
    return { timeZone, calendar: sendCalendar(config, timeZone) };
  }
  return { timeZone: tenant.timeZone, calendar: calendarOf(config, config.sendWindow.calendar) };
};

const planSteps = (steps: readonly Action[], env: StepEnv): Plan => {
  const { config, tenant, event } = env;
  const record = event.detail.record;
  const tenantCal = calendarOf(config, config.sendWindow.calendar);
  const effects: PlannedEffect[] = [];
  const skipped: SkippedStep[] = [];
  let cursor = env.start;

  for (const [k, action] of steps.entries()) {
    const step = env.stepName(k);
    const push = (d: EffectDescription) =>
      effects.push({
        ...d,
        key: env.keyOf(k),
        step,
        dueAt: cursor.toISOString(),
        recheck: env.alwaysRecheck || cursor.getTime() > env.start.getTime(),
      });
    switch (action.type) {
      case 'wait': {
        if (action.for) {
          // Days are calendar days at the same local time (DST-proof); hours and minutes are elapsed time.
          const { days = 0, hours = 0, minutes = 0 } = action.for;
          const { timeZone } = waitClock(steps, k, env);
          const local = localTime(cursor, timeZone);
          const moved = days
            ? instantAt(addDays(local.date, days), local.minutes, timeZone, local.seconds)
            : cursor;
          cursor = new Date(moved.getTime() + (hours * 60 + minutes) * 60_000);
        } else if (action.businessDays !== undefined) {
          const { timeZone, calendar } = waitClock(steps, k, env);
          cursor = addBusinessDays(calendar, timeZone, cursor, action.businessDays);
        } else if (action.until) {
          const date = recordDate(record, action.until.field);
          if (date === undefined) {
            // Without the date there is no "3 days before" it: the rest of the steps cannot be placed.
            for (let r = k; r < steps.length; r++)
              skipped.push({
                step: env.stepName(r),
                reason: `${action.until.field} is not set on the record`,
              });
            return { effects, skipped };
          }
          const due = relativeToDate(date, action.until.offsetDays, action.until.time, tenant.timeZone);
          if (due > cursor) cursor = due; // already past: carry on at once
        }
        break;
      }
      case 'send_email': {
        const to = address(action.recipient, record);
        if (typeof to !== 'string') {
          skipped.push({ step, reason: to.missing });
          break;
        }
        const external = action.recipient.to === 'contact';
        let windowTimeZone: string | undefined;
        if (external || action.withinBusinessHours) {
          windowTimeZone = external ? recipientZone(config, record, tenant.timeZone) : tenant.timeZone;
          cursor = nextSendInstant(sendCalendar(config, windowTimeZone), windowTimeZone, cursor);
        }
        push({
          kind: 'email',
          template: action.template,
          recipient: action.recipient.to,
          address: to,
          locale: external ? recipientLocale(config, record, tenant.locale) : tenant.locale,
          ...(windowTimeZone ? { windowTimeZone } : {}),
        });
        break;
      }
      case 'create_crm_activity': {
        const ownerId = record.owner?.id;
        if (!ownerId) {
          skipped.push({ step, reason: 'the record has no owner to assign it to' });
          break;
        }
        const preview = previewText(action.subject, env);
        push({
          kind: 'crm_activity',
          activity: action.activity,
          subject: action.subject,
          ...(preview !== undefined ? { subjectPreview: preview } : {}),
          ...(action.description ? { description: action.description } : {}),
          ownerId,
          ...(action.dueInBusinessDays !== undefined
            ? { dueDate: businessDueDate(tenantCal, tenant.timeZone, cursor, action.dueInBusinessDays) }
            : {}),
        });
        break;
      }
      case 'notify_chat': {
        const hook = config.chatWebhooks[action.webhook];
        push({
          kind: 'chat',
          webhook: action.webhook,
          format: hook?.format ?? 'unknown',
          template: action.template,
        });
        break;
      }
      case 'start_sequence': {
        const seq = config.sequences.find((s) => s.id === action.sequence);
        if (!seq) {
          skipped.push({ step, reason: `sequence ${action.sequence} is not in the config` });
          break;
        }
        const occurrence = enrolmentOccurrence(seq, event, cursor, tenant.timeZone);
        push({
          kind: 'start_sequence',
          sequence: seq.id,
          version: seq.version,
          occurrence,
          enrolmentKey: enrolmentKey(tenant.id, seq.id, event, occurrence),
        });
        break;
      }
      case 'stop_sequence':
        push({ kind: 'stop_sequence', sequence: action.sequence });
        break;
    }
  }
  return { effects, skipped };
};

/** The planned effects of one matched workflow for one event. */
export const planWorkflow = (input: {
  config: WorkflowConfig;
  tenant: PlanTenant;
  workflow: Workflow;
  event: WorkflowEvent;
}): Plan => {
  const { workflow: w, event, tenant } = input;
  const d = event.detail;
  const occurred = new Date(d.occurredAt);
  const gate = w.debounceSeconds
    ? {
        until: new Date(occurred.getTime() + w.debounceSeconds * 1000),
        recordModifiedAt: d.record.modifiedAt,
      }
    : undefined;
  const record = `${d.object}/${enc(d.recordId)}`;
  const plan = planSteps(w.actions, {
    ...input,
    keyOf: (k) => `${tenant.id}/workflow/${w.id}@${w.version}/step-${k}/${record}/${enc(d.eventId)}`,
    stepName: (k) => `actions[${k}]`,
    start: gate?.until ?? occurred,
    alwaysRecheck: gate !== undefined,
  });
  return gate
    ? { ...plan, gate: { until: gate.until.toISOString(), recordModifiedAt: gate.recordModifiedAt } }
    : plan;
};

/** The steps of an enrolment, planned from when it started; every step re-checks the stop conditions when due. */
export const planEnrolment = (input: {
  config: WorkflowConfig;
  tenant: PlanTenant;
  sequence: Sequence;
  event: WorkflowEvent;
  occurrence: string;
  startAt: Date;
}): Plan => {
  const { sequence: s, event, tenant } = input;
  const record = `${event.detail.object}/${enc(event.detail.recordId)}`;
  return planSteps(s.steps, {
    ...input,
    keyOf: (k) => `${tenant.id}/sequence/${s.id}@${s.version}/step-${k}/${record}/${enc(input.occurrence)}`,
    stepName: (k) => `steps[${k}]`,
    start: input.startAt,
    alwaysRecheck: true,
  });
};
