/**
 * Reading a tenant's workflow config: the zod shape first, then the rules that need the whole file (a condition's
 * field must exist for its trigger, a template may only use known merge fields, references must resolve, sequences
 * must not start each other in a circle, chat webhooks must be on the allow-list). Every problem is reported at the
 * exact path of the offending value, formatted like tenant config errors, and all are reported at once, so an author
 * fixes a file in one round.
 */

import { formatIssuePath } from '../config/tenant';
import { RejectedInputError } from '../errors';
import { isTimeZone } from './calendar';
import { compileCondition } from './conditions';
import {
  type Action,
  CHAT_URL_PREFIXES,
  type Condition,
  type TriggerEvent,
  type WorkflowConfig,
  workflowConfigSchema,
} from './definition';
import { resolveField } from './fields';
import { compileText, isKnownMergeField } from './templates';

export interface Problem {
  path: string;
  message: string;
}

export class WorkflowConfigError extends RejectedInputError {
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    super(
      'invalid_payload',
      `${source}: invalid workflow configuration\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
      problems,
    );
  }
}

/** The providers' own webhook endpoints (definition.ts); a tenant may add more prefixes with chatAllowList. */
export { CHAT_URL_PREFIXES };

/** Parse and check; throws WorkflowConfigError naming every problem. */
export const parseWorkflowConfig = (value: unknown, source: string): WorkflowConfig => {
  const result = workflowConfigSchema.safeParse(value);
  if (!result.success) {
    throw new WorkflowConfigError(
      source,
      result.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })),
    );
  }
  const problems = checkWorkflowConfig(result.data);
  if (problems.length > 0) throw new WorkflowConfigError(source, problems);
  return result.data;
};

const list = (names: Iterable<string>) => [...names].join(', ') || 'none';

/** The cross-field rules, on a config that already has the right shape. */
export const checkWorkflowConfig = (config: WorkflowConfig): Problem[] => {
  const problems: Problem[] = [];
  const add = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const has = (record: Record<string, unknown>, key: string) => Object.hasOwn(record, key);

  const checkText = (path: string, source: string) => {
    const compiled = compileText(source);
    if ('error' in compiled) return add(path, compiled.error);
    for (const f of compiled.fields) {
      if (!isKnownMergeField(f, config.mappedFields))
        add(
          path,
          `unknown merge field {{${f}}}; known: record.*, owner.*, contact.*, change.*, tenant.name, record.fields.<mapped>`,
        );
    }
  };

  // templates
  for (const [id, tpl] of Object.entries(config.templates)) {
    const locales = Object.entries(tpl.locales);
    if (locales.length === 0) add(`templates.${id}.locales`, 'needs at least one locale (zh-CN or en)');
    for (const [locale, body] of locales) {
      if (!body) continue;
      for (const part of ['subject', 'text', 'html'] as const) {
        const source = body[part];
        if (source !== undefined) checkText(`templates.${id}.locales.${locale}.${part}`, source);
      }
    }
  }

  // calendars, send window, chat webhooks
  for (const [id, cal] of Object.entries(config.calendars)) {
    if (cal.hours.end <= cal.hours.start)
      add(`calendars.${id}.hours.end`, `must be after start (${cal.hours.start})`);
    const holidays = new Set(cal.holidays);
    cal.makeUpWorkdays.forEach((d, i) => {
      if (holidays.has(d)) add(`calendars.${id}.makeUpWorkdays[${i}]`, `${d} is also listed as a holiday`);
    });
    const daysOff = new Set(cal.daysOff);
    cal.extraWorkdays.forEach((d, i) => {
      if (daysOff.has(d)) add(`calendars.${id}.extraWorkdays[${i}]`, `${d} is also listed as a day off`);
    });
    if (cal.source === 'date-holidays' && cal.country === undefined)
      add(
        `calendars.${id}.country`,
        'is needed with source "date-holidays" (an ISO country code such as US)',
      );
    for (const key of ['country', 'state'] as const)
      if (cal[key] !== undefined && cal.source !== 'date-holidays')
        add(`calendars.${id}.${key}`, 'only applies to source "date-holidays"');
  }
  const calendarExists = (id: string) => id === 'default' || has(config.calendars, id);
  const sw = config.sendWindow;
  if (!calendarExists(sw.calendar))
    add(
      'sendWindow.calendar',
      `unknown calendar "${sw.calendar}" (calendars: ${list(Object.keys(config.calendars))})`,
    );
  for (const [zone, cal] of Object.entries(sw.calendarByTimeZone)) {
    if (!isTimeZone(zone)) add(`sendWindow.calendarByTimeZone.${zone}`, 'is not an IANA time zone');
    else if (!calendarExists(cal)) add(`sendWindow.calendarByTimeZone.${zone}`, `unknown calendar "${cal}"`);
  }
  for (const key of ['recipientTimeZoneField', 'recipientLocaleField'] as const) {
    const source = sw[key];
    if (source === undefined) continue;
    const name = source.replace(/^fields\./, '');
    if (config.mappedFields[name] !== 'text')
      add(`sendWindow.${key}`, `must name a mapped text field ("${name}" is not one)`);
  }
  for (const [id, hook] of Object.entries(config.chatWebhooks)) {
    const allowed = [...CHAT_URL_PREFIXES[hook.format], ...config.chatAllowList];
    if (!hook.url.startsWith('https://')) add(`chatWebhooks.${id}.url`, 'must be an https URL');
    else if (!allowed.some((p) => hook.url.startsWith(p)))
      add(
        `chatWebhooks.${id}.url`,
        `is not on the allow-list for ${hook.format} (allowed prefixes: ${allowed.join(', ')})`,
      );
  }

  // conditions and actions
  const checkCondition = (path: string, cond: Condition, event: TriggerEvent) => {
    if (cond.op === 'any') {
      cond.conditions.forEach((c, i) => {
        checkCondition(`${path}.conditions[${i}]`, c, event);
      });
      return;
    }
    if ('field' in cond) {
      const spec = resolveField(cond.field, event, config.mappedFields);
      if ('error' in spec) return add(`${path}.field`, spec.error);
    }
    const compiled = compileCondition(cond, { event, mapped: config.mappedFields, teams: config.teams });
    if ('error' in compiled) add(path, compiled.error);
  };
  const sequenceIds = new Set(config.sequences.map((s) => s.id));
  const checkAction = (path: string, action: Action, event: TriggerEvent | undefined) => {
    const template = (id: string) => {
      if (!has(config.templates, id))
        add(
          `${path}.template`,
          `unknown template "${id}" (templates: ${list(Object.keys(config.templates))})`,
        );
    };
    switch (action.type) {
      case 'send_email':
        return template(action.template);
      case 'notify_chat':
        template(action.template);
        if (!has(config.chatWebhooks, action.webhook))
          add(
            `${path}.webhook`,
            `unknown chat webhook "${action.webhook}" (chatWebhooks: ${list(Object.keys(config.chatWebhooks))})`,
          );
        return;
      case 'create_crm_activity':
        checkText(`${path}.subject`, action.subject);
        if (action.description !== undefined) checkText(`${path}.description`, action.description);
        return;
      case 'wait': {
        if (!action.until) return;
        // Sequences have no trigger of their own; any record date field is fine there.
        const spec = resolveField(action.until.field, event ?? 'record.created', config.mappedFields);
        if ('error' in spec) add(`${path}.until.field`, spec.error);
        else if (spec.type !== 'date')
          add(`${path}.until.field`, `must be a date field; ${action.until.field} is ${spec.type}`);
        return;
      }
      case 'start_sequence':
      case 'stop_sequence':
        if (!sequenceIds.has(action.sequence))
          add(`${path}.sequence`, `unknown sequence "${action.sequence}" (sequences: ${list(sequenceIds)})`);
        return;
    }
  };

  const seen = new Map<string, number>();
  config.workflows.forEach((w, i) => {
    const at = `workflows[${i}]`;
    const first = seen.get(w.id);
    if (first !== undefined)
      add(
        `${at}.id`,
        `"${w.id}" is already used by workflows[${first}]; one version per workflow in a config`,
      );
    else seen.set(w.id, i);
    w.trigger.conditions.forEach((c, j) => {
      checkCondition(`${at}.trigger.conditions[${j}]`, c, w.trigger.event);
    });
    w.actions.forEach((a, k) => {
      checkAction(`${at}.actions[${k}]`, a, w.trigger.event);
    });
  });
  const seenSeq = new Map<string, number>();
  config.sequences.forEach((s, i) => {
    const first = seenSeq.get(s.id);
    if (first !== undefined) add(`sequences[${i}].id`, `"${s.id}" is already used by sequences[${first}]`);
    else seenSeq.set(s.id, i);
    s.steps.forEach((a, k) => {
      checkAction(`sequences[${i}].steps[${k}]`, a, undefined);
    });
  });
  problems.push(...sequenceCycles(config));
  return problems;
};

/**
 * Sequences that start each other in a circle would enrol a contact forever. Depth-first over "sequence S has a
 * step that starts T"; each cycle is reported once, at the step that closes it.
 */
const sequenceCycles = (config: WorkflowConfig): Problem[] => {
  const index = new Map(config.sequences.map((s, i) => [s.id, i]));
  const state = new Map<string, 'open' | 'done'>();
  const problems: Problem[] = [];
  const visit = (id: string, trail: string[]) => {
    state.set(id, 'open');
    const i = index.get(id);
    const seq = i === undefined ? undefined : config.sequences[i];
    seq?.steps.forEach((step, k) => {
      if (step.type !== 'start_sequence' || !index.has(step.sequence)) return;
      const next = step.sequence;
      if (state.get(next) === 'open') {
        const from = trail.indexOf(next);
        const cycle = from === -1 ? [id, next] : [...trail.slice(from), id, next];
        problems.push({
          path: `sequences[${i}].steps[${k}].sequence`,
          message: `starting "${next}" here closes a cycle of start-sequence actions: ${cycle.join(' → ')}`,
        });
      } else if (!state.has(next)) visit(next, [...trail, id]);
    });
    state.set(id, 'done');
  };
  for (const s of config.sequences) if (!state.has(s.id)) visit(s.id, []);
  return problems;
};
