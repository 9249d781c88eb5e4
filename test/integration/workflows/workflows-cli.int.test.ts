/**
 * `quotaflow workflows validate | explain | dry-run` as an operator sees them, with an injected terminal: text and
 * JSON output, exit codes (0 done, 1 invalid config for validate or event not found, 2 bad arguments or config),
 * explain from the archive on dynalite or from a file, a dry-run of a draft that writes nothing.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runDryRun,
  runEvents,
  runExplain,
  runValidate,
  type WorkflowsWiring,
} from '../../../infra/cli/workflows';
import { EffectStates } from '../../../shared/store/effect-states';
import { EventArchive } from '../../../shared/store/event-archive';
import { SuppressionRepository } from '../../../shared/store/suppression';
import type { CrmProvider } from '../../../shared/sync/crm-writer';
import { cli } from '../../support/cli-process';
import { countWrites, type LocalTable, startLocalTable, TestClock } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { config, DEMO_FILE, deal, event, TENANT, workflow } from '../../unit/workflows/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'qf-workflows-cli-'));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

let table: LocalTable;
let wiring: WorkflowsWiring;
let crmProvider: CrmProvider = 'zoho';
const clock = new TestClock('2026-03-20T02:00:00.000Z');

const won = event('deal.won', deal({ status: 'won', name: 'Acme renewal' }), {
  occurredAt: '2026-03-16T02:00:00.000Z',
  eventId: 'evt-won-1',
});

beforeAll(async () => {
  table = await startLocalTable('workflows-cli');
  wiring = {
    tenant: (id) => {
      if (id !== 'demo') throw new Error(`no tenant config tenants/${id}.json`);
      return TENANT;
    },
    workflowsFile: () => DEMO_FILE,
    archive: (t) => new EventArchive(table.doc, table.tableName, { timeZone: t.timeZone, now: clock.now }),
    ledger: () => new EffectStates(table.doc, table.tableName),
    checks: () => {
      const list = new SuppressionRepository(table.doc, table.tableName, clock.now);
      return { crmProvider, isSuppressed: (a) => list.isSuppressed(a) };
    },
    now: clock.now,
    tableName: () => table.tableName,
  };
  await new EventArchive(table.doc, table.tableName, { timeZone: TENANT.timeZone, now: clock.now }).put(won);
});
afterAll(async () => {
  await table?.stop();
});

describe('workflows validate', () => {
  it('a valid config: exit 0 and a summary; an invalid one: exit 1 with every path and reason', () => {
    const ok = terminal();
    expect(runValidate({ tenant: 'demo' }, wiring, ok.term)).toBe(0);
    expect(ok.t.out).toMatch(/^ok {3}.*demo\.json: tenant demo, 3 workflows, 1 sequences/);

    const bad = file(
      'bad.json',
      config({
        workflows: [
          workflow({
            trigger: { event: 'deal.won', conditions: [{ field: 'fields.nope', op: 'eq', value: 'x' }] },
            actions: [{ type: 'send_email', template: 'missing', recipient: { to: 'owner' } }],
          }),
        ],
      }),
    );
    const fail = terminal();
    expect(runValidate({ file: bad }, wiring, fail.term)).toBe(1);
    expect(fail.t.err).toContain('workflows[0].trigger.conditions[0].field: "nope" is not a mapped field');
    expect(fail.t.err).toContain('workflows[0].actions[0].template: unknown template "missing"');
    const json = terminal();
    expect(runValidate({ file: bad, json: true }, wiring, json.term)).toBe(1);
    expect(JSON.parse(json.t.out).problems).toContainEqual({
      path: 'workflows[0].actions[0].template',
      message: 'unknown template "missing" (templates: hello)',
    });
    const notJson = terminal();
    expect(runValidate({ file: file('broken.json', '{ "schemaVersion": ') }, wiring, notJson.term)).toBe(1);
    expect(notJson.t.err).toContain('(file): is not valid JSON');
  });

  it('neither or both of --tenant and a file, or a missing file, is a usage error (exit 2)', () => {
    expect(runValidate({}, wiring, terminal().term)).toBe(2);
    expect(runValidate({ tenant: 'demo', file: DEMO_FILE }, wiring, terminal().term)).toBe(2);
    const missing = terminal();
    expect(runValidate({ file: join(dir, 'nope.json') }, wiring, missing.term)).toBe(2);
    expect(missing.t.err).toContain('no such file');
  });
});

describe('workflows explain', () => {
  it('an archived event: matched and unmatched workflows with reasons, due times, ledger states', async () => {
    const { t, term } = terminal();
    expect(await runExplain({ tenant: 'demo', event: 'evt-won-1' }, wiring, term)).toBe(0);
    expect(t.out).toContain('deal.won deal:D-1001 "Acme renewal" (event evt-won-1)');
    expect(t.out).toContain('occurred 2026-03-16 10:00 Mon Asia/Shanghai (2026-03-16T02:00:00.000Z)');
    expect(t.out).toContain('✓ won-deal-recognition@1 "赢单表彰"');
    expect(t.out).toContain(
      'actions[4]  email "won-deal-check-in" to owner <li.lei@demo.quotaflow.dev> (zh-CN)',
    );
    expect(t.out).toContain(
      'due 2026-03-23 10:00 Mon Asia/Shanghai (2026-03-23T02:00:00.000Z), checked again when due',
    );
    expect(t.out).toContain('ledger: not yet');
    expect(t.out).toContain('✗ stalled-deal-nudge@2 "Stalled deal nudge"');
    expect(t.out).toContain('trigger.event: listens to deal.stage_changed, not deal.won');
    expect(t.out).toContain('stops enrolments of this record in:\n    lead-nurture: stop condition: closed');
  });

  it('workflows events lists the archived events newest first with the ids explain takes, filtered by record or type', async () => {
    const { t, term } = terminal();
    expect(await runEvents({ tenant: 'demo', days: 30 }, wiring, term)).toBe(0);
    expect(t.out).toBe('2026-03-16 10:00 Mon  deal.won             deal D-1001 "Acme renewal"  evt-won-1\n');
    const none = terminal();
    expect(await runEvents({ tenant: 'demo', days: 30, type: 'lead.created' }, wiring, none.term)).toBe(0);
    expect(none.t.out).toBe('');
    expect(none.t.err).toContain('no archived events in the last 30 day(s) matching the filters');
    const bad = terminal();
    expect(await runEvents({ tenant: 'demo', days: 0 }, wiring, bad.term)).toBe(2);
    expect(bad.t.err).toContain('--days must be a whole number from 1 to 90');
  });

  it('--json prints the report; an unknown event id is exit 1 naming the table and retention', async () => {
    const json = terminal();
    expect(await runExplain({ tenant: 'demo', event: 'evt-won-1', json: true }, wiring, json.term)).toBe(0);
    const report = JSON.parse(json.t.out);
    expect(report.matched[0].effects[0]).toMatchObject({
      kind: 'email',
      due: { utc: '2026-03-16T02:00:00.000Z', local: '2026-03-16 10:00 Mon', timeZone: 'Asia/Shanghai' },
      ledger: { state: 'not_yet' },
    });
    const missing = terminal();
    expect(await runExplain({ tenant: 'demo', event: 'evt-nope' }, wiring, missing.term)).toBe(1);
    expect(missing.t.err).toContain(`event evt-nope is not in the archive of demo (table ${table.tableName}`);
  });

  it('--event-file explains an event without the table; bad files and tenants are exit 2', async () => {
    const offline: WorkflowsWiring = {
      ...wiring,
      archive: () => {
        throw new Error('no table for --event-file');
      },
      ledger: () => {
        throw new Error('no table for --event-file');
      },
    };
    const envelope = file('event.json', { 'detail-type': won.type, detail: won.detail });
    const { t, term } = terminal();
    expect(await runExplain({ tenant: 'demo', eventFile: envelope }, offline, term)).toBe(0);
    expect(t.out).toContain('✓ won-deal-recognition@1');
    expect(t.out).not.toContain('ledger:');

    const wrongType = terminal();
    const typo = file('typo.json', { type: 'deal.wonn', detail: won.detail });
    expect(await runExplain({ tenant: 'demo', eventFile: typo }, offline, wrongType.term)).toBe(2);
    expect(wrongType.t.err).toContain('"detail-type" (or "type") must be one of record.created');
    const invalid = terminal();
    const noId = file('no-id.json', { type: 'deal.won', detail: { ...won.detail, eventId: undefined } });
    expect(await runExplain({ tenant: 'demo', eventFile: noId }, offline, invalid.term)).toBe(2);
    expect(invalid.t.err).toContain('detail.eventId');
    const tenant = terminal();
    expect(await runExplain({ tenant: 'acme', eventFile: envelope }, offline, tenant.term)).toBe(2);
    expect(tenant.t.err).toContain('no tenant config tenants/acme.json');
    expect(await runExplain({ tenant: 'demo' }, offline, terminal().term)).toBe(2);
  });

  it('an invalid current config is exit 2 with path and reason', async () => {
    const broken = file(
      'current.json',
      config({ workflows: [workflow({ trigger: { event: 'deal.wonn' } })] }),
    );
    const { t, term } = terminal();
    const code = await runExplain(
      { tenant: 'demo', event: 'evt-won-1' },
      { ...wiring, workflowsFile: () => broken },
      term,
    );
    expect(code).toBe(2);
    expect(t.err).toMatch(/workflows\[0\]\.trigger\.event: /);
  });
});

describe('workflows dry-run', () => {
  it('replays a draft over the last N days: per-event list, totals, progress on stderr, nothing written', async () => {
    const draft = file(
      'draft.json',
      config({
        workflows: [
          workflow({
            id: 'all-wins',
            actions: [
              { type: 'send_email', template: 'hello', recipient: { to: 'owner' } },
              { type: 'wait', for: { days: 2 } },
              { type: 'create_crm_activity', activity: 'task', subject: 'Thank {{record.name}}' },
            ],
          }),
        ],
      }),
    );
    const writes = countWrites(table.doc);
    const { t, term } = terminal();
    expect(await runDryRun({ tenant: 'demo', config: draft, days: 7 }, wiring, term)).toBe(0);
    expect(writes.writes).toBe(0);
    expect(t.err).toContain('replaying 2026-03-20 (day 8/8): 1 events so far');
    expect(t.err).toMatch(/replayed 1 events of 8 days in .* s; nothing was sent or written/);
    expect(t.out).toContain('2026-03-16 10:00 Mon  deal.won deal:D-1001 (event evt-won-1)');
    expect(t.out).toContain('  all-wins@1');
    expect(t.out).toContain(
      '→ 2026-03-16 10:00 Mon  email "hello" to owner <li.lei@demo.quotaflow.dev> (zh-CN)',
    );
    expect(t.out).toContain('→ 2026-03-18 10:00 Wed  CRM task for owner u-1001: "Thank {{record.name}}"');
    expect(t.out).toContain('totals: 1 emails, 1 CRM tasks');

    const json = terminal();
    expect(await runDryRun({ tenant: 'demo', days: '7', json: true }, wiring, json.term)).toBe(0);
    const report = JSON.parse(json.t.out);
    expect(report.config).toContain('demo.json');
    expect(report.totals).toMatchObject({ events: 1, emails: 2, chatNotifications: 1, scheduledLater: 1 });
  });

  it("lists mail to a suppressed contact and write-backs the tenant's CRM does not take as skipped, with the reason", async () => {
    const contactWon = event(
      'deal.won',
      deal({ id: 'D-2002', status: 'won', name: 'Beta', email: 'gone@example.cn' }),
      { occurredAt: '2026-03-17T02:00:00.000Z', eventId: 'evt-won-2' },
    );
    await new EventArchive(table.doc, table.tableName, { timeZone: TENANT.timeZone, now: clock.now }).put(
      contactWon,
    );
    await new SuppressionRepository(table.doc, table.tableName, clock.now).suppress(
      'gone@example.cn',
      'unsubscribed',
      { at: '2026-03-01T00:00:00.000Z' },
    );
    const draft = file(
      'contact-draft.json',
      config({
        workflows: [
          workflow({
            id: 'thanks',
            actions: [
              { type: 'send_email', template: 'hello', recipient: { to: 'contact' } },
              { type: 'create_crm_activity', activity: 'note', subject: 'Thanked' },
            ],
          }),
        ],
      }),
    );
    crmProvider = 'generic';
    try {
      const { t, term } = terminal();
      expect(await runDryRun({ tenant: 'demo', config: draft, days: 7 }, wiring, term)).toBe(0);
      expect(t.out).toContain('✗ 2026-03-17 10:00 Tue  email "hello" to contact <gone@example.cn>');
      expect(t.out).toContain('— skipped: gone@example.cn is suppressed (unsubscribed)');
      expect(t.out).toContain("— skipped: the tenant's CRM takes no write-back (generic webhook)");
      expect(t.out).toContain('totals: 0 emails, 0 CRM tasks, 0 notes');
      expect(t.out).toContain(
        "of the skipped: 1 to suppressed addresses, 2 CRM write-backs the tenant's CRM does not take",
      );
    } finally {
      crmProvider = 'zoho';
    }
  });

  it('--days outside 1-90 and an invalid draft are usage errors (exit 2)', async () => {
    const days = terminal();
    expect(await runDryRun({ tenant: 'demo', days: 91 }, wiring, days.term)).toBe(2);
    expect(days.t.err).toContain('--days must be a whole number from 1 to 90');
    const other = terminal();
    const foreign = file('foreign.json', config({ tenantId: 'acme' }));
    expect(await runDryRun({ tenant: 'demo', days: 1, config: foreign }, wiring, other.term)).toBe(2);
    expect(other.t.err).toContain('tenantId: is "acme" but the tenant is "demo"');
  });

  it('as a process: `workflows validate` of the demo tenant exits 0, a missing --tenant for explain exits 2', () => {
    const run = (...args: string[]) => cli(['workflows', ...args]);
    const ok = run('validate', '--tenant', 'demo');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('tenant demo, 3 workflows');
    const missing = run('explain', '--event', 'x');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '--tenant <id>' not specified");
  });
});
