import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RejectedInputError } from '../../../shared/errors';
import { parseWorkflowConfig, WorkflowConfigError } from '../../../shared/workflows';
import { workflowJsonSchema } from '../../../shared/workflows/json-schema';
import { config, demoConfig, workflow } from './fixtures';

const problemsOf = (input: unknown) => {
  try {
    parseWorkflowConfig(input, 'tenants/workflows/t.json');
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowConfigError);
    return (err as WorkflowConfigError).problems;
  }
  throw new Error('expected a refusal');
};
const withCondition = (condition: unknown, event = 'deal.won') =>
  config({
    mappedFields: { industry: 'text' },
    teams: { east: { name: 'East', members: ['u-1'] } },
    workflows: [workflow({ trigger: { event, conditions: [condition] } })],
  });
const withAction = (action: unknown, over = {}) =>
  config({ workflows: [workflow({ actions: [action] })], ...over });
const seq = (id: string, starts: string[]) => ({
  id,
  version: 1,
  name: id,
  steps: starts.length
    ? starts.map((s) => ({ type: 'start_sequence', sequence: s }))
    : [{ type: 'send_email', template: 'hello', recipient: { to: 'contact' } }],
});

describe('the demo config', () => {
  it('validates, and its three workflows and sequence are there', () => {
    const c = demoConfig();
    expect(c.workflows.map((w) => w.id)).toEqual([
      'new-lead-welcome',
      'stalled-deal-nudge',
      'won-deal-recognition',
    ]);
    expect(c.sequences.map((s) => s.id)).toEqual(['lead-nurture']);
  });

  it('the committed JSON Schema is the one the code exports (regenerate: npx tsx shared/workflows/json-schema.ts)', () => {
    const file = resolve(import.meta.dirname, '../../../tenants/workflows/workflow.schema.json');
    // Compared as data: biome formats the committed file.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(workflowJsonSchema());
    const schema = workflowJsonSchema() as { properties: { workflows: { type: string } } };
    expect(schema.properties.workflows.type).toBe('array');
    expect(JSON.stringify(schema)).toContain('"deal.stage_changed"');
  });
});

describe('bad workflow config is refused with the path and reason', () => {
  it.each([
    [
      'an unknown event',
      config({ workflows: [workflow({ trigger: { event: 'deal.exploded' } })] }),
      'workflows[0].trigger.event',
      /expected one of/,
    ],
    [
      'a condition on a field that does not exist',
      withCondition({ field: 'stge', op: 'eq', value: 'x' }),
      'workflows[0].trigger.conditions[0].field',
      /unknown field "stge"/,
    ],
    [
      'a condition on an unmapped field',
      withCondition({ field: 'fields.region', op: 'eq', value: 'x' }),
      'workflows[0].trigger.conditions[0].field',
      /"region" is not a mapped field \(mapped: industry\)/,
    ],
    [
      'change.* on an event without a change',
      withCondition({ field: 'change.to', op: 'eq', value: 'x' }),
      'workflows[0].trigger.conditions[0].field',
      /deal.won carries no change/,
    ],
    [
      '"changed" on a field the event does not change',
      withCondition({ field: 'stage', op: 'changed' }, 'deal.amount_changed'),
      'workflows[0].trigger.conditions[0]',
      /carries a change of amount, not of stage/,
    ],
    [
      'an ordered operator on text',
      withCondition({ field: 'stage', op: 'gt', value: 'B' }),
      'workflows[0].trigger.conditions[0]',
      /"gt" needs a decimal, number or date field; stage is text/,
    ],
    [
      'an amount that is not a decimal string',
      withCondition({ field: 'amount', op: 'gte', value: '100k' }),
      'workflows[0].trigger.conditions[0]',
      /"100k" is not a decimal string/,
    ],
    [
      'a status that does not exist',
      withCondition({ field: 'status', op: 'eq', value: 'closed' }),
      'workflows[0].trigger.conditions[0]',
      /one of open, won, lost/,
    ],
    [
      'an unknown team',
      withCondition({ op: 'team_in', teams: ['west'] }),
      'workflows[0].trigger.conditions[0]',
      /unknown team "west" \(teams: east\)/,
    ],
    [
      'a bad field inside "any"',
      withCondition({
        op: 'any',
        conditions: [
          { field: 'amount', op: 'exists' },
          { field: 'nme', op: 'exists' },
        ],
      }),
      'workflows[0].trigger.conditions[0].conditions[1].field',
      /unknown field "nme"/,
    ],
    [
      'an unknown operator',
      withCondition({ field: 'amount', op: 'between', value: 1 }),
      'workflows[0].trigger.conditions[0].op',
      /Invalid discriminator value. Expected 'eq' \| 'ne'/,
    ],
    [
      'a template with an unknown merge field',
      config({
        templates: { hello: { locales: { en: { subject: 'Hi', text: 'Total {{record.amout}}' } } } },
      }),
      'templates.hello.locales.en.text',
      /unknown merge field \{\{record.amout\}\}/,
    ],
    [
      'a template with an unmapped record field',
      config({
        templates: { hello: { locales: { 'zh-CN': { subject: '{{record.fields.region}}', text: 'x' } } } },
      }),
      'templates.hello.locales.zh-CN.subject',
      /unknown merge field \{\{record.fields.region\}\}/,
    ],
    [
      'a malformed merge field',
      config({ templates: { hello: { locales: { en: { subject: 'Hi {{owner.name}', text: 'x' } } } } }),
      'templates.hello.locales.en.subject',
      /malformed merge field/,
    ],
    [
      'a template without locales',
      config({ templates: { hello: { locales: {} } } }),
      'templates.hello.locales',
      /at least one locale/,
    ],
    [
      'a CRM task subject with an unknown merge field',
      withAction({ type: 'create_crm_activity', activity: 'task', subject: 'Call {{contact.phone}}' }),
      'workflows[0].actions[0].subject',
      /unknown merge field \{\{contact.phone\}\}/,
    ],
    [
      'an unknown template',
      withAction({ type: 'send_email', template: 'nope', recipient: { to: 'owner' } }),
      'workflows[0].actions[0].template',
      /unknown template "nope" \(templates: hello\)/,
    ],
    [
      'an unknown sequence',
      withAction({ type: 'start_sequence', sequence: 'nurture' }),
      'workflows[0].actions[0].sequence',
      /unknown sequence "nurture"/,
    ],
    [
      'a wait relative to a non-date field',
      withAction({ type: 'wait', until: { field: 'amount', offsetDays: -3 } }),
      'workflows[0].actions[0].until.field',
      /must be a date field; amount is decimal/,
    ],
    [
      'a wait with two kinds at once',
      withAction({ type: 'wait', businessDays: 2, for: { days: 1 } }),
      'workflows[0].actions[0]',
      /exactly one of/,
    ],
    [
      'a chat webhook off the allow-list',
      withAction(
        { type: 'notify_chat', webhook: 'team', template: 'hello' },
        { chatWebhooks: { team: { format: 'slack', url: 'https://evil.example.com/hooks/T0' } } },
      ),
      'chatWebhooks.team.url',
      /not on the allow-list for slack/,
    ],
    [
      'an unknown chat webhook',
      withAction({ type: 'notify_chat', webhook: 'team', template: 'hello' }),
      'workflows[0].actions[0].webhook',
      /unknown chat webhook "team"/,
    ],
    [
      'two workflows with one id',
      config({ workflows: [workflow(), workflow({ version: 2 })] }),
      'workflows[1].id',
      /already used by workflows\[0\]/,
    ],
    ['a newer file format', config({ schemaVersion: 2 as 1 }), 'schemaVersion', /expected 1/],
    [
      'a make-up day that is also a holiday',
      config({
        calendars: { cn: { holidays: ['2026-10-01'], makeUpWorkdays: ['2026-10-01'] } },
        sendWindow: { calendar: 'cn' },
      }),
      'calendars.cn.makeUpWorkdays[0]',
      /also listed as a holiday/,
    ],
    [
      'business hours that end before they start',
      config({ calendars: { cn: { hours: { start: '18:00', end: '09:00' } } } }),
      'calendars.cn.hours.end',
      /must be after start/,
    ],
    [
      'a send window on an unknown calendar',
      config({ sendWindow: { calendar: 'cn' } }),
      'sendWindow.calendar',
      /unknown calendar "cn"/,
    ],
    [
      'a recipient zone from an unmapped field',
      config({ sendWindow: { recipientTimeZoneField: 'fields.tz' } }),
      'sendWindow.recipientTimeZoneField',
      /mapped text field/,
    ],
    [
      'a recipient language from an unmapped field',
      config({ sendWindow: { recipientLocaleField: 'fields.lang' } }),
      'sendWindow.recipientLocaleField',
      /mapped text field/,
    ],
  ])('%s', (_, input, path, message) => {
    const problems = problemsOf(input);
    expect(problems.map((p) => p.path)).toContain(path);
    expect(problems.find((p) => p.path === path)?.message).toMatch(message);
  });

  it('a cycle of start-sequence actions is reported once, at the step that closes it', () => {
    const problems = problemsOf(
      config({
        workflows: [workflow({ actions: [{ type: 'start_sequence', sequence: 'a' }] })],
        sequences: [seq('a', ['b']), seq('b', ['c']), seq('c', ['a']), seq('d', ['b'])],
      }),
    );
    expect(problems).toEqual([
      {
        path: 'sequences[2].steps[0].sequence',
        message: 'starting "a" here closes a cycle of start-sequence actions: a → b → c → a',
      },
    ]);
  });

  it('a sequence that starts itself is a cycle too; an acyclic chain is fine', () => {
    expect(problemsOf(config({ sequences: [seq('a', ['a'])] }))).toEqual([
      {
        path: 'sequences[0].steps[0].sequence',
        message: 'starting "a" here closes a cycle of start-sequence actions: a → a',
      },
    ]);
    expect(() =>
      parseWorkflowConfig(config({ sequences: [seq('a', ['b', 'c']), seq('b', ['c']), seq('c', [])] }), 't'),
    ).not.toThrow();
  });

  it('every problem in the file is reported at once, as a 4xx-class refusal naming the source', () => {
    try {
      parseWorkflowConfig(
        config({
          templates: { hello: { locales: { en: { subject: '{{x}}', text: '{{y}}' } } } },
          workflows: [
            workflow({ trigger: { event: 'deal.won', conditions: [{ field: 'nope', op: 'exists' }] } }),
          ],
        }),
        'tenants/workflows/t.json',
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RejectedInputError);
      const e = err as WorkflowConfigError;
      expect(e.code).toBe('invalid_payload');
      expect(e.problems.map((p) => p.path)).toEqual([
        'templates.hello.locales.en.subject',
        'templates.hello.locales.en.text',
        'workflows[0].trigger.conditions[0].field',
      ]);
      expect(e.message).toMatch(
        /^tenants\/workflows\/t.json: invalid workflow configuration\n {2}- templates/,
      );
    }
  });
});
